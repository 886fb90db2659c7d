package dev.untrack.pipeline.rom;

import dev.untrack.checker.Checker;
import dev.untrack.checker.ScanOptions;
import dev.untrack.checker.input.FirmwareScanSource;
import dev.untrack.checker.report.AppReport;
import dev.untrack.checker.report.CallSite;
import dev.untrack.checker.report.Comparison;
import dev.untrack.checker.report.ScanReport;
import dev.untrack.checker.report.ScanSummary;
import dev.untrack.rom.firmware.Firmware;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The checker's verdict on the output, read back from the written file (never from the pipeline's bookkeeping),
 * with the input as baseline: every file, link and attribute listing of every partition is compared.
 *
 * @param apps apps scanned in the output
 * @param liveBefore live telemetry call sites in the input
 * @param live live call sites in the output
 * @param gated gated call sites in the output
 * @param neutralized neutralized call sites in the output
 * @param appsWithLive output apps that still have a live call site
 * @param liveSites the live call sites left ({@code app: caller -> target})
 * @param changed files the checker found changed that the pipeline changed on purpose, counted
 * @param unexpected changes the checker found that the pipeline did not make ({@code path: reason})
 */
public record CheckerVerdict(int apps, long liveBefore, long live, long gated, long neutralized, int appsWithLive,
    List<String> liveSites, int changed, List<String> unexpected) {

  /**
   * @param intended {@code partition:/path} prefixes the pipeline changed (replaced files, deleted folders,
   *     hosts, whole partitions such as vbmeta as {@code vbmeta:})
   */
  static CheckerVerdict run(Firmware input, Path output, Path workDir, int threads, Set<String> intended)
      throws IOException {
    Checker checker = new Checker(ScanOptions.defaults().withThreads(Math.max(1, threads)).withDigests(true));
    try (FirmwareScanSource before = FirmwareScanSource.of(input);
        FirmwareScanSource after = FirmwareScanSource.open(output, workDir)) {
      after.nameLike(before);
      ScanReport base = checker.scan(before);
      ScanReport now = checker.scan(after).comparedWith(base);
      ScanSummary s = now.summary();
      Comparison c = now.comparison();
      List<String> unexpected = new ArrayList<>();
      int changed = 0;
      for (Comparison.Unexpected u : c.unexpected()) {
        if (isIntended(u.path(), intended)) {
          changed++;
        } else {
          unexpected.add(u.path() + ": " + u.reason());
        }
      }
      return new CheckerVerdict(s.apps(), c.liveBefore(), s.live(), s.gated(), s.neutralized(),
          s.appsWithLiveCallSites(), liveSites(now), changed, unexpected);
    }
  }

  private static boolean isIntended(String path, Set<String> intended) {
    for (String p : intended) {
      if (path.equals(p) || path.startsWith(p.endsWith(":") ? p : p + "/")) {
        return true;
      }
    }
    return false;
  }

  private static List<String> liveSites(ScanReport r) {
    List<String> out = new ArrayList<>();
    for (AppReport a : r.apps()) {
      for (CallSite c : a.callSites()) {
        if ("live".equals(c.status())) {
          out.add(a.path() + ": " + c.callerClass() + "->" + c.callerMethod() + " -> " + c.target());
        }
      }
    }
    return out;
  }
}
