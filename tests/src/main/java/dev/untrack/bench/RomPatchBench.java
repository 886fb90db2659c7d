package dev.untrack.bench;

import dev.untrack.cli.Main;
import dev.untrack.patcher.Policy;
import dev.untrack.pipeline.PatchSets;
import dev.untrack.pipeline.Progress;
import dev.untrack.pipeline.rom.RomPatch;
import dev.untrack.pipeline.rom.RomPatchRequest;
import dev.untrack.rom.io.AtomicOutput;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.lp.LpFormat;
import dev.untrack.rom.lp.SuperWriter;
import dev.untrack.rom.sparse.FastbootSplit;
import dev.untrack.rom.sparse.SparseWriter;
import dev.untrack.signing.avb.AvbAlgorithm;
import dev.untrack.signing.avb.VbMeta;
import dev.untrack.testkit.FastbootPackageBuilder;
import dev.untrack.testkit.Oracle;
import dev.untrack.testkit.TelemetryFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Whole-image {@code untrack patch system.img -o out.img} (every app through the patch set, changed ones written
 * back, oat removed, hosts added, checker on the output against the input) next to a plain copy of the image and
 * the native extract-and-rebuild route ({@code fsck.erofs --extract} + {@code mkfs.erofs}), same image, same run.
 * The image is an uncompressed EROFS of about {@code imageMB}: the telemetry fixture apps plus filler apps (zips
 * with a large stored asset and no code) with {@code oat/} folders. Then the same image as {@code system_a} of a
 * fastboot package (tgz and/or tar: sparse super, vbmeta, CRC lists, flash script) through {@code untrack patch},
 * next to a synced copy of the package and, for the tgz, {@code gzip -dc | gzip -6}. Usage:
 * {@code RomPatchBench [imageMB=300] [workdir] [tgz|tar|both|none]}; needs mkfs.erofs, fsck.erofs, gzip and GNU time.
 */
public final class RomPatchBench {
  private RomPatchBench() {}

  public static void main(String[] args) throws Exception {
    int mb = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    Path work = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("rompatchbench");
    Path tree = work.resolve("tree");
    long content = writeTree(tree, (long) mb << 20);
    Path image = work.resolve("system.img");
    Files.deleteIfExists(image);
    Oracle.run(work, Duration.ofMinutes(30), List.of("mkfs.erofs", "--quiet", "-T0", image.toString(),
        tree.toString())).assertOk("mkfs.erofs");
    System.out.printf("tree %.1f MB, %d telemetry fixture apps; EROFS image %.1f MB%n%n", content / 1e6,
        TelemetryFixtures.all().size(), Files.size(image) / 1e6);
    System.out.printf("%-44s %9s %13s %12s%n", "route", "wall s", "peak heap MB", "output MB");

    Path copy = work.resolve("copy.img");
    double copyWall = PlainCopy.bestOfThree(image, copy);
    Files.deleteIfExists(copy);
    System.out.printf("%-44s %9.2f %13s %12.1f%n", "plain copy of the image (anchor)", copyWall, "-",
        Files.size(image) / 1e6);

    Path out = work.resolve("out.img");
    Timed patch = untrackPatch(image, out);
    double best = patch.best;
    long peak = patch.peak;
    String report = patch.report;
    System.out.printf("%-44s %9.2f %13.1f %12.1f%n", "untrack patch (whole pipeline + checker)", best, peak / 1e6,
        Files.size(out) / 1e6);
    Files.deleteIfExists(out);
    PhaseTimes phases = new PhaseTimes();
    RomPatch.run(RomPatchRequest.of(image, out, PatchSets.builtin().load(), Policy.BLOCK), phases);
    phases.times.forEach((k, v) -> System.out.printf("  %-42s %9.2f%n", k, v));
    Oracle.run(work, Duration.ofMinutes(10), List.of("fsck.erofs", out.toString())).assertOk("fsck.erofs");

    Path extract = work.resolve("extract");
    FsReadBench.deleteTree(extract);
    Path rebuilt = work.resolve("rebuilt.img");
    Files.deleteIfExists(rebuilt);
    double[] ex = timed(List.of("fsck.erofs", "--extract=" + extract, image.toString()));
    double[] mk = timed(List.of("mkfs.erofs", "--quiet", "-T0", rebuilt.toString(), extract.toString()));
    System.out.printf("%-44s %9.2f %13s %12.1f%n", "native: fsck.erofs --extract + mkfs.erofs", ex[0] + mk[0],
        "rss " + (long) Math.max(ex[1], mk[1]) / 1024, Files.size(rebuilt) / 1e6);
    System.out.printf("%n(native route does no patching: it is only the rebuild)%n");
    System.out.printf("untrack patch vs plain copy: %.2fx; load average %.1f on %d cores%n%n", best / copyWall,
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        Runtime.getRuntime().availableProcessors());
    report.lines().filter(l -> l.startsWith("apps:") || l.startsWith("partition") || l.startsWith("checker"))
        .forEach(System.out::println);
    String pkgs = args.length > 2 ? args[2] : "both";
    for (String fmt : List.of("tgz", "tar")) {
      if (pkgs.equals(fmt) || pkgs.equals("both")) {
        packageBench(work, image, fmt);
      }
    }
    if (args.length < 2) {
      FsReadBench.deleteTree(work);
    }
  }

