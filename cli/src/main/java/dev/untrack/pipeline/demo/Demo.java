package dev.untrack.pipeline.demo;

import dev.untrack.checker.Checker;
import dev.untrack.checker.ScanOptions;
import dev.untrack.checker.input.PathSource;
import dev.untrack.checker.report.AppReport;
import dev.untrack.checker.report.ScanReport;
import dev.untrack.patcher.PatchException;
import dev.untrack.patcher.PatchReport;
import dev.untrack.patcher.Policy;
import dev.untrack.patcher.patch.PatchSet;
import dev.untrack.patches.BuiltinPatches;
import dev.untrack.pipeline.SingleAppPatch;
import dev.untrack.pipeline.TempTree;
import dev.untrack.signing.SigningException;
import dev.untrack.signing.apk.SigningMode;
import dev.untrack.signing.keys.SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * {@code untrack demo}: builds Xiaomi-like apps in code, scans them, patches them with the built-in patch set,
 * scans the result against the originals and tells the story. Everything goes into a new directory beside the
 * target that replaces the target only when complete; an existing target is replaced only if an earlier demo
 * made it.
 */
public final class Demo {
  /** Marks a directory as the demo's own, so that a rerun may replace it. */
  static final String MARKER = ".untrack-demo";

  /**
   * @param outputDir where the results go (replaced as a whole)
   * @param keep also keep the intermediate files (the checker's full reports, the inspect report)
   * @param policy the patch policy
   * @param firmware also build the synthetic firmware and run the ROM steps on it
   * @param sdkPrefixes SDK id → class prefixes, for inspecting the firmware
   */
  public record Options(Path outputDir, boolean keep, Policy policy, boolean firmware,
      Map<String, List<String>> sdkPrefixes) {}

  private Demo() {}

  /** @param json turns the report into JSON for report.json (the caller owns the JSON style) */
  public static DemoReport run(Options o, Function<Object, String> json) throws IOException, PatchException {
    Path target = o.outputDir().toAbsolutePath().normalize();
    checkReplaceable(target);
    Path parent = target.getParent();
    Files.createDirectories(parent);
    Path work = Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp-");
    try {
      DemoReport report = apps(work, o);
      if (o.firmware()) {
        report = report.withRom(DemoRom.run(work, o, json));
      }
      Files.writeString(work.resolve("report.txt"), String.join("\n", report.lines()) + "\n", StandardCharsets.UTF_8);
      Files.writeString(work.resolve("report.json"), json.apply(report) + "\n", StandardCharsets.UTF_8);
      Files.writeString(work.resolve(MARKER), "made by untrack demo; a rerun replaces this directory\n",
          StandardCharsets.UTF_8);
      readable(work);
      replace(work, target);
      return report;
    } finally {
      TempTree.delete(work);
    }
  }

