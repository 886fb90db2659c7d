package dev.untrack.pipeline.demo;

import dev.untrack.checker.Checker;
import dev.untrack.checker.input.FirmwareScanSource;
import dev.untrack.patcher.PatchException;
import dev.untrack.patcher.patch.PatchSet;
import dev.untrack.patches.BuiltinPatches;
import dev.untrack.pipeline.rom.CheckerVerdict;
import dev.untrack.pipeline.rom.RomPatch;
import dev.untrack.pipeline.rom.RomPatchReport;
import dev.untrack.pipeline.rom.RomPatchRequest;
import dev.untrack.pipeline.rom.RomPatchText;
import dev.untrack.checker.ScanOptions;
import dev.untrack.checker.report.ScanReport;
import dev.untrack.pipeline.InspectReport;
import dev.untrack.pipeline.Inspector;
import dev.untrack.pipeline.Progress;
import dev.untrack.pipeline.TempTree;
import dev.untrack.rom.firmware.Firmware;
import dev.untrack.rom.firmware.FirmwareReader;
import dev.untrack.signing.SigningException;
import dev.untrack.signing.keys.SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The demo's ROM steps: build the synthetic firmware from the original apps, inspect and scan it as
 * {@code untrack inspect} and {@code untrack scan} do, then patch it as {@code untrack patch ROM} does.
 */
final class DemoRom {
  private DemoRom() {}

  static DemoReport.RomStory run(Path work, Demo.Options o, Function<Object, String> json)
      throws IOException, PatchException {
    Map<DemoApp, Path> apps = new LinkedHashMap<>();
    for (DemoApp a : DemoApp.all()) {
      apps.put(a, work.resolve("original").resolve(a.fileName()));
    }
    SigningKey avb;
    DemoFirmware.Built built;
    Path dir = Files.createDirectories(work.resolve("firmware"));
    try {
      avb = DemoKeys.avb();
      built = DemoFirmware.build(dir, apps, avb);
    } catch (SigningException e) {
      throw new IllegalStateException("cannot sign the demo firmware: " + e.getMessage(), e);
    }
    String relative = "firmware/" + built.file().getFileName();
    List<String> summary = new ArrayList<>();
    Path tmp = Files.createDirectories(work.resolve(".spool"));
    try {
      // One open of the package serves the inspection and the scan.
      InspectReport inspect;
      ScanReport scan;
      try (Firmware fw = FirmwareReader.open(built.file(), FirmwareReader.Options.in(tmp));
          FirmwareScanSource source = FirmwareScanSource.of(fw)) {
        inspect = new Inspector(new Inspector.Options(o.sdkPrefixes(), tmp, 1)).inspect(fw, Progress.NONE);
        scan = new Checker(ScanOptions.defaults().withThreads(1)).scan(source);
      }
      summary.add("a Xiaomi-like fastboot package (" + inspect.kind() + "): sparse super with EROFS system and product"
          + " (AVB hashtree footers), vbmeta chained to vbmeta_system, CRC lists, flash_all.sh");
      for (InspectReport.PartitionInfo p : inspect.partitions()) {
        if (p.name().endsWith("_b") && p.size() == 0) {
          continue;
        }
        summary.add("partition " + p.name() + ": " + p.type() + ", " + mib(p.size())
            + (p.parent() == null || p.parent().isEmpty() ? "" : ", in " + p.parent()));
      }
      for (InspectReport.AppInfo a : inspect.apps()) {
        summary.add("app " + a.location() + (a.packageName() == null ? "" : "  " + a.packageName())
            + (a.sdks().isEmpty() ? "" : "  SDKs: " + String.join(", ", a.sdks())));
      }
      summary.add("checker on the firmware: " + scan.summary().live() + " live telemetry call sites in " + inspect.apps().size()
          + " apps and jars");
      if (o.keep()) {
        Path scans = Files.createDirectories(work.resolve("scans"));
        Files.writeString(scans.resolve("firmware-inspect.json"), json.apply(inspect) + "\n", StandardCharsets.UTF_8);
        Demo.writeScan(scan, scans.resolve("firmware-scan.json"));
      }
      return patch(work, o, built, relative, summary);
    } finally {
      TempTree.delete(tmp);
    }
  }

  /** {@code untrack patch ROM} on the package, with its own checker verdict on the written output. */
  private static DemoReport.RomStory patch(Path work, Demo.Options o, DemoFirmware.Built built, String relative,
      List<String> summary) throws IOException, PatchException {
    PatchSet patches = BuiltinPatches.load();
    Path patchedDir = Files.createDirectories(work.resolve("firmware/patched"));
    Path out = patchedDir.resolve(built.file().getFileName());
    RomPatchReport r = RomPatch.run(request(built.file(), out, patches, o), Progress.NONE);
    summary.add("untrack patch ROM:");
    lines(r, relative, summary);
    return new DemoReport.RomStory(relative, summary, List.of("firmware/patched/" + out.getFileName()), verdict(r));
  }

  private static RomPatchRequest request(Path in, Path out, PatchSet patches, Demo.Options o) {
    // untrack patch ROM's defaults: auto signing without a key (keep-cert), verity flags on vbmeta, hosts added.
    return RomPatchRequest.of(in, out, patches, o.policy());
  }

  private static void lines(RomPatchReport r, String input, List<String> summary) {
    List<String> l = RomPatchText.lines(r);
    summary.add("  " + input + " (" + r.kind() + ")");
    for (String line : l.subList(1, l.size())) {
      summary.add("  " + line);
    }
  }

  private static String verdict(RomPatchReport r) {
    CheckerVerdict c = r.checker();
    return c == null ? "checker not run" : "checker on the output: live telemetry call sites " + c.liveBefore() + " -> "
        + c.live();
  }

  private static String mib(long bytes) {
    if (bytes < 1L << 20) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }
}