  /** Best wall time of two after a warm-up, the larger peak heap of those two, and the last summary. */
  record Timed(double best, long peak, String report) {}

  static Timed untrackPatch(Path in, Path out) throws IOException {
    double best = Double.MAX_VALUE;
    long peak = 0;
    String report = "";
    for (int i = 0; i < 3; i++) {
      Files.deleteIfExists(out);
      System.gc();
      HeapPeak.reset();
      ByteArrayOutputStream o = new ByteArrayOutputStream();
      long t = System.nanoTime();
      int code = Main.run(new String[] {"patch", in.toString(), "-o", out.toString()},
          new PrintStream(o, true, StandardCharsets.UTF_8), System.err);
      double wall = (System.nanoTime() - t) / 1e9;
      if (code != 0) {
        throw new IllegalStateException("untrack patch exited " + code + ": " + o);
      }
      report = o.toString(StandardCharsets.UTF_8);
      if (i > 0) {
        best = Math.min(best, wall);
        peak = Math.max(peak, HeapPeak.bytes());
      }
    }
    return new Timed(best, peak, report);
  }

  /**
   * The same EROFS image as {@code system_a} of a Xiaomi-like fastboot package (sparse virtual A/B super with room
   * to grow, unsigned vbmeta, CRC lists, flash script), through {@code untrack patch PKG -o OUT}, next to a synced
   * copy of the package and, for a tgz, {@code gzip -dc | gzip -6} of it.
   */
  static void packageBench(Path work, Path image, String fmt) throws Exception {
    Path superImg = work.resolve("super.img");
    Files.deleteIfExists(superImg);
    long sys = Files.size(image);
    long group = (sys + (64L << 20) + 0xFFFF) & ~0xFFFFL;
    long device = group * 2 + (4L << 20);
    try (FileByteSource s = FileByteSource.open(image)) {
      SuperWriter.create(device, 65536, 2).virtualAb().group("main_a", group).group("main_b", group)
          .addPartition("system_a", "main_a", LpFormat.PARTITION_ATTR_READONLY, s)
          .addPartition("system_b", "main_b", LpFormat.PARTITION_ATTR_READONLY, 0, null)
          .layout().writeSparseTo(superImg, SparseWriter.Options.DEFAULT);
    }
    byte[] vbmeta = java.util.Arrays.copyOf(VbMeta.create(List.of(), 0, 0, "untrack bench", null,
        AvbAlgorithm.NONE).encode(), 4096);
    Path pkg = work.resolve("rom." + fmt);
    Files.deleteIfExists(pkg);
    long t0 = System.nanoTime();
    new FastbootPackageBuilder().root("benchdevice_images_V1.0.0_global").image("super.img", superImg)
        .image("vbmeta.img", vbmeta).flashAllScript().xiaomiCrcLists(FastbootSplit.DEFAULT_MAX_DOWNLOAD_SIZE)
        .build(pkg, fmt.equals("tgz") ? FastbootPackageBuilder.Format.TGZ : FastbootPackageBuilder.Format.TAR);
    double built = (System.nanoTime() - t0) / 1e9;
    Files.delete(superImg);
    System.out.printf("%nfastboot package (%s): %.1f MB, the same image as system_a in a sparse super, vbmeta, CRC "
        + "lists, flash_all.sh (built in %.1f s)%n", fmt, Files.size(pkg) / 1e6, built);
    System.out.printf("%-44s %9s %13s %12s%n", "route", "wall s", "peak heap MB", "output MB");

    Path copy = work.resolve("copy." + fmt);
    double copyWall = Double.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      Files.deleteIfExists(copy);
      long t = System.nanoTime();
      try (AtomicOutput o = AtomicOutput.create(copy)) {
        Files.copy(pkg, o.stream()); // synced like every untrack output
        o.commit();
      }
      copyWall = Math.min(copyWall, (System.nanoTime() - t) / 1e9);
    }
    Files.deleteIfExists(copy);
    System.out.printf("%-44s %9.2f %13s %12.1f%n", "plain copy of the package, synced (anchor)", copyWall, "-",
        Files.size(pkg) / 1e6);

