package dev.untrack.cli;

import dev.untrack.checker.Checker;
import dev.untrack.checker.ScanOptions;
import dev.untrack.checker.input.FirmwareScanSource;
import dev.untrack.checker.input.PathSource;
import dev.untrack.checker.input.ScanSource;
import dev.untrack.checker.pack.PackLoader;
import dev.untrack.checker.pack.SignaturePack;
import dev.untrack.checker.report.ReportFormat;
import dev.untrack.checker.report.ScanReport;
import dev.untrack.checker.report.Severity;
import dev.untrack.pipeline.Progress;
import dev.untrack.rom.io.AtomicOutput;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code untrack scan}: the independent static checker. */
@Command(
    name = "scan",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Scans apps for telemetry and proves what is live, gated or neutralized.",
      "Input: an APK, JAR, dex, a directory tree (an extracted ROM), or a firmware",
      "image (fastboot package, OTA zip, super, sparse or partition image), read in",
      "place: every file of its ext4/EROFS partitions, named partition:/path.",
      "Reports SDKs defined or only referenced, telemetry hosts and URL paths,",
      "settings reads whose default counts as consent, and every call site into a",
      "telemetry entry point, classified live, gated (by a consent check) or",
      "neutralized. Judges only the bytes it reads; it never trusts what the",
      "patcher recorded."
    },
    footer = {
      "",
      "Examples:",
      "  untrack scan Browser.apk",
      "  untrack scan system/ --format html -o report.html",
      "  untrack scan patched/ --baseline original/ --fail-on high",
      "  untrack scan patched_images.tgz --baseline miui_images.tgz --fail-on high",
      "  untrack scan app.apk --trackers exodus_trackers.json --format sarif -o scan.sarif"
    })
final class ScanCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "INPUT", description = "APK, JAR, dex, a directory tree, or a firmware image.")
  Path input;

  @Option(names = "--baseline", paramLabel = "ORIGINAL",
      description = "Compare with the original: what was removed, what remains live, what else changed.")
  Path baseline;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
      description = "text (default), json, sarif or html.")
  ReportFormat format;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the report here (default: stdout).")
  Path output;

  @Option(names = "--fail-on", paramLabel = "SEVERITY", defaultValue = "none",
      description = "Exit with 1 when a finding is at least this severe: high, medium, low or none (default).")
  String failOn;

  @Option(names = "--trackers", paramLabel = "FILE",
      description = "An extra signature pack: an Exodus Privacy tracker list (JSON) or a pack in untrack's format."
          + " May be repeated.")
  List<Path> trackers = new ArrayList<>();

  @Option(names = "--threads", paramLabel = "N", description = "Apps scanned in parallel (default: CPU count).")
  Integer threads;

  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "Where a firmware's gzip-compressed images are spooled while reading (default: the system temp"
          + " dir).")
  Path workDir = Path.of(System.getProperty("java.io.tmpdir"));

  @Option(names = "--no-signatures", description = "Do not verify APK signatures (saves one full read of each APK).")
  boolean noSignatures;

  @Override
  public Integer call() throws IOException {
    Severity threshold = null;
    if (!failOn.equalsIgnoreCase("none")) {
      try {
        threshold = Severity.parse(failOn);
      } catch (IllegalArgumentException e) {
        throw new UserException(ExitCode.USAGE, "--fail-on must be high, medium, low or none, not '" + failOn + "'");
      }
      if (threshold == Severity.INFO) {
        throw new UserException(ExitCode.USAGE, "--fail-on info would fail every scan; use low, medium or high");
      }
    }
    if (threads != null && threads < 1) {
      throw new UserException(ExitCode.USAGE, "--threads must be at least 1");
    }
    List<SignaturePack> packs = new ArrayList<>();
    packs.add(PackLoader.xiaomi());
    for (Path t : trackers) {
      packs.add(PackLoader.load(t));
    }
    ScanOptions options = ScanOptions.defaults().withPacks(packs).withDigests(baseline != null)
        .withSignatures(!noSignatures);
    if (threads != null) {
      options = options.withThreads(threads);
    }
    Checker checker;
    try {
      checker = new Checker(options);
    } catch (IllegalArgumentException e) {
      throw new UserException(ExitCode.BAD_INPUT, "signature packs cannot be combined: " + e.getMessage(), e);
    }
    ScanReport report;
    try (Sources sources = new Sources()) {
      ScanSource after = sources.open(input);
      ScanSource before = baseline == null ? null : sources.open(baseline);
      if (after instanceof FirmwareScanSource a && before instanceof FirmwareScanSource b) {
        a.nameLike(b); // the original's name: system.img rather than system-patched.img
      }
      report = scan(checker, after, "scanning " + input.getFileName());
      if (before != null) {
        report = report.comparedWith(scan(checker, before, "scanning baseline " + baseline.getFileName()));
      }
    }
    String version = VersionProvider.version();
    if (output == null) {
      PrintWriter out = spec.commandLine().getOut();
      format.write(report, out, version);
      out.flush();
    } else {
      try (AtomicOutput o = AtomicOutput.create(output)) {
        Writer w = new OutputStreamWriter(o.stream(), StandardCharsets.UTF_8);
        format.write(report, w, version);
        w.flush();
        o.commit();
      }
    }
    boolean fail = threshold != null && report.hasFindingsAtLeast(threshold);
    return fail ? ExitCode.FINDINGS.code() : ExitCode.OK.code();
  }

  /** Scans with a progress counter on a terminal. */
  private static ScanReport scan(Checker checker, ScanSource source, String phase) throws IOException {
    Progress progress = TerminalProgress.forHumans(false);
    try {
      progress.begin(phase, -1);
      return checker.scan(source, item -> progress.advance(1));
    } finally {
      progress.end();
    }
  }

  /** The inputs: a firmware image is read through its filesystems (and must stay open), anything else as files. */
  private final class Sources implements Closeable {
    private final List<Closeable> open = new ArrayList<>();

    ScanSource open(Path path) throws IOException {
      if (!FirmwareScanSource.isFirmware(path)) {
        return PathSource.of(path);
      }
      FirmwareScanSource f = FirmwareScanSource.open(path, workDir);
      open.add(f);
      return f;
    }

    @Override
    public void close() throws IOException {
      IOException first = null;
      for (Closeable c : open) {
        try {
          c.close();
        } catch (IOException e) {
          first = first == null ? e : first;
        }
      }
      if (first != null) {
        throw first;
      }
    }
  }
}
