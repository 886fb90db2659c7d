package dev.untrack.bench;

import dev.untrack.checker.Checker;
import dev.untrack.checker.ScanOptions;
import dev.untrack.checker.input.ItemKind;
import dev.untrack.checker.input.ScanItem;
import dev.untrack.checker.input.ScanSource;
import dev.untrack.checker.pack.PackLoader;
import dev.untrack.checker.pack.SignaturePack;
import dev.untrack.checker.report.ScanReport;
import dev.untrack.checker.report.ScanSummary;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.zip.ZipArchive;
import dev.untrack.rom.zip.ZipEntry;
import dev.untrack.testkit.ApkBuilder;
import dev.untrack.testkit.DexCompiler;
import dev.untrack.testkit.ManifestBuilder;
import dev.untrack.testkit.RealInput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Throughput of {@code untrack scan} next to an Exodus-style scan of the same APKs, measured in the same run
 * with the same number of worker threads.
 *
 * <p>The anchor does what exodus-core's static analysis does: extract {@code classes*.dex}, run {@code dexdump}
 * on them, keep the first {@code [A-Z]+((?:\w+/)+\w+)} match of every output line as a class name (its
 * {@code perl | sort | uniq} pipeline), then search each tracker's {@code code_signature} regex over that list.
 * untrack does more per app (defined vs referenced, strings, hosts, call-site classification, settings audit),
 * with the Xiaomi pack and the same Exodus list loaded.
 *
 * <pre>
 * ScanBench [--repeat N] [--threads T] [--trackers exodus_trackers.json] [APK|DIR ...]
 * </pre>
 *
 * Without inputs it uses the pinned real APKs (Appium, 21 MB, three multidex apps) and a synthetic app built
 * from the real Sensors Analytics SDK with a few hundred call sites, so the call-site analysis is exercised.
 */
public final class ScanBench {
  private static final Pattern EXODUS_LINE = Pattern.compile("[A-Z]+((?:\\w+/)+\\w+)");
  private static final Pattern CLASSES_DEX = Pattern.compile("classes.*\\.dex");

  private ScanBench() {}

