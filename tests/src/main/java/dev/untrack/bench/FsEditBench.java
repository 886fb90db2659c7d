package dev.untrack.bench;

import dev.untrack.rom.fs.EditResult;
import dev.untrack.rom.fs.FileSystemEditor;
import dev.untrack.rom.fs.FileSystemEdits;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.testkit.Oracle;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Replacing three ~20 MB APKs in an EROFS lz4hc system image of ~500 MB: untrack's surgical edit next to two
 * anchors measured in the same run on the same image — a plain copy of the image (the floor: every byte read and
 * written once) and the native route Android modding tools take, {@code fsck.erofs --extract} then
 * {@code mkfs.erofs -zlz4hc} over the extracted tree with the three files swapped.
 *
 * <p>The tree is built like a system partition: APKs are mostly incompressible (they are zips), resources and
 * configs are text. Usage: {@code FsEditBench [imageMB=500] [workdir]}. Needs mkfs.erofs, fsck.erofs and GNU time
 * ({@code /usr/bin/time}).
 */
public final class FsEditBench {
  private static final int BIG = 20 << 20;
  private static final String[] BIG_APPS = {"Browser", "MiuiSystemUI", "Settings"};

  private FsEditBench() {}

  public static void main(String[] args) throws Exception {
    int mb = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    Path work = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("fseditbench");
    Files.createDirectories(work);
    Path tree = work.resolve("tree");
    long content = writeTree(tree, (long) mb << 20);
    Path image = work.resolve("system.erofs");
    long t0 = System.nanoTime();
    Oracle.run(work, Duration.ofMinutes(30), List.of("mkfs.erofs", "--quiet", "-zlz4hc", "-T0", image.toString(),
        tree.toString())).assertOk("mkfs.erofs");
    System.out.printf("tree: %.1f MB of files; mkfs.erofs -zlz4hc: %.1f s, image %.1f MB%n", content / 1e6,
        (System.nanoTime() - t0) / 1e9, Files.size(image) / 1e6);
    List<Path> replacements = new ArrayList<>();
    for (int i = 0; i < BIG_APPS.length; i++) {
      Path p = work.resolve("new-" + BIG_APPS[i] + ".apk");
      writeFile(p, BIG + 4096L * i, 1000 + i, 0.9);
      replacements.add(p);
    }
    System.out.printf("replacing %d files of %.1f MB each%n%n", replacements.size(), BIG / 1e6);
    System.out.printf("%-44s %9s %9s %13s %12s%n", "route", "wall s", "cpu s", "peak mem MB", "output MB");

    Path copy = work.resolve("copy.erofs");
    double copyWall = PlainCopy.bestOfThree(image, copy);
    System.out.printf("%-44s %9.2f %9s %13s %12.1f%n", "plain copy of the image (anchor)", copyWall, "-", "-",
        Files.size(copy) / 1e6);
    Files.deleteIfExists(copy);

    Path edited = work.resolve("edited.erofs");
    double bestWall = Double.MAX_VALUE;
    double bestCpu = Double.MAX_VALUE;
    long peak = 0;
    EditResult result = null;
    java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 4; i++) {
      System.gc();
      HeapPeak.reset();
      long t = System.nanoTime();
      long c = threads.getCurrentThreadCpuTime();
      result = ourEdit(image, replacements, edited);
      double wall = (System.nanoTime() - t) / 1e9;
      double cpu = (threads.getCurrentThreadCpuTime() - c) / 1e9;
      if (i > 0) {
        bestWall = Math.min(bestWall, wall);
        bestCpu = Math.min(bestCpu, cpu);
        peak = Math.max(peak, HeapPeak.bytes());
      }
    }
    System.out.printf("%-44s %9.2f %9.2f %13.1f %12.1f%n", "untrack FileSystemEditor (surgical)", bestWall, bestCpu,
        peak / 1e6, result.outputSize() / 1e6);
    Oracle.run(work, Duration.ofMinutes(10), List.of("fsck.erofs", edited.toString())).assertOk("fsck.erofs");

