package dev.untrack.pipeline.rom;

import dev.untrack.checker.Checker;
import dev.untrack.checker.ScanOptions;
import dev.untrack.checker.report.Comparison;
import dev.untrack.checker.report.ScanReport;
import dev.untrack.checker.report.ScanSummary;
import dev.untrack.rom.firmware.Firmware;
import dev.untrack.rom.firmware.FirmwareFiles;
import dev.untrack.rom.firmware.FirmwareKind;
import dev.untrack.rom.firmware.FirmwareReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * The checker's verdict on the output, read back from the written file (never from the pipeline's bookkeeping),
 * with the input as baseline.
 *
 * @param apps apps scanned in the output
 * @param liveBefore live telemetry call sites in the input
 * @param live live call sites in the output
 * @param gated gated call sites in the output
 * @param neutralized neutralized call sites in the output
 * @param appsWithLive output apps that still have a live call site
 * @param unexpected changes the checker found outside the patched apps ({@code path: reason})
 */
public record CheckerVerdict(int apps, long liveBefore, long live, long gated, long neutralized, int appsWithLive,
    java.util.List<String> unexpected) {

  static CheckerVerdict run(Firmware inputFw, FirmwareFiles input, Path output, Path workDir, int threads)
      throws IOException {
    Checker checker = new Checker(ScanOptions.defaults().withThreads(Math.max(1, threads)));
    ScanReport before = checker.scan(new FirmwareAppsSource(inputFw.path().toString(), input, n -> n));
    try (Firmware out = FirmwareReader.open(output, FirmwareReader.Options.in(workDir));
        FirmwareFiles files = FirmwareFiles.open(out)) {
      UnaryOperator<String> names = n -> n;
      if (out.kind() == FirmwareKind.PARTITION_IMAGE && inputFw.partitions().size() == 1) {
        String inputName = inputFw.partitions().get(0).name();
        names = n -> inputName;
      }
      ScanReport after = checker.scan(new FirmwareAppsSource(output.toString(), files, names)).comparedWith(before);
      ScanSummary s = after.summary();
      Comparison c = after.comparison();
      return new CheckerVerdict(s.apps(), c.liveBefore(), s.live(), s.gated(), s.neutralized(),
          s.appsWithLiveCallSites(),
          c.unexpected().stream().map(u -> u.path() + ": " + u.reason()).toList());
    }
  }
}
