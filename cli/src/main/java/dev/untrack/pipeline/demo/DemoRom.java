package dev.untrack.pipeline.demo;

import dev.untrack.checker.Checker;
import dev.untrack.checker.ScanOptions;
import dev.untrack.checker.report.AppReport;
import dev.untrack.checker.report.ScanReport;
import dev.untrack.pipeline.InspectReport;
import dev.untrack.pipeline.Inspector;
import dev.untrack.pipeline.Progress;
import dev.untrack.rom.firmware.Firmware;
import dev.untrack.rom.firmware.FirmwareFiles;
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
 * The demo's ROM steps: build the synthetic firmware from the original apps, inspect it and scan it as
 * {@code untrack inspect} and {@code untrack scan} would.
 */
final class DemoRom {
  private DemoRom() {}

  static DemoReport.RomStory run(Path work, Demo.Options o, Function<Object, String> json) throws IOException {
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
      InspectReport inspect = new Inspector(new Inspector.Options(o.sdkPrefixes(), tmp, 1))
          .inspect(built.file(), Progress.NONE);
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
      ScanReport scan;
      try (Firmware fw = FirmwareReader.open(built.file(), FirmwareReader.Options.in(tmp));
          FirmwareFiles files = FirmwareFiles.open(fw)) {
        Checker checker = new Checker(ScanOptions.defaults().withThreads(1).withSignatures(false));
        scan = checker.scan(new FirmwareAppsSource(relative, files));
      }
      long live = 0;
      for (AppReport a : scan.apps()) {
        live += a.count("live");
      }
      summary.add("checker on the firmware: " + live + " live telemetry call sites in " + scan.apps().size()
          + " apps and jars");
      if (o.keep()) {
        Path scans = Files.createDirectories(work.resolve("scans"));
        Files.writeString(scans.resolve("firmware-inspect.json"), json.apply(inspect) + "\n", StandardCharsets.UTF_8);
        Demo.writeScan(scan, scans.resolve("firmware-scan.json"));
      }
    } finally {
      Demo.deleteTree(tmp);
    }
    return new DemoReport.RomStory(relative, summary, null,
        "the ROM patch step (untrack patch ROM) is not in this build yet: the firmware was built, inspected and "
            + "scanned, not patched");
  }

  private static String mib(long bytes) {
    if (bytes < 1L << 20) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }
}