    Path extract = work.resolve("extract");
    Path rebuilt = work.resolve("rebuilt.erofs");
    FsReadBench.deleteTree(extract);
    double[] ex = timed(List.of("fsck.erofs", "--extract=" + extract, image.toString()));
    for (int i = 0; i < BIG_APPS.length; i++) {
      Files.copy(replacements.get(i), extract.resolve("system/app/" + BIG_APPS[i] + "/" + BIG_APPS[i] + ".apk"),
          StandardCopyOption.REPLACE_EXISTING);
    }
    double[] mk = timed(List.of("mkfs.erofs", "--quiet", "-zlz4hc", "-T0", rebuilt.toString(), extract.toString()));
    System.out.printf("%-44s %9.2f %9.2f %13s %12.1f%n", "native: fsck.erofs --extract + mkfs -zlz4hc",
        ex[0] + mk[0], ex[1] + mk[1], "rss " + (long) Math.max(ex[2], mk[2]) / 1024, Files.size(rebuilt) / 1e6);
    System.out.printf("%n  of which fsck.erofs --extract %.2f s wall, mkfs.erofs -zlz4hc %.2f s wall%n", ex[0], mk[0]);
    System.out.printf("untrack vs native rebuild: %.1fx faster (wall); vs plain copy: %.2fx%n",
        (ex[0] + mk[0]) / bestWall, bestWall / copyWall);
    System.out.printf("untrack appended %.1f MB (%s); load average %.1f on %d cores%n",
        result.appendedBytes() / 1e6, result.changes().size() + " changes",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        Runtime.getRuntime().availableProcessors());
    if (args.length < 2) {
      FsReadBench.deleteTree(work);
    }
  }

  private static EditResult ourEdit(Path image, List<Path> replacements, Path out) throws IOException {
    FileSystemEdits edits = new FileSystemEdits(1_750_000_000L);
    List<ByteSource> open = new ArrayList<>();
    try (FileByteSource in = FileByteSource.open(image)) {
      for (int i = 0; i < BIG_APPS.length; i++) {
        ByteSource s = FileByteSource.open(replacements.get(i));
        open.add(s);
        String dir = "/system/app/" + BIG_APPS[i];
        edits.replace(dir + "/" + BIG_APPS[i] + ".apk", s).delete(dir + "/oat").touchDirectory(dir);
      }
      Files.deleteIfExists(out);
      return FileSystemEditor.apply(in, edits, out, FileSystemEditor.Limits.none());
    } finally {
      for (ByteSource s : open) {
        s.close();
      }
    }
  }

  /** wall s, user+sys s, max RSS KB of one run under GNU time. */
  private static double[] timed(List<String> cmd) throws IOException {
    List<String> t = new ArrayList<>(List.of("/usr/bin/time", "-f", "BENCH %e %U %S %M"));
    t.addAll(cmd);
    Oracle.Result r = Oracle.run(null, Duration.ofMinutes(30), t).assertOk(String.join(" ", cmd));
    String[] f = r.stderr().lines().filter(l -> l.startsWith("BENCH ")).reduce((a, b) -> b).orElseThrow().split(" ");
    return new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2]) + Double.parseDouble(f[3]),
        Double.parseDouble(f[4])};
  }

  /** A system-partition-like tree of about {@code bytes}: apps (zip-like APKs, oat folders, resources), etc. */
  static long writeTree(Path root, long bytes) throws IOException {
    FsReadBench.deleteTree(root);
    long total = 0;
    int app = 0;
    while (total < bytes) {
      String name = app < BIG_APPS.length ? BIG_APPS[app] : "App" + app;
      long size = app < BIG_APPS.length ? BIG : (1L << 20) + (app % 9) * (1L << 20);
      Path dir = root.resolve("system/app/" + name);
      writeFile(dir.resolve(name + ".apk"), size, app, 0.9);
      writeFile(dir.resolve("oat/arm64/" + name + ".odex"), size / 8, app + 50_000L, 0.5);
      writeFile(dir.resolve("oat/arm64/" + name + ".vdex"), size / 16, app + 90_000L, 0.3);
      total += size + size / 8 + size / 16;
      for (int i = 0; i < 10; i++) {
        writeFile(root.resolve("system/etc/" + name + "/conf" + i + ".xml"), 2000 + 300 * i, app * 31L + i, 0.0);
        total += 2000 + 300 * i;
      }
      app++;
    }
    return total;
  }

  /** {@code size} bytes: {@code noise} of them random (like deflated zip data), the rest repetitive text. */
  static void writeFile(Path p, long size, long seed, double noise) throws IOException {
    Files.createDirectories(p.getParent());
    SplittableRandom r = new SplittableRandom(seed);
    byte[] buf = new byte[1 << 16];
    String words = "android:layout_width=\"match_parent\" <string name=\"app_name\">telemetry</string> ";
    try (OutputStream out = Files.newOutputStream(p)) {
      long left = size;
      while (left > 0) {
        int n = (int) Math.min(buf.length, left);
        if (r.nextDouble() < noise) {
          for (int i = 0; i < n; i += 8) {
            long v = r.nextLong();
            for (int k = 0; k < 8 && i + k < n; k++) {
              buf[i + k] = (byte) (v >>> (8 * k));
            }
          }
        } else {
          int off = r.nextInt(words.length());
          for (int i = 0; i < n; i++) {
            buf[i] = (byte) words.charAt((off + i) % words.length());
          }
        }
        out.write(buf, 0, n);
        left -= n;
      }
    }
  }
}
