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
 * <p>Usage: {@code FsReadBench [megabytes=300] [rounds=10] [workdir]}. Each figure is the best of 3 samples, a
 * sample being {@code rounds} back-to-back passes over the whole tree (so one figure covers seconds of work, not
 * the ~0.05 s of one pass, and timer resolution and JIT warm-up do not dominate), reported per pass. CPU time is
 * the process's (ours: JIT and GC threads included; native: GNU time's user + system), so both sides count the
 * same. Our full read runs on 1 and on 2 threads (files shared out); {@code fsck.erofs} is single-threaded. A
 * given workdir is kept (images reusable for profiling). Needs mkfs.erofs, fsck.erofs, mke2fs, debugfs and GNU
 * time ({@code /usr/bin/time}).
 *
 * <p>Run: {@code ./mvnw -o -q -B -pl tests -am test-compile}, then {@code java -cp
 * rom-tools/target/classes:tests/target/classes:<junit-jupiter-api, opentest4j, commons-compress and xz jars
 * from ~/.m2> dev.untrack.bench.FsReadBench 300 10 /tmp/fsbench}.
 */
public final class FsReadBench {
  private FsReadBench() {}

  public static void main(String[] args) throws Exception {
    int mb = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    Path work = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("fsbench");
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

    System.out.printf("each figure: best of 3 samples; one sample = %d back-to-back full passes, divided by %d%n%n",
        rounds, rounds);
    System.out.printf("%-42s %9s %9s %10s %12s%n", "measure (per pass)", "wall s", "cpu s", "MB/s(cpu)",
        "peak heap MB");
    long bytes = tree.contentBytes();
    double ourErofs = measure("untrack EROFS: walk tree", erofs, false, 1, bytes).wall();
    Figure erofs1 = measure("untrack EROFS: walk + read all, 1 thread", erofs, true, 1, bytes);
    Figure erofs2 = measure("untrack EROFS: walk + read all, 2 threads", erofs, true, 2, bytes);
    Figure fsck = nativeTool("fsck.erofs --extract (1 thread)", bytes, List.of("fsck.erofs", "--extract",
        erofs.toString()), null, rounds);
    double ourExt4 = measure("untrack ext4: walk tree", ext4, false, 1, bytes).wall();
    Figure ext41 = measure("untrack ext4: walk + read all, 1 thread", ext4, true, 1, bytes);
    Path dump = work.resolve("rdump");
    Figure rdump = nativeTool("debugfs rdump (writes files)", bytes,
        List.of("debugfs", "-R", "rdump / " + dump, ext4.toString()), dump, 1);
    System.out.printf("%nEROFS full read, untrack / fsck.erofs --extract (target <= 1.5x):%n");
    System.out.printf("  1 thread : CPU %.2fx, wall %.2fx%n", erofs1.cpu() / fsck.cpu(), erofs1.wall / fsck.wall);
    System.out.printf("  2 threads: CPU %.2fx, wall %.2fx (fsck.erofs is single-threaded; the target allows 2 "
        + "cores)%n", erofs2.cpu / fsck.cpu(), erofs2.wall / fsck.wall);
    System.out.printf("ext4 full read, untrack / debugfs rdump: CPU %.2fx, wall %.2fx (rdump also writes files: "
        + "not an equal comparison)%n", ext41.cpu / rdump.cpu, ext41.wall / rdump.wall);
    System.out.printf("(cpu = process CPU time, JIT/GC threads included, like the native tools' rusage user+sys; "
        + "load average now %.1f on %d cores)%n",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        Runtime.getRuntime().availableProcessors());
    System.out.printf("tree walk alone: EROFS %.4f s, ext4 %.4f s%n", ourErofs, ourExt4);
    if (args.length < 3) {
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

  private static int rounds;

  /** Seconds per pass. */
  private record Figure(double wall, double cpu) {}

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** Best of 3 samples of {@code rounds} passes each, after two warm-up passes; seconds per pass. */
  private static Figure measure(String label, Path image, boolean content, int threads, long bytes)
      throws Exception {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      run(image, content, pool, threads); // warm-up: JIT and page cache
      run(image, content, pool, threads);
      double bestWall = Double.MAX_VALUE;
      double bestCpu = Double.MAX_VALUE;
      for (int i = 0; i < 3; i++) {
        System.gc();
        long t = System.nanoTime();
        long c = OS.getProcessCpuTime();
        for (int k = 0; k < rounds; k++) {
          run(image, content, pool, threads);
        }
        bestCpu = Math.min(bestCpu, (OS.getProcessCpuTime() - c) / 1e9 / rounds);
        bestWall = Math.min(bestWall, (System.nanoTime() - t) / 1e9 / rounds);
      }
      // heap high-water mark of one pass from a collected heap (garbage not yet collected included)
      System.gc();
      HeapPeak.reset();
      run(image, content, pool, threads);
      long peak = HeapPeak.bytes();
      System.out.printf("%-42s %9.4f %9.4f %10s %12.1f%n", label, bestWall, bestCpu,
          content ? String.format("%.0f", bytes / 1e6 / bestCpu) : "-", peak / 1e6);
      return new Figure(bestWall, bestCpu);
    } finally {
      pool.shutdown();
    }
  }

  /**
   * One pass: walk the tree and, when {@code content}, read every regular file with positional reads (as the
   * zip reader and extractors use a ByteSource); files are shared out to {@code threads} workers.
   */
  private static void run(Path image, boolean content, java.util.concurrent.ExecutorService pool, int threads)
      throws Exception {
    try (FileSystemImage fs = FileSystems.open(FileByteSource.open(image))) {
      List<dev.untrack.rom.fs.FsEntry> files = new java.util.ArrayList<>();
      fs.walk(e -> {
        if (content && e.isRegular()) {
          files.add(e);
        }
        return true;
      });
      if (files.isEmpty()) {
        return;
      }
      java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
      List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          byte[] buf = new byte[1 << 16];
          java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(buf);
          for (int i; (i = next.getAndIncrement()) < files.size(); ) {
            dev.untrack.rom.fs.FsEntry e = files.get(i);
            ByteSource c = fs.content(e);
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
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get();
      }
    }
  }

  /**
   * Best of 3 samples after a warm-up, each timed by GNU time over {@code n} back-to-back runs: seconds per
   * run, CPU = user + system.
   */
  private static Figure nativeTool(String label, long bytes, List<String> cmd, Path outDir, int n)
      throws IOException {
    double bestWall = Double.MAX_VALUE;
    double bestCpu = Double.MAX_VALUE;
    StringBuilder loop = new StringBuilder("i=0; while [ $i -lt " + n + " ]; do ");
    if (outDir != null) {
      loop.append("rm -rf '").append(outDir).append("' && mkdir -p '").append(outDir).append("' && ");
    }
    for (String c : cmd) {
      loop.append('\'').append(c.replace("'", "'\\''")).append("' ");
    }
    loop.append(">/dev/null || exit 1; i=$((i+1)); done");
    List<String> timed = List.of("/usr/bin/time", "-f", "BENCH %e %U %S", "sh", "-c", loop.toString());
    for (int i = 0; i < 4; i++) {
      Oracle.Result r = Oracle.run(null, Duration.ofMinutes(10), timed).assertOk(label);
      String[] f = r.stderr().lines().filter(l -> l.startsWith("BENCH ")).reduce((a, b) -> b).orElseThrow()
          .split(" ");
      if (i > 0) {
        bestWall = Math.min(bestWall, Double.parseDouble(f[1]) / n);
        bestCpu = Math.min(bestCpu, (Double.parseDouble(f[2]) + Double.parseDouble(f[3])) / n);
      }
    }
    if (outDir != null) {
      deleteTree(outDir);
    }
    System.out.printf("%-42s %9.4f %9.4f %10.0f %12s%n", label, bestWall, bestCpu, bytes / 1e6 / bestCpu, "-");
    return new Figure(bestWall, bestCpu);
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
