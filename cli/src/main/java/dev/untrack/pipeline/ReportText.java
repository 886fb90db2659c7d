package dev.untrack.pipeline;

import dev.untrack.patcher.PatchReport;
import java.util.ArrayList;
import java.util.List;

/** A patch report in words, for the terminal. */
public final class ReportText {
  private ReportText() {}

  /** The report with not-applicable patches as a count; {@code verbose} lists them with their reasons. */
  public static List<String> lines(PatchReport r, boolean verbose) {
    List<String> out = new ArrayList<>();
    StringBuilder head = new StringBuilder(r.app());
    if (r.packageName() != null) {
      head.append("  ").append(r.packageName());
      if (r.versionName() != null) {
        head.append(' ').append(r.versionName());
      }
      if (r.versionCode() != null) {
        head.append(" (").append(r.versionCode()).append(')');
      }
    } else {
      head.append("  (jar: no manifest)");
    }
    out.add(head.toString());
    for (PatchReport.Applied a : r.applied()) {
      out.add("  applied " + a.patch() + ": " + a.title());
      for (PatchReport.Touched t : a.methods()) {
        out.add("    " + t.action() + "  " + t.method() + "  [" + t.dex() + "]  " + t.detail());
      }
      if (a.skippedWithoutCode() > 0) {
        out.add("    (" + a.skippedWithoutCode() + " abstract or native method(s) fit too; they have no code to change)");
      }
      if (!a.unmatchedFingerprints().isEmpty()) {
        out.add("    (matched nothing: " + String.join(", ", a.unmatchedFingerprints()) + ")");
      }
    }
    if (verbose) {
      for (PatchReport.NotApplicable n : r.notApplicable()) {
        out.add("  not applicable " + n.patch() + ": " + n.reason());
      }
    } else if (!r.notApplicable().isEmpty()) {
      // Most of the catalogue targets other apps; listing each one buries what did change.
      out.add("  " + r.notApplicable().size() + " other patch(es) not applicable to this app"
          + " (--verbose lists them with reasons)");
    }
    switch (r.outcome()) {
      case PATCHED -> {
        out.add("  changed: " + String.join(", ", r.changedEntries())
            + (r.addedEntries().isEmpty() ? "" : "; added: " + String.join(", ", r.addedEntries())));
        if (!r.helpers().isEmpty()) {
          out.add("  helpers added: " + String.join(", ", r.helpers()));
        }
      }
      case UNCHANGED -> out.add("  nothing to change: output is a byte-identical copy");
      case ODEXED -> out.add("  nothing to patch: app is odexed; output is a byte-identical copy");
      case NO_CODE -> out.add("  nothing to patch: app has no dex code; output is a byte-identical copy");
      case FAILED -> r.errors().forEach(e -> out.add("  error: " + e));
    }
    if (r.outcome() == PatchReport.Outcome.PATCHED || "resign".equals(r.signing())) {
      out.add("  signing: " + r.signing() + (r.signingNote() == null || r.signingNote().isEmpty() ? ""
          : " (" + r.signingNote() + ")"));
    }
    return out;
  }
}
