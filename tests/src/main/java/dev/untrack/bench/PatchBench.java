package dev.untrack.bench;

import dev.untrack.testkit.RealInput;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Patch-engine benchmark: {@code untrack patch} with one stubbed method on a real 16-dex APK (Appium
 * UiAutomator2 server, 18 MB; the stub sits in its 10.8 MB classes.dex, the worst case: that dex is rewritten),
 * next to an Apktool 3.0.3 decode + build round trip of the same APK measured in the same run.
 *
 * <p>Both run as separate JVM processes started the same way ({@code java} of this JDK, default heap). Wall time
 * is measured around the process; peak memory is the maximum resident set size of the JVM process as the kernel
 * reports it ({@code VmHWM} in {@code /proc/PID/status}, sampled every 20 ms; Linux only). Apktool also runs
 * aapt2 as a native child process; its peak RSS is sampled the same way and printed separately.
 *
 * <p>Run: {@code ./mvnw -B -o -q -pl tests -am -Pbench -DskipTests package} (see docs/patch-engine.md).
 * Arguments: {@code [--runs N] [--skip-apktool] [--untrack-jar PATH]}.
 */
public final class PatchBench {
  private static final String APKTOOL_URL =
      "https://repo1.maven.org/maven2/org/apktool/apktool-cli/3.0.3/apktool-cli-3.0.3.jar";
  private static final String APKTOOL_SHA256 = "29fc610eed9dd349e75d40fd5af02538e0118b08d56a61ef6f53f8256adadc9a";

  static final String STUB = """
      patch bench.stub
        title  Benchmark: stub one method in the largest dex
        why    Measures the cost of rewriting one 10.8 MB dex and copying the rest of an 18 MB APK.
        apps   defines Lcom/google/gson/Gson;
        match  m
          class  Lcom/google/gson/Gson;
          name   toJson
          proto  (Ljava/lang/Object;)Ljava/lang/String;
        action m return-default
        verify m neutralized
      """;

  private PatchBench() {}

  /** Wall time and peak RSS of one process tree. */
  record Measure(long millis, long jvmPeakKb, long childPeakKb, int exitCode) {}

  public static void main(String[] args) throws Exception {
    int runs = 3;
    boolean apktool = true;
    String untrackJar = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--skip-apktool" -> apktool = false;
        case "--untrack-jar" -> untrackJar = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (!Files.isRegularFile(Path.of("/proc/self/status"))) {
      throw new IllegalStateException("peak memory is read from /proc: run this benchmark on Linux");
    }
    Path apk = RealInput.APPIUM_UIAUTOMATOR2_APK.get();
    Path work = Files.createTempDirectory("patchbench");
    try {
      Path patches = Files.createDirectories(work.resolve("patches"));
      Files.writeString(patches.resolve("stub.smalipatch"), STUB);
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> untrack = new ArrayList<>(List.of(java));
      if (untrackJar != null) {
        untrack.addAll(List.of("-jar", untrackJar));
      } else {
        untrack.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.untrack.cli.Main"));
      }

      System.out.printf("input: %s (%.1f MB)%n", apk.getFileName(), Files.size(apk) / 1e6);
      System.out.println("untrack: " + (untrackJar != null ? untrackJar : "classpath of this benchmark")
          + "; JDK " + System.getProperty("java.version") + "; " + Runtime.getRuntime().availableProcessors()
          + " CPUs");
      List<Measure> ours = new ArrayList<>();
      for (int r = 0; r < runs; r++) {
        Path out = work.resolve("out" + r + ".apk");
        List<String> cmd = new ArrayList<>(untrack);
        cmd.addAll(List.of("patch", apk.toString(), "-o", out.toString(), "--patches", patches.toString()));
        Measure m = run(cmd, work);
        if (m.exitCode != 0) {
          throw new IllegalStateException("untrack patch failed with exit code " + m.exitCode);
        }
        ours.add(m);
        System.out.printf("  untrack patch run %d: %6d ms, peak RSS %5d MB%n", r + 1, m.millis, m.jvmPeakKb / 1024);
      }
      Measure best = ours.stream().min(Comparator.comparingLong(Measure::millis)).orElseThrow();
      long peak = ours.stream().mapToLong(Measure::jvmPeakKb).max().orElse(0);

      Measure at = null;
      if (apktool) {
        Path jar = apktoolJar();
        Path frame = Files.createDirectories(work.resolve("apktool-framework"));
        Path decoded = work.resolve("decoded");
        Measure d = run(List.of(java, "-jar", jar.toString(), "d", "-f", "-p", frame.toString(), "-o",
            decoded.toString(), apk.toString()), work);
        System.out.printf("  apktool decode:      %6d ms, peak RSS %5d MB (aapt2 %d MB)%n", d.millis,
            d.jvmPeakKb / 1024, d.childPeakKb / 1024);
        Measure b = run(List.of(java, "-jar", jar.toString(), "b", "-p", frame.toString(), "-o",
            work.resolve("apktool.apk").toString(), decoded.toString()), work);
        System.out.printf("  apktool build:       %6d ms, peak RSS %5d MB (aapt2 %d MB)%n", b.millis,
            b.jvmPeakKb / 1024, b.childPeakKb / 1024);
        if (d.exitCode != 0 || b.exitCode != 0) {
          System.out.println("  (apktool exited " + d.exitCode + " / " + b.exitCode + ")");
        }
        at = new Measure(d.millis + b.millis, Math.max(d.jvmPeakKb, b.jvmPeakKb),
            Math.max(d.childPeakKb, b.childPeakKb), Math.max(d.exitCode, b.exitCode));
      }

      System.out.println();
      System.out.println("| tool | wall time | peak RSS (JVM) |");
      System.out.println("| --- | ---: | ---: |");
      System.out.printf("| untrack patch (best of %d) | %.2f s | %d MB |%n", runs, best.millis / 1000.0, peak / 1024);
      if (at != null) {
        System.out.printf("| apktool d + b | %.2f s | %d MB (+ aapt2 %d MB) |%n", at.millis / 1000.0,
            at.jvmPeakKb / 1024, at.childPeakKb / 1024);
        System.out.printf("%nuntrack is %.1fx faster than the Apktool round trip (target: >= 20x); peak %d MB "
            + "(target: < 1024 MB)%n", (double) at.millis / best.millis, peak / 1024);
      }
    } finally {
      deleteTree(work);
    }
  }

