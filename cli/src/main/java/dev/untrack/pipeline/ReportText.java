package dev.untrack.pipeline;

import dev.untrack.patcher.PatchReport;
import java.util.ArrayList;
import java.util.List;

/** A patch report in words, for the terminal. */
public final class ReportText {
  private ReportText() {}

  public static List<String> lines(PatchReport r) {
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
      if (!a.unmatchedFingerprints().isEmpty()) {
        out.add("    (matched nothing: " + String.join(", ", a.unmatchedFingerprints()) + ")");
      }
    }
    for (PatchReport.NotApplicable n : r.notApplicable()) {
      out.add("  not applicable " + n.patch() + ": " + n.reason());
    }
    switch (r.outcome()) {
      case PATCHED -> {
        out.add("  changed: " + String.join(", ", r.changedEntries())
            + (r.addedEntries().isEmpty() ? "" : "; added: " + String.join(", ", r.addedEntries())));
        if (!r.helpers().isEmpty()) {
          out.add("  helpers added: " + String.join(", ", r.helpers()));
        }
        out.add("  signature: original certificate kept (APK Signing Block and META-INF carried over verbatim; "
            + "valid for apps on system partitions)");
      }
      case UNCHANGED -> out.add("  nothing to change: output is a byte-identical copy");
      case ODEXED -> out.add("  nothing to patch: app is odexed; output is a byte-identical copy");
      case NO_CODE -> out.add("  nothing to patch: app has no dex code; output is a byte-identical copy");
      case FAILED -> r.errors().forEach(e -> out.add("  error: " + e));
    }
    return out;
  }
}
