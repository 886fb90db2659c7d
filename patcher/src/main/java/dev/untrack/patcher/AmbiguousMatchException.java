package dev.untrack.patcher;

import java.util.List;

/**
 * A fingerprint matched more methods than its {@code count} allows. untrack never guesses which one was meant:
 * every candidate is named so the patch author can make the fingerprint precise.
 */
public final class AmbiguousMatchException extends PatchException {
  private static final long serialVersionUID = 1L;

  private final String fingerprint;
  private final List<String> candidates;

  public AmbiguousMatchException(String patchId, String app, String fingerprint, String allowed, List<String> candidates) {
    super(patchId, app, "fingerprint " + fingerprint + " is ambiguous: " + candidates.size()
        + " methods match (" + allowed + " allowed): " + String.join(", ", candidates));
    this.fingerprint = fingerprint;
    this.candidates = List.copyOf(candidates);
  }

  public String fingerprint() {
    return fingerprint;
  }

  /** Every matching method as {@code Lcls;->name(proto) in classesN.dex}. */
  public List<String> candidates() {
    return candidates;
  }
}
