package dev.untrack.patcher;

import java.util.List;

/**
 * What patching one app did, as data (serialised to JSON by the command line's {@code --json}). Lists are in a
 * fixed order: patches in load order, methods in dex and class order.
 *
 * @param app the path or name of the input
 * @param packageName the manifest package, or null for a JAR
 * @param outcome the summary
 * @param applied patches that changed (or had already changed) at least one method
 * @param notApplicable patches that did nothing here, with the reason
 * @param errors why the app could not be patched (non-empty only when {@code outcome} is FAILED)
 * @param changedEntries dex entries rewritten
 * @param addedEntries dex entries added (helpers that did not fit in an existing dex)
 * @param helpers helper classes added to the app
 * @param signing how the output is signed ({@code keep-cert}: the original signature block and META-INF, verbatim)
 */
public record PatchReport(
    String app,
    String packageName,
    Long versionCode,
    String versionName,
    Outcome outcome,
    List<Applied> applied,
    List<NotApplicable> notApplicable,
    List<String> errors,
    List<String> changedEntries,
    List<String> addedEntries,
    List<String> helpers,
    String signing) {

  public PatchReport {
    applied = List.copyOf(applied);
    notApplicable = List.copyOf(notApplicable);
    errors = List.copyOf(errors);
    changedEntries = List.copyOf(changedEntries);
    addedEntries = List.copyOf(addedEntries);
    helpers = List.copyOf(helpers);
  }

  public enum Outcome {
    /** At least one dex entry changed. */
    PATCHED,
    /** Nothing to change: the output is a byte-identical copy. */
    UNCHANGED,
    /** No dex, compiled ahead of time ({@code oat/} beside it): nothing to patch; output is a copy. */
    ODEXED,
    /** No code at all; output is a copy. */
    NO_CODE,
    /** A patch could not be applied; no output. */
    FAILED
  }

  /** A patch that applied, and the methods it touched. */
  public record Applied(String patch, String title, List<Touched> methods, List<String> unmatchedFingerprints) {
    public Applied {
      methods = List.copyOf(methods);
      unmatchedFingerprints = List.copyOf(unmatchedFingerprints);
    }
  }

  /**
   * One method one action touched.
   *
   * @param detail what happened, in words ("returns false", "prepended; frame grew by 2 registers",
   *     "already applied")
   * @param changed false when the method already had exactly this code
   */
  public record Touched(String fingerprint, String action, String method, String dex, String detail,
      boolean changed) {}

  /** A patch that did nothing to this app. */
  public record NotApplicable(String patch, String reason) {}

  public boolean isCopy() {
    return outcome == Outcome.UNCHANGED || outcome == Outcome.ODEXED || outcome == Outcome.NO_CODE;
  }
}
