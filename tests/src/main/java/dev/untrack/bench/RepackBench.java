package dev.untrack.bench;

import dev.untrack.pipeline.repack.RepackOptions;
import dev.untrack.pipeline.repack.RepackRequest;
import dev.untrack.pipeline.repack.RepackResult;
import dev.untrack.pipeline.repack.Repackers;
import dev.untrack.rom.firmware.Firmware;
import dev.untrack.rom.firmware.FirmwareReader;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.lp.LpFormat;
import dev.untrack.rom.lp.SuperWriter;
import dev.untrack.rom.sparse.FastbootSplit;
import dev.untrack.rom.sparse.SparseWriter;
import dev.untrack.testkit.FastbootPackageBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Repack of a fastboot package whose super holds a large system and a small product: the product is replaced,
 * so the super is re-laid out, re-sparsed, and the package rewritten. Reported next to a plain copy of the same
 * package, with the peak heap (run it with a small {@code -Xmx} to show memory does not follow the image size).
 *
 * <p>Usage: {@code RepackBench [systemMiB=256] [tar|tgz]}.
 */
public final class RepackBench {
  private RepackBench() {}

  public static void main(String[] args) throws Exception {
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
    String fmt = args.length > 1 ? args[1] : "tar";
    Path dir = Files.createTempDirectory("repack-bench");
    try {
      Path sys = image(dir.resolve("system.img"), mib, 1);
      Path prod = image(dir.resolve("product.img"), 16, 2);
      Path newProd = image(dir.resolve("product.new"), 17, 3);
      Path sup = dir.resolve("super.img");
      long device = ((long) mib + 64) << 20;
      try (FileByteSource s = FileByteSource.open(sys); FileByteSource p = FileByteSource.open(prod)) {
        SuperWriter.create(device, 65536, 3).group("main", device - (4L << 20))
            .addPartition("system", "main", LpFormat.PARTITION_ATTR_READONLY, s)
            .addPartition("product", "main", LpFormat.PARTITION_ATTR_READONLY, p)
            .layout().writeSparseTo(sup, SparseWriter.Options.DEFAULT);
      }
      Files.delete(sys);
      FastbootPackageBuilder.Format f = fmt.equals("tgz") ? FastbootPackageBuilder.Format.TGZ
          : FastbootPackageBuilder.Format.TAR;
      Path in = new FastbootPackageBuilder().root("bench_images").image("super.img", sup)
          .image("vbmeta.img", new byte[4096]).flashAllScript()
          .xiaomiCrcLists(FastbootSplit.DEFAULT_MAX_DOWNLOAD_SIZE).build(dir.resolve("in." + fmt), f);
      Files.delete(sup);
      System.out.printf(Locale.ROOT, "package: %s, %d MiB (system %d MiB in a sparse super), max heap %d MiB%n",
          fmt, Files.size(in) >> 20, mib, Runtime.getRuntime().maxMemory() >> 20);

      long t0 = System.nanoTime();
      try (dev.untrack.rom.io.AtomicOutput out = dev.untrack.rom.io.AtomicOutput.create(dir.resolve("copy." + fmt))) {
        Files.copy(in, out.stream()); // synced like every untrack output
        out.commit();
      }
      double copy = (System.nanoTime() - t0) / 1e9;
      Files.delete(dir.resolve("copy." + fmt));

      double regzip = -1;
      if (fmt.equals("tgz")) {
        // native anchor: what any tgz rewrite must at least do, gunzip once and gzip again
        t0 = System.nanoTime();
        Process p = new ProcessBuilder("sh", "-c", "gzip -dc \"$0\" | gzip -6 > \"$1\"", in.toString(),
            dir.resolve("regzip.tgz").toString()).inheritIO().start();
        if (p.waitFor() == 0) {
          regzip = (System.nanoTime() - t0) / 1e9;
        }
      }

      resetPeaks();
      Path work = Files.createDirectories(dir.resolve("work"));
      t0 = System.nanoTime();
      RepackResult r;
      try (Firmware fw = FirmwareReader.open(in, FirmwareReader.Options.in(work))) {
        r = Repackers.forKind(fw.kind()).repack(new RepackRequest(fw, Map.of("product", newProd),
            dir.resolve("out." + fmt), RepackOptions.defaults(work)));
      }
      double repack = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "plain copy (synced): %6.2f s%n", copy);
      System.out.printf(Locale.ROOT, "repack (open + super re-layout + re-sparse + rewrite): %6.2f s (%.1fx copy)%n",
          repack, repack / copy);
      if (regzip >= 0) {
        System.out.printf(Locale.ROOT, "anchor gzip -dc | gzip -6: %6.2f s (repack %.1fx)%n", regzip, repack / regzip);
      }
      System.out.printf(Locale.ROOT, "peak heap during repack: %d MiB%n", peakHeap() >> 20);
      r.notes().forEach(n -> System.out.println("  " + n));
    } finally {
      try (var w = Files.walk(dir)) {
        w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Mixed content: random, text-like, zero blocks, written in 1 MiB steps. */
  static Path image(Path p, int mib, long seed) throws IOException {
    Random rnd = new Random(seed);
    byte[] buf = new byte[1 << 20];
    try (OutputStream o = Files.newOutputStream(p)) {
      for (int i = 0; i < mib; i++) {
        switch (i % 4) {
          case 0, 1 -> rnd.nextBytes(buf);
          case 2 -> java.util.Arrays.fill(buf, (byte) ('a' + i % 26));
          default -> java.util.Arrays.fill(buf, (byte) 0);
        }
        o.write(buf);
      }
    }
    return p;
  }

  private static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean b : ManagementFactory.getMemoryPoolMXBeans()) {
      b.resetPeakUsage();
    }
  }

  private static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean b : ManagementFactory.getMemoryPoolMXBeans()) {
      if (b.getType() == MemoryType.HEAP) {
        sum += b.getPeakUsage().getUsed();
      }
    }
    return sum;
  }
}
