package dev.untrack.bench;

import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.sparse.SparseImage;
import dev.untrack.rom.sparse.SparseWriter;
import dev.untrack.testkit.Oracle;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * Sparse expansion and sparse writing throughput, next to AOSP's simg2img and img2simg on the same files in the
 * same run. Usage: {@code SparseExpandBench [sizeMiB=512] [workDir=/tmp]}.
 */
public final class SparseExpandBench {
  private SparseExpandBench() {}

  public static void main(String[] args) throws Exception {
    long mib = args.length > 0 ? Long.parseLong(args[0]) : 512;
    Path work = Files.createTempDirectory(args.length > 1 ? Path.of(args[1]) : Path.of(System.getProperty("java.io.tmpdir")),
        "sparse-bench");
    Path raw = work.resolve("raw.img");
    Path simg = work.resolve("img2simg.img");
    Path ours = work.resolve("ours.img");
    Path out = work.resolve("expanded.img");
    try {
      writeMixedImage(raw, mib << 20);
      Path img2simg = Oracle.require("img2simg", "android-sdk-libsparse-utils");
      Path simg2img = Oracle.require("simg2img", "android-sdk-libsparse-utils");
      System.out.printf("image: %d MiB (about half random data, the rest zeros and patterns), %d cores%n", mib,
          Runtime.getRuntime().availableProcessors());

      double nativeWrite = best(() -> {
        Files.deleteIfExists(simg);
        Oracle.run(work, Duration.ofMinutes(10), List.of(img2simg.toString(), raw.toString(), simg.toString()))
            .assertOk("img2simg");
      });
      double oursWrite = best(() -> {
        Files.deleteIfExists(ours);
        try (FileByteSource in = FileByteSource.open(raw);
            FileChannel ch = FileChannel.open(ours, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          SparseWriter.write(in, ch, SparseWriter.Options.DEFAULT);
        }
      });
      double nativeExpand = best(() -> {
        Files.deleteIfExists(out);
        Oracle.run(work, Duration.ofMinutes(10), List.of(simg2img.toString(), simg.toString(), out.toString()))
            .assertOk("simg2img");
      });
      double oursExpand = best(() -> {
        Files.deleteIfExists(out);
        try (FileByteSource in = FileByteSource.open(simg);
            FileChannel o = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          SparseImage.open(in).expandTo(o);
        }
      });
      if (Files.mismatch(raw, out) != -1) {
        throw new AssertionError("expansion differs from the raw image");
      }
      double oursRandom = best(() -> {
        try (FileByteSource in = FileByteSource.open(simg)) {
          SparseImage s = SparseImage.open(in);
          Random r = new Random(1);
          ByteBuffer b = ByteBuffer.allocate(1 << 16);
          long reads = s.size() / b.capacity();
          for (long i = 0; i < reads; i++) {
            b.clear();
            s.read((r.nextLong() & Long.MAX_VALUE) % (s.size() - b.capacity()), b);
          }
        }
      });
      double mb = mib * 1.048576;
      System.out.printf("%-44s %8.0f MB/s   (anchor, same run)%n", "simg2img (native) expand to file", mb / nativeExpand);
      System.out.printf("%-44s %8.0f MB/s%n", "SparseImage.expandTo file", mb / oursExpand);
      System.out.printf("%-44s %8.0f MB/s%n", "SparseImage random 64 KiB reads (page cache)", mb / oursRandom);
      System.out.printf("%-44s %8.0f MB/s   (anchor, same run)%n", "img2simg (native) raw -> sparse", mb / nativeWrite);
      System.out.printf("%-44s %8.0f MB/s%n", "SparseWriter raw -> sparse", mb / oursWrite);
      System.out.printf("sparse sizes: img2simg %d bytes, ours %d bytes; heap in use %d MiB%n", Files.size(simg),
          Files.size(ours), (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
    } finally {
      for (Path p : List.of(raw, simg, ours, out)) {
        Files.deleteIfExists(p);
      }
      Files.deleteIfExists(work);
    }
  }

  interface Step {
    void run() throws Exception;
  }

  /** Best of three, in seconds, after one warm-up. */
  static double best(Step step) throws Exception {
    step.run();
    double best = Double.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long t = System.nanoTime();
      step.run();
      best = Math.min(best, (System.nanoTime() - t) / 1e9);
    }
    return best;
  }

  static void writeMixedImage(Path file, long size) throws IOException {
    Random r = new Random(42);
    byte[] block = new byte[4096];
    try (OutputStream o = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      long blocks = size / 4096;
      long b = 0;
      while (b < blocks) {
        int run = 1 + r.nextInt(256);
        int kind = r.nextInt(4);
        for (int k = 0; k < run && b < blocks; k++, b++) {
          if (kind <= 1) {
            r.nextBytes(block);
          } else if (kind == 2) {
            java.util.Arrays.fill(block, (byte) 0);
          } else {
            ByteBuffer bb = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
            while (bb.hasRemaining()) {
              bb.putInt(0x5a5a0000 | run);
            }
          }
          o.write(block);
        }
      }
    }
  }
}
