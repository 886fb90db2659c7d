package dev.untrack.pipeline.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * What the demo did, for people (text) and programs (JSON). Paths are relative to the output directory and no
 * clock is read, so the report is the same on every run.
 *
 * @param outputDir where the files are (as the user named it)
 * @param policy the patch policy used
 * @param apps one story per app
 * @param liveBefore live telemetry call sites in the originals, as the checker counts them
 * @param liveAfter live telemetry call sites left in the patched apps
 * @param rom the firmware step, or null when only apps were built
 */
public record DemoReport(String outputDir, String policy, List<AppStory> apps, long liveBefore, long liveAfter,
    RomStory rom) {

  /**
   * @param patches {@code id: title} of each patch applied
   * @param changedEntries zip entries the patcher rewrote
   * @param signing keep-cert, resign or unchanged
   * @param signatureAfter the checker's verdict on the patched APK's signature
   */
  public record AppStory(String file, String packageName, String story, String location, List<String> patches,
      List<String> changedEntries, long liveBefore, long liveAfter, String signing, String signingNote,
      String signatureAfter, String original, String patched) {}

  /**
   * @param firmware the synthetic fastboot package (relative path)
   * @param summary one line per thing the firmware holds or the ROM step did
   * @param patched the patched package, or its patched partition images (relative paths)
   * @param note why the ROM step did not run, or what it did
   */
  public record RomStory(String firmware, List<String> summary, List<String> patched, String note) {}

  public DemoReport withRom(RomStory r) {
    return new DemoReport(outputDir, policy, apps, liveBefore, liveAfter, r);
  }

  /** The story in a few lines. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    out.add("untrack demo: " + apps.size() + " Xiaomi-like apps built in code, patched with the built-in patch set"
        + " (policy " + policy + "), then checked from their bytes alone");
    for (AppStory a : apps) {
      out.add("");
      out.add(a.file() + "  " + (a.packageName() == null ? "framework jar" : a.packageName()) + "  (" + a.story()
          + ")");
      out.add("  on the device: " + a.location());
      if (a.patches().isEmpty()) {
        out.add("  patches applied: none");
      } else {
        out.add("  patches applied (" + a.patches().size() + "):");
        a.patches().forEach(p -> out.add("    " + p));
      }
      if (!a.changedEntries().isEmpty()) {
        out.add("  changed entries: " + String.join(", ", a.changedEntries()) + " (everything else copied byte for byte)");
      }
      out.add("  live telemetry call sites: " + a.liveBefore() + " -> " + a.liveAfter());
      out.add("  signing: " + a.signing() + (a.signingNote() == null || a.signingNote().isEmpty() ? ""
          : " — " + a.signingNote()));
      out.add("  signature of the output: " + a.signatureAfter());
    }
    out.add("");
    out.add("total live telemetry call sites: " + liveBefore + " -> " + liveAfter
        + (liveAfter == 0 ? " (none left)" : " (SOME LEFT)"));
    if (rom != null) {
      out.add("");
      out.add("firmware: " + rom.firmware());
      rom.summary().forEach(s -> out.add("  " + s));
      out.add("  patched: " + String.join(", ", rom.patched()));
      if (rom.note() != null) {
        out.add("  " + rom.note());
      }
    }
    out.add("");
    out.add("files in " + outputDir + ":");
    for (AppStory a : apps) {
      out.add("  " + a.original() + (a.packageName() == null ? "  (original)"
          : "  (original, signed with the demo vendor key)"));
      out.add("  " + a.patched() + "  (patched)");
    }
    if (rom != null) {
      out.add("  " + rom.firmware() + "  (the synthetic firmware, original apps)");
      for (String p : rom.patched()) {
        out.add("  " + p + "  (patched)");
      }
    }
    out.add("  report.txt, report.json  (this report)");
    out.add("check it yourself: untrack scan " + outputDir + "/patched --baseline " + outputDir + "/original");
    if (rom != null) {
      for (String p : rom.patched()) {
        out.add("                   untrack scan " + outputDir + "/" + p + " --baseline " + outputDir + "/"
            + rom.firmware());
      }
    }
    return out;
  }
}
