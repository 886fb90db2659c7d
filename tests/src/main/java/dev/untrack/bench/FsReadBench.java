package dev.untrack.bench;

import dev.untrack.rom.fs.FileSystemImage;
import dev.untrack.rom.fs.FileSystems;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.testkit.FsFixtures;
import dev.untrack.testkit.Oracle;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reading throughput of the ext4 and EROFS readers on images of a few hundred MB generated here, next to the
 * native tools on the same images in the same run: {@code fsck.erofs --extract} (decodes every file without
 * writing) and {@code debugfs rdump} (writes the tree to a temporary directory).
 *
 * <p>Usage: {@code FsReadBench [megabytes=300] [workdir]}. Needs mkfs.erofs, fsck.erofs, mke2fs, debugfs and GNU
 * time ({@code /usr/bin/time}).
 */
public final class FsReadBench {
  private FsReadBench() {}

  public static void main(String[] args) throws Exception {
    int mb = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    Path work = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("fsbench");
    Files.createDirectories(work);
    FsFixtures.Tree tree = tree(mb);
    System.out.printf("tree: %d entries, %.1f MB of file content%n", tree.nodes().size(),
        tree.contentBytes() / 1e6);
    long t0 = System.nanoTime();
    Path erofs = FsFixtures.erofs(tree, work, "bench", List.of("-zlz4hc", "-T0"));
    System.out.printf("mkfs.erofs -zlz4hc: %.1f s, image %.1f MB%n", (System.nanoTime() - t0) / 1e9,
        Files.size(erofs) / 1e6);
    t0 = System.nanoTime();
    Path ext4 = FsFixtures.ext4(tree, work, "bench", FsFixtures.Ext4Options.defaults());
    System.out.printf("mke2fs -d: %.1f s, image %.1f MB%n%n", (System.nanoTime() - t0) / 1e9,
        Files.size(ext4) / 1e6);

    System.out.printf("%-34s %10s %10s %10s %12s%n", "measure", "wall s", "cpu s", "MB/s(cpu)", "peak heap MB");
    double ourErofs = measure("untrack EROFS: walk tree", erofs, false, tree.contentBytes());
    double ourErofsRead = measure("untrack EROFS: walk + read all", erofs, true, tree.contentBytes());
    double ourErofsWall = lastWall;
    double fsck = nativeTool("fsck.erofs --extract (decode all)", tree.contentBytes(),
        List.of("fsck.erofs", "--extract", erofs.toString()), null);
    double fsckWall = lastWall;
    double ourExt4 = measure("untrack ext4: walk tree", ext4, false, tree.contentBytes());
    double ourExt4Read = measure("untrack ext4: walk + read all", ext4, true, tree.contentBytes());
    double ourExt4Wall = lastWall;
    Path dump = work.resolve("rdump");
    double rdump = nativeTool("debugfs rdump (writes files)", tree.contentBytes(),
        List.of("debugfs", "-R", "rdump / " + dump, ext4.toString()), dump);
    double rdumpWall = lastWall;
    System.out.printf("%nratio untrack/native CPU time, full read: EROFS %.2fx, ext4 %.2fx (target <= 1.5x)%n",
        ourErofsRead / fsck, ourExt4Read / rdump);
    System.out.printf("wall-time ratio, full read: EROFS %.2fx, ext4 %.2fx%n", ourErofsWall / fsckWall,
        ourExt4Wall / rdumpWall);
    System.out.printf("(our CPU time is the reading thread's, JIT and GC threads not counted; native CPU comes from "
        + "rusage, coarse for short runs; load average now %.1f on %d cores)%n",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        Runtime.getRuntime().availableProcessors());
    System.out.printf("tree walk alone: EROFS %.3f s, ext4 %.3f s%n", ourErofs, ourExt4);
    if (args.length < 2) {
      deleteTree(work);
    }
  }

  public static FsFixtures.Tree tree(int mb) {
    FsFixtures.Tree t = new FsFixtures.Tree();
    long budget = (long) mb << 20;
    int app = 0;
    while (budget > 0) {
      long size = Math.min(budget, (2L << 20) + (app % 7) * (1L << 20));
      String dir = "system/app/App" + app;
      t.file(dir + "/App" + app + ".apk", size, app);
      t.label(dir + "/App" + app + ".apk", "u:object_r:system_file:s0");
      for (int i = 0; i < 20; i++) {
        t.file(dir + "/res/r" + i + ".xml", 700 + 97 * i, app * 100L + i);
      }
      budget -= size;
      app++;
    }
    return t;
  }

  private static double lastWall;

  /** Best of 5 after a warm-up; returns CPU seconds of the reading thread (wall time is printed too). */
  private static double measure(String label, Path image, boolean content, long bytes) throws IOException {
    run(image, content); // warm-up: JIT and page cache
    run(image, content);
    double bestWall = Double.MAX_VALUE;
    double bestCpu = Double.MAX_VALUE;
    long peak = 0;
    java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 5; i++) {
      System.gc();
      HeapPeak.reset();
      long t = System.nanoTime();
      long c = threads.getCurrentThreadCpuTime();
      run(image, content);
      bestCpu = Math.min(bestCpu, (threads.getCurrentThreadCpuTime() - c) / 1e9);
      bestWall = Math.min(bestWall, (System.nanoTime() - t) / 1e9);
      peak = Math.max(peak, HeapPeak.bytes());
    }
    System.out.printf("%-34s %10.3f %10.3f %10s %12.1f%n", label, bestWall, bestCpu,
        content ? String.format("%.0f", bytes / 1e6 / bestCpu) : "-", peak / 1e6);
    lastWall = bestWall;
    return bestCpu;
  }

  private static void run(Path image, boolean content) throws IOException {
    byte[] buf = new byte[1 << 16];
    try (FileSystemImage fs = FileSystems.open(FileByteSource.open(image))) {
      fs.walk(e -> {
        if (content && e.isRegular()) {
          // positional reads, as the zip reader and extractors use a ByteSource
          ByteSource c = fs.content(e);
          java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(buf);
          long pos = 0;
          while (pos < c.size()) {
            bb.clear();
            int n = c.read(pos, bb);
            if (n <= 0) {
              throw new IOException("short read in " + e.path());
            }
            pos += n;
          }
        }
        return true;
      });
    }
  }

  /** Best of 5 after a warm-up, timed by GNU time: returns user+system CPU seconds. */
  private static double nativeTool(String label, long bytes, List<String> cmd, Path outDir) throws IOException {
    double bestWall = Double.MAX_VALUE;
    double bestCpu = Double.MAX_VALUE;
    List<String> timed = new java.util.ArrayList<>(List.of("/usr/bin/time", "-f", "BENCH %e %U %S"));
    timed.addAll(cmd);
    for (int i = 0; i < 6; i++) {
      if (outDir != null) {
        deleteTree(outDir);
        Files.createDirectories(outDir);
      }
      Oracle.Result r = Oracle.run(null, Duration.ofMinutes(10), timed).assertOk(label);
      String[] f = r.stderr().lines().filter(l -> l.startsWith("BENCH ")).reduce((a, b) -> b).orElseThrow()
          .split(" ");
      if (i > 0) {
        bestWall = Math.min(bestWall, Double.parseDouble(f[1]));
        bestCpu = Math.min(bestCpu, Double.parseDouble(f[2]) + Double.parseDouble(f[3]));
      }
    }
    System.out.printf("%-34s %10.3f %10.3f %10.0f %12s%n", label, bestWall, bestCpu, bytes / 1e6 / bestCpu, "-");
    lastWall = bestWall;
    return bestCpu;
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }
}