  /** Runs a command, sampling the peak RSS of the process and of its descendants. */
  static Measure run(List<String> cmd, Path dir) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.redirectErrorStream(true);
    pb.redirectOutput(dir.resolve("last-output.txt").toFile());
    long start = System.nanoTime();
    Process p = pb.start();
    long pid = p.pid();
    long jvmPeak = 0;
    Map<Long, Long> children = new ConcurrentHashMap<>();
    while (p.isAlive()) {
      jvmPeak = Math.max(jvmPeak, hwm(pid));
      p.descendants().forEach(h -> children.merge(h.pid(), hwm(h.pid()), Math::max));
      Thread.sleep(20);
    }
    int code = p.waitFor();
    long millis = (System.nanoTime() - start) / 1_000_000;
    long childPeak = children.values().stream().mapToLong(Long::longValue).max().orElse(0);
    return new Measure(millis, jvmPeak, childPeak, code);
  }

  /** VmHWM (peak resident set) in kB, or 0 once the process is gone. */
  static long hwm(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // the process ended between samples
    }
    return 0;
  }

  /** The Apktool fat jar from Maven Central, pinned by SHA-256, cached like the real test inputs. */
  static Path apktoolJar() throws IOException, InterruptedException {
    String override = System.getenv("UNTRACK_TEST_INPUTS");
    Path cache = override != null ? Path.of(override)
        : Path.of(System.getProperty("user.home"), ".cache", "untrack-test-inputs");
    Files.createDirectories(cache);
    Path jar = cache.resolve(APKTOOL_SHA256 + "-apktool-cli-3.0.3.jar");
    if (Files.isRegularFile(jar) && sha256(jar).equals(APKTOOL_SHA256)) {
      return jar;
    }
    Path tmp = Files.createTempFile(cache, "apktool", ".part");
    try {
      HttpResponse<Path> r = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
          .send(HttpRequest.newBuilder(URI.create(APKTOOL_URL)).build(), HttpResponse.BodyHandlers.ofFile(tmp));
      if (r.statusCode() != 200 || !sha256(tmp).equals(APKTOOL_SHA256)) {
        throw new IOException("could not fetch " + APKTOOL_URL + " (HTTP " + r.statusCode() + " or bad SHA-256)");
      }
      Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return jar;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static String sha256(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