  public static void main(String[] args) throws Exception {
    int repeat = 3;
    int threads = 2;
    Path trackers = Path.of("/work/shared/data/exodus_trackers.json");
    List<Path> inputs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--repeat":
          repeat = Integer.parseInt(args[++i]);
          break;
        case "--threads":
          threads = Integer.parseInt(args[++i]);
          break;
        case "--trackers":
          trackers = Path.of(args[++i]);
          break;
        default:
          inputs.add(Path.of(args[i]));
      }
    }
    Path dexdump = findOnPath("dexdump");
    if (dexdump == null) {
      System.out.println("dexdump not found (apt-get install dexdump): the Exodus-style anchor cannot run");
      return;
    }
    if (!Files.isRegularFile(trackers)) {
      System.out.println("Exodus tracker list not found at " + trackers + " (pass --trackers FILE)");
      return;
    }
    Path work = Files.createTempDirectory("scanbench");
    try {
      List<Path> apks = inputs.isEmpty() ? defaultInputs(work) : collect(inputs);
      long bytes = 0;
      for (Path p : apks) {
        bytes += Files.size(p);
      }
      double mb = bytes * (double) repeat / (1 << 20);
      System.out.printf(Locale.ROOT, "inputs: %d APKs, %.1f MB, each scanned %d times (%.1f MB), %d threads, %d CPUs%n",
          apks.size(), bytes / (double) (1 << 20), repeat, mb, threads, Runtime.getRuntime().availableProcessors());

      SignaturePack exodus = PackLoader.load(trackers);
      List<Pattern> signatures = exodusSignatures(trackers);
      ScanOptions options = ScanOptions.defaults().withThreads(threads)
          .withPacks(List.of(PackLoader.xiaomi(), exodus));

      boolean perl = findOnPath("perl") != null && findOnPath("sort") != null && findOnPath("uniq") != null;
      ScanOptions analysisOnly = options.withSignatures(false);
      // warm-up: one pass of each, so all are measured with a warm JIT and a warm page cache
      scanUntrack(apks, 1, options);
      exodusStyle(apks, 1, threads, dexdump, signatures, work, false);

      // Rounds interleave the variants, so a burst of load from other processes hits all of them alike; each
      // variant's best round is reported (wall clock), next to the CPU time it used (this JVM plus the child
      // processes it waited for: dexdump, perl, sort).
      String[] names = {"untrack scan, analysis", "untrack scan, + signatures", "exodus-core pipeline",
          "exodus-style, regex in JVM"};
      long[] bestWall = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
      long[] bestCpu = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
      ScanReport report = null;
      int found = 0;
      for (int round = 0; round < repeat; round++) {
        for (int v = 0; v < 4; v++) {
          if (v == 2 && !perl) {
            continue;
          }
          long c0 = cpuNanos();
          long t0 = System.nanoTime();
          switch (v) {
            case 0:
              report = scanUntrack(apks, 1, analysisOnly);
              break;
            case 1:
              scanUntrack(apks, 1, options);
              break;
            case 2:
              found = exodusStyle(apks, 1, threads, dexdump, signatures, work, true);
              break;
            default:
              exodusStyle(apks, 1, threads, dexdump, signatures, work, false);
          }
          bestWall[v] = Math.min(bestWall[v], System.nanoTime() - t0);
          bestCpu[v] = Math.min(bestCpu[v], cpuNanos() - c0);
        }
      }
      double setMb = mb / repeat;
      ScanSummary s = report.summary();
      System.out.printf(Locale.ROOT, "per pass: %.1f MB; %d apps; %d live, %d gated, %d neutralized call sites; SDKs"
          + " defined: %s; exodus-core tracker matches: %d%n", setMb, s.apps(), s.live(), s.gated(), s.neutralized(),
          s.sdksDefined(), found);
      System.out.printf(Locale.ROOT, "%-30s %10s %10s %12s %12s%n", "", "best wall", "MB/s", "CPU time", "MB/CPU-s");
      for (int v = 0; v < 4; v++) {
        if (bestWall[v] == Long.MAX_VALUE) {
          continue;
        }
        System.out.printf(Locale.ROOT, "%-30s %9.2fs %10.1f %11.2fs %12.1f%n", names[v], bestWall[v] / 1e9,
            setMb / (bestWall[v] / 1e9), bestCpu[v] / 1e9, setMb / (bestCpu[v] / 1e9));
      }
      for (int anchor = 2; anchor < 4; anchor++) {
        if (bestWall[anchor] == Long.MAX_VALUE) {
          continue;
        }
        System.out.printf(Locale.ROOT, "ratio vs %-21s: analysis %.1fx faster (wall) / %.1fx (CPU); with signature"
            + " verification %.1fx / %.1fx%n", names[anchor], bestWall[anchor] / (double) bestWall[0],
            bestCpu[anchor] / (double) bestCpu[0], bestWall[anchor] / (double) bestWall[1],
            bestCpu[anchor] / (double) bestCpu[1]);
      }
      System.out.printf(Locale.ROOT, "4 GB of apps at the best rates with %d threads: %.0f s (analysis), %.0f s (with"
          + " signatures); from CPU time on %d idle cores: %.0f s / %.0f s%n", threads,
          4096 / (setMb / (bestWall[0] / 1e9)), 4096 / (setMb / (bestWall[1] / 1e9)), threads,
          4096 / (setMb / (bestCpu[0] / 1e9)) / threads, 4096 / (setMb / (bestCpu[1] / 1e9)) / threads);
    } finally {
      DexCompilerCleanup.deleteTree(work);
    }
  }

  /**
   * CPU time of this process plus that of the child processes it has waited for (Linux {@code /proc/self/stat}
   * fields cutime and cstime, in clock ticks of 1/100 s); elsewhere only this process.
   */
  private static long cpuNanos() {
    long self = ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // after "pid (comm) ", field 3 is index 0: cutime is field 16, cstime field 17
      long ticks = Long.parseLong(f[13]) + Long.parseLong(f[14]);
      return self + ticks * 10_000_000L;
    } catch (IOException | RuntimeException e) {
      return self;
    }
  }

  // ------------------------------------------------------------------ untrack

  private static ScanReport scanUntrack(List<Path> apks, int repeat, ScanOptions options) throws IOException {
    ScanSource src = new ScanSource() {
      @Override
      public List<String> describe() {
        return List.of("bench");
      }

      @Override
      public void forEach(Sink sink) throws IOException {
        for (int r = 0; r < repeat; r++) {
          for (Path p : apks) {
            sink.accept(new ScanItem(r + "/" + p.getFileName(), ItemKind.ARCHIVE, Files.size(p),
                () -> FileByteSource.open(p), p));
          }
        }
      }
    };
    return Checker.scan(src, options);
  }

  // ------------------------------------------------------------------ the anchor

  private static int exodusStyle(List<Path> apks, int repeat, int threads, Path dexdump, List<Pattern> sigs, Path work,
      boolean pipeline) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> fs = new ArrayList<>();
      int n = 0;
      for (int r = 0; r < repeat; r++) {
        for (Path p : apks) {
          Path dir = work.resolve("exodus-" + (n++));
          fs.add(pool.submit(() -> exodusOne(p, dir, dexdump, sigs, pipeline)));
        }
      }
      int found = 0;
      for (Future<Integer> f : fs) {
        found += f.get();
      }
      return found;
    } finally {
      pool.shutdownNow();
    }
  }

  private static int exodusOne(Path apk, Path dir, Path dexdump, List<Pattern> sigs, boolean pipeline)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    List<String> cmd = new ArrayList<>();
    cmd.add(dexdump.toString());
    try (ZipArchive z = ZipArchive.open(FileByteSource.open(apk))) {
      for (ZipEntry e : z.entries()) {
        if (CLASSES_DEX.matcher(e.name()).find() && !e.name().contains("/")) {
          Path out = dir.resolve(e.name());
          try (InputStream in = z.open(e)) {
            Files.copy(in, out);
          }
          cmd.add(out.toString());
        }
      }
    }
    int found = 0;
    if (cmd.size() > 1) {
      ProcessBuilder pb;
      if (pipeline) {
        // exactly what exodus-core runs: dexdump | perl (first class-like name per line) | sort | uniq
        StringBuilder sh = new StringBuilder();
        for (String c : cmd) {
          sh.append('\'').append(c.replace("'", "'\\''")).append("' ");
        }
        sh.append("| perl -n -e'/[A-Z]+((?:\\w+\\/)+\\w+)/ && print \"$1\\n\"' | sort | uniq");
        pb = new ProcessBuilder("/bin/sh", "-c", sh.toString());
      } else {
        pb = new ProcessBuilder(cmd);
      }
      Process proc = pb.redirectErrorStream(true).start();
      TreeSet<String> classes = new TreeSet<>();
      try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(proc.getInputStream(),
          StandardCharsets.UTF_8), 1 << 16)) {
        String line;
        while ((line = reader.readLine()) != null) {
          if (pipeline) {
            classes.add(line);
            continue;
          }
          Matcher m = EXODUS_LINE.matcher(line);
          if (m.find()) {
            classes.add(m.group(1));
          }
        }
      }
      proc.waitFor();
      for (Pattern sig : sigs) {
        for (String c : classes) {
          if (sig.matcher(c).find()) {
            found++;
            break;
          }
        }
      }
    }
    DexCompilerCleanup.deleteTree(dir);
    return found;
  }

  /** Each tracker's code_signature as Exodus compiles it (signatures of 3 characters or fewer are skipped). */
  private static List<Pattern> exodusSignatures(Path trackers) throws IOException {
    var root = com.google.gson.JsonParser.parseString(Files.readString(trackers)).getAsJsonObject();
    List<Pattern> out = new ArrayList<>();
    for (var e : root.getAsJsonObject("trackers").entrySet()) {
      var sig = e.getValue().getAsJsonObject().get("code_signature");
      if (sig != null && !sig.isJsonNull() && sig.getAsString().length() > 3) {
        out.add(Pattern.compile(sig.getAsString()));
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ inputs

  private static List<Path> collect(List<Path> inputs) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path in : inputs) {
      if (Files.isDirectory(in)) {
        try (Stream<Path> s = Files.walk(in)) {
          s.filter(Files::isRegularFile).filter(p -> {
            String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
            return n.endsWith(".apk") || n.endsWith(".jar");
          }).sorted().forEach(out::add);
        }
      } else {
        out.add(in);
      }
    }
    return out;
  }

  private static List<Path> defaultInputs(Path work) throws IOException {
    List<Path> out = new ArrayList<>();
    out.add(RealInput.APPIUM_UIAUTOMATOR2_APK.get());
    out.add(RealInput.APPIUM_UIAUTOMATOR2_TEST_APK.get());
    out.add(RealInput.APPIUM_SETTINGS_APK.get());
    out.add(sensorsApp(work));
    return out;
  }

  /** The real Sensors SDK plus app code with many call sites (live, gated by a settings check, dispatched). */
  static Path sensorsApp(Path work) throws IOException {
    Path aar = RealInput.SENSORS_COMMON_AAR.get();
    Path jar = work.resolve("sensors-classes.jar");
    try (ZipArchive z = ZipArchive.open(FileByteSource.open(aar))) {
      Files.write(jar, z.readAll(z.entry("classes.jar").orElseThrow(), 64 << 20));
    }
    Path stubs = work.resolve("stubs");
    Map<String, String> stubSrc = new LinkedHashMap<>();
    stubSrc.put("android.content.ContentResolver", "package android.content; public class ContentResolver {}");
    stubSrc.put("android.content.Context", "package android.content; public abstract class Context {"
        + " public abstract ContentResolver getContentResolver(); }");
    stubSrc.put("android.provider.Settings", "package android.provider; public final class Settings {"
        + " public static final class Secure { public static int getInt(android.content.ContentResolver r, String k,"
        + " int d) { throw new RuntimeException(); } } }");
    stubSrc.put("org.json.JSONObject", "package org.json; public class JSONObject {}");
    DexCompiler.compileJava(stubSrc, List.of(), stubs);
    Map<String, String> app = new LinkedHashMap<>();
    StringBuilder sb = new StringBuilder("package a.b; import com.sensorsdata.analytics.android.sdk.SensorsDataAPI;"
        + " import android.content.Context; import android.provider.Settings; public class Events {"
        + " static void d(String e) { SensorsDataAPI.sharedInstance().track(e); }"
        + " static boolean ok(Context c) { return Settings.Secure.getInt(c.getContentResolver(), \"upload_log_pref\", 0) == 1; }");
    for (int i = 0; i < 300; i++) {
      switch (i % 3) {
        case 0:
          sb.append(" public static void e").append(i).append("() { SensorsDataAPI.sharedInstance().track(\"event_")
              .append(i).append("\"); }");
          break;
        case 1:
          sb.append(" public static void e").append(i).append("(Context c) { if (ok(c)) {")
              .append(" SensorsDataAPI.sharedInstance().track(\"event_").append(i).append("\"); } }");
          break;
        default:
          sb.append(" public static void e").append(i).append("() { d(\"event_").append(i).append("\"); }");
      }
    }
    sb.append(" }");
    app.put("a.b.Events", sb.toString());
    List<byte[]> appDex = DexCompiler.javaToDex(app, List.of(stubs, jar), 26);
    List<byte[]> dex = new ArrayList<>(DexCompiler.jarToDexCached(jar, 26));
    dex.addAll(appDex);
    Path apk = work.resolve("SensorsApp.apk");
    ApkBuilder.create().manifest(ManifestBuilder.of("com.example.sensorsapp").build()).dex(dex).write(apk);
    return apk;
  }

  private static Path findOnPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path p = Path.of(d, tool);
      if (!d.isEmpty() && Files.isExecutable(p)) {
        return p;
      }
    }
    Path p = Path.of("/usr/bin", tool);
    return Files.isExecutable(p) ? p : null;
  }

  /** Recursive delete (the testkit's helper is package-private). */
  private static final class DexCompilerCleanup {
    static void deleteTree(Path dir) {
      if (dir == null || !Files.exists(dir)) {
        return;
      }
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // best effort
      }
    }
  }
}