  private static DemoReport apps(Path work, Options o) throws IOException, PatchException {
    Path original = Files.createDirectories(work.resolve("original"));
    Path patched = Files.createDirectories(work.resolve("patched"));
    SigningKey vendor;
    SigningKey user;
    try {
      vendor = DemoKeys.vendor();
      user = DemoKeys.user();
    } catch (SigningException e) {
      throw new IllegalStateException("cannot make the demo keys: " + e.getMessage(), e);
    }
    for (DemoApp a : DemoApp.all()) {
      DemoApps.build(a, vendor, original.resolve(a.fileName()));
    }
    PatchSet patches = BuiltinPatches.load();
    Map<String, PatchReport> reports = new HashMap<>();
    for (DemoApp a : DemoApp.all()) {
      // With a key, auto signing re-signs a plain system app; without one the original certificate is kept, as
      // `untrack patch` does: the demo shows both.
      SingleAppPatch.KeySupplier key = a.userKey() ? () -> user : null;
      reports.put(a.fileName(), SingleAppPatch.run(new SingleAppPatch.Request(original.resolve(a.fileName()),
          patched.resolve(a.fileName()), patches, o.policy(), SigningMode.AUTO, a.location(), key)));
    }
    Checker checker = new Checker(ScanOptions.defaults().withThreads(1).withDigests(true));
    ScanReport before = checker.scan(PathSource.of(original));
    ScanReport after = checker.scan(PathSource.of(patched)).comparedWith(before);
    if (o.keep()) {
      Path scans = Files.createDirectories(work.resolve("scans"));
      writeScan(before, scans.resolve("original.json"));
      writeScan(after, scans.resolve("patched.json"));
    }
    List<DemoReport.AppStory> stories = new ArrayList<>();
    long liveBefore = 0;
    long liveAfter = 0;
    for (DemoApp a : DemoApp.all()) {
      AppReport b = find(before, a.fileName());
      AppReport p = find(after, a.fileName());
      PatchReport r = reports.get(a.fileName());
      List<String> applied = r.applied().stream().map(x -> x.patch() + ": " + x.title()).toList();
      String sig = p.signature() == null ? "not checked" : p.signature().status();
      stories.add(new DemoReport.AppStory(a.fileName(), a.packageName(), a.story(), location(a), applied,
          r.changedEntries(), b.count("live"), p.count("live"),
          "resign".equals(r.signing()) ? "resign (with the demo user key)" : r.signing(), r.signingNote(), sig,
          "original/" + a.fileName(), "patched/" + a.fileName()));
      liveBefore += b.count("live");
      liveAfter += p.count("live");
    }
    return new DemoReport(o.outputDir().toString(), o.policy().name().toLowerCase(Locale.ROOT).replace('_', '-'),
        stories, liveBefore, liveAfter, null);
  }

  static void writeScan(ScanReport r, Path file) throws IOException {
    try (java.io.Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      dev.untrack.checker.report.ReportFormat.JSON.write(r, w, "demo");
    }
  }

  private static String location(DemoApp a) {
    if (a.isJar()) {
      return a.devicePath() + " (on the class path: loaded by path, never signature-checked)";
    }
    return switch (a.location()) {
      case SYSTEM -> a.devicePath() + " (system app: Android reads its certificate without checking digests)";
      case DATA_APP -> a.devicePath() + " (preinstalled into /data: fully verified, so it must be re-signed)";
      case USER -> a.devicePath() + " (user app: fully verified)";
    };
  }

  private static AppReport find(ScanReport r, String fileName) {
    for (AppReport a : r.apps()) {
      if (a.path().equals(fileName) || a.path().endsWith("/" + fileName)) {
        return a;
      }
    }
    throw new IllegalStateException("the checker did not see " + fileName);
  }

  private static void checkReplaceable(Path target) throws IOException {
    if (!Files.exists(target)) {
      return;
    }
    if (!Files.isDirectory(target)) {
      throw new FileAlreadyExistsException(target.toString(), null, "exists and is not a directory");
    }
    try (Stream<Path> s = Files.list(target)) {
      if (s.findAny().isPresent() && !Files.exists(target.resolve(MARKER))) {
        throw new FileAlreadyExistsException(target.toString(), null,
            "exists and was not made by untrack demo; choose another directory with -o");
      }
    }
  }

  /** Temporary files and directories are private; the demo's results are for everyone who can read the parent. */
  private static void readable(Path dir) throws IOException {
    if (!Files.getFileStore(dir).supportsFileAttributeView("posix")) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.toList()) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
  }

  /** Moves the finished work directory into place; the old demo directory goes only after that. */
  private static void replace(Path work, Path target) throws IOException {
    Path old = null;
    if (Files.exists(target)) {
      old = target.resolveSibling("." + target.getFileName() + ".old-" + work.getFileName());
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    }
    try {
      Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      if (old != null) {
        Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
      }
      throw e;
    }
    if (old != null) {
      TempTree.delete(old);
    }
  }
}
