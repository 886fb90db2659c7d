package dev.untrack.pipeline.rom;

import java.util.ArrayList;
import java.util.List;

/** The text report: one line per changed app, counts for the rest, then partitions, AVB, checker, warnings. */
public final class RomPatchText {
  private RomPatchText() {}

  public static List<String> lines(RomPatchReport r) {
    List<String> out = new ArrayList<>();
    out.add(r.input() + " (" + r.kind() + ")");
    for (AppChange a : r.apps()) {
      if (a.failed()) {
        out.add("  FAILED  " + a.location() + ": " + a.error());
      } else {
        out.add("  patched " + a.location() + " (" + (a.packageName() == null ? "jar" : a.packageName()) + "): "
            + String.join(", ", a.patches()) + "; signing " + a.signing());
      }
    }
    long patched = r.apps().stream().filter(AppChange::patched).count();
    out.add("apps: " + r.appsScanned() + " scanned, " + patched + " patched, " + r.appsUnchanged()
        + " unchanged, " + r.failedApps() + " failed");
    Integer odexed = r.unchangedBy().get("ODEXED");
    if (odexed != null) {
      out.add("  " + odexed + " odexed apps (no dex beside their oat/) could not be patched; the checker reports "
          + "what they still do");
    }
    for (RomPatchReport.PartitionChange p : r.partitions()) {
      out.add("partition " + p.name() + " (" + p.format() + "): " + p.inputSize() + " -> " + p.outputSize()
          + " bytes" + (p.limit().isEmpty() ? "" : ", limit " + p.limit()));
      p.changes().forEach(c -> out.add("  " + c));
      if (!p.avb().isEmpty()) {
        out.add("  avb: " + p.avb());
      }
    }
    r.avb().forEach(a -> out.add("avb: " + a));
    r.container().forEach(c -> out.add("container: " + c));
    if (r.identical()) {
      out.add("nothing to change: the output is a byte-identical copy of the input");
    }
    if (r.checker() != null) {
      CheckerVerdict c = r.checker();
      out.add("checker: live call sites: " + c.live() + " (input: " + c.liveBefore() + "), gated " + c.gated()
          + ", neutralized " + c.neutralized() + ", apps " + c.apps() + ", files changed as planned " + c.changed()
          + (c.unexpected().isEmpty() ? "" : ", unexpected changes: " + c.unexpected().size()));
      c.liveSites().forEach(l -> out.add("  live: " + l));
      c.unexpected().forEach(u -> out.add("  unexpected: " + u));
    }
    r.warnings().forEach(w -> out.add("WARNING: " + w));
    return out;
  }
}