    double regzip = -1;
    if (fmt.equals("tgz")) {
      Path rz = work.resolve("regzip.tgz");
      regzip = Double.MAX_VALUE;
      for (int i = 0; i < 2; i++) {
        long t = System.nanoTime();
        Process p = new ProcessBuilder("sh", "-c", "gzip -dc \"$0\" | gzip -6 > \"$1\" && sync \"$1\"",
            pkg.toString(), rz.toString()).inheritIO().start();
        if (p.waitFor() != 0) {
          throw new IllegalStateException("gzip -dc | gzip -6 failed");
        }
        regzip = Math.min(regzip, (System.nanoTime() - t) / 1e9);
      }
      System.out.printf("%-44s %9.2f %13s %12.1f%n", "native: gzip -dc | gzip -6 (anchor)", regzip, "-",
          Files.size(rz) / 1e6);
      Files.delete(rz);
    }

    Path out = work.resolve("out." + fmt);
    Timed patch = untrackPatch(pkg, out);
    System.out.printf("%-44s %9.2f %13.1f %12.1f%n", "untrack patch (whole pipeline + checker)", patch.best,
        patch.peak / 1e6, Files.size(out) / 1e6);
    Files.deleteIfExists(out);
    PhaseTimes phases = new PhaseTimes();
    RomPatch.run(RomPatchRequest.of(pkg, out, PatchSets.builtin().load(), Policy.BLOCK), phases);
    phases.times.forEach((k, v) -> System.out.printf("  %-42s %9.2f%n", k, v));
    Files.deleteIfExists(out);
    System.out.printf("untrack patch vs plain copy: %.2fx (within 2x: %s)", patch.best / copyWall,
        patch.best <= 2 * copyWall ? "yes" : "no");
    if (regzip > 0) {
      System.out.printf("; vs gzip -dc | gzip -6: %.2fx", patch.best / regzip);
    }
    System.out.printf("; load average %.1f on %d cores%n", ManagementFactory.getOperatingSystemMXBean()
        .getSystemLoadAverage(), Runtime.getRuntime().availableProcessors());
    patch.report.lines().filter(l -> l.startsWith("apps:") || l.startsWith("partition") || l.startsWith("checker")
        || l.startsWith("vbmeta")).forEach(System.out::println);
    Files.delete(pkg);
  }

  /** Wall time per pipeline phase. */
  static final class PhaseTimes implements Progress {
    final java.util.LinkedHashMap<String, Double> times = new java.util.LinkedHashMap<>();
    private String phase;
    private long start;

    @Override
    public synchronized void begin(String name, long total) {
      end();
      phase = name.replaceAll(" \\S+\\.img$", " image");
      start = System.nanoTime();
    }

    @Override
    public synchronized void end() {
      if (phase != null) {
        times.merge(phase, (System.nanoTime() - start) / 1e9, Double::sum);
        phase = null;
      }
    }
  }

  static long writeTree(Path root, long bytes) throws IOException {
    FsReadBench.deleteTree(root);
    long total = 0;
    for (TelemetryFixtures.Fixture f : TelemetryFixtures.all()) {
      String rel = f.isJar() ? "system/framework/" + f.fileName()
          : "system/app/" + f.name() + "/" + f.fileName();
      Path p = root.resolve(rel);
      Files.createDirectories(p.getParent());
      Files.write(p, f.bytes());
      total += f.bytes().length;
      if (!f.isJar()) {
        FsEditBenchFiles.write(p.getParent().resolve("oat/arm64/" + f.name() + ".odex"), 1 << 20, total, 0.5);
        total += 1 << 20;
      }
    }
    Path hosts = root.resolve("system/etc/hosts");
    Files.createDirectories(hosts.getParent());
    Files.writeString(hosts, "127.0.0.1       localhost\n::1             ip6-localhost\n");
    int n = 0;
    while (total < bytes) {
      long size = (2L << 20) + (n % 7) * (1L << 20);
      Path dir = root.resolve("system/app/Filler" + n);
      fillerApk(dir.resolve("Filler" + n + ".apk"), size, n);
      FsEditBenchFiles.write(dir.resolve("oat/arm64/Filler" + n + ".odex"), size / 8, n + 50_000L, 0.5);
      total += size + size / 8;
      n++;
    }
    return total;
  }

  /** A zip with one large stored asset (incompressible like an APK's resources) and no code. */
  private static void fillerApk(Path p, long size, long seed) throws IOException {
    Files.createDirectories(p.getParent());
    byte[] data = new byte[(int) size];
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) r.nextInt(256);
    }
    CRC32 crc = new CRC32();
    crc.update(data);
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(p))) {
      ZipEntry e = new ZipEntry("res/raw/blob.bin");
      e.setMethod(ZipEntry.STORED);
      e.setSize(data.length);
      e.setCompressedSize(data.length);
      e.setCrc(crc.getValue());
      e.setTime(0);
      z.putNextEntry(e);
      z.write(data);
      z.closeEntry();
    }
  }

  /** wall s and max RSS KB of one run under GNU time. */
  private static double[] timed(List<String> cmd) throws IOException {
    List<String> t = new ArrayList<>(List.of("/usr/bin/time", "-f", "BENCH %e %M"));
    t.addAll(cmd);
    Oracle.Result r = Oracle.run(null, Duration.ofMinutes(30), t).assertOk(String.join(" ", cmd));
    String[] f = r.stderr().lines().filter(l -> l.startsWith("BENCH ")).reduce((a, b) -> b).orElseThrow()
        .split(" ");
    return new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2])};
  }

  /** Half random, half text filler (like odex files). */
  static final class FsEditBenchFiles {
    private FsEditBenchFiles() {}

    static void write(Path p, long size, long seed, double noise) throws IOException {
      Files.createDirectories(p.getParent());
      SplittableRandom r = new SplittableRandom(seed);
      byte[] buf = new byte[1 << 16];
      try (OutputStream out = Files.newOutputStream(p)) {
        long left = size;
        while (left > 0) {
          int n = (int) Math.min(buf.length, left);
          boolean random = r.nextDouble() < noise;
          for (int i = 0; i < n; i++) {
            buf[i] = random ? (byte) r.nextInt(256) : (byte) ('a' + i % 26);
          }
          out.write(buf, 0, n);
          left -= n;
        }
      }
    }
  }
}
