package dev.untrack.signing.apk;

import java.util.Objects;

/**
 * What {@link SigningPolicy} decided for one app, and why, in words a user can act on.
 *
 * @param action what to do
 * @param reason why (for a refusal: what the user can do about it)
 */
public record SigningDecision(Action action, String reason) {
  /** The outcome. */
  public enum Action {
    /** Keep the original certificate: carry over META-INF and the APK Signing Block verbatim. */
    KEEP_CERT,
    /** Strip the signatures and sign with the user's key. */
    RESIGN,
    /** Do neither: the app must not be written (the rest of the batch goes on). */
    REFUSE
  }

  public SigningDecision {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(reason, "reason");
  }

  public boolean refused() {
    return action == Action.REFUSE;
  }

  static SigningDecision keepCert(String reason) {
    return new SigningDecision(Action.KEEP_CERT, reason);
  }

  static SigningDecision resign(String reason) {
    return new SigningDecision(Action.RESIGN, reason);
  }

  static SigningDecision refuse(String reason) {
    return new SigningDecision(Action.REFUSE, reason);
  }
}
