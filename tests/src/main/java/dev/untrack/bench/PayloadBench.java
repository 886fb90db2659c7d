package dev.untrack.bench;

import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.payload.InstallOperation;
import dev.untrack.rom.payload.Manifest;
import dev.untrack.rom.payload.PartitionInput;
import dev.untrack.rom.payload.PartitionUpdate;
import dev.untrack.rom.payload.Payload;
import dev.untrack.rom.payload.PayloadWriter;
import dev.untrack.testkit.PayloadFixtures;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;

/**
 * Payload throughput, each figure next to a native anchor measured in the same run on the same data:
 *
 * <ul>
 *   <li>extraction ({@code Payload.extract}, N threads) vs {@code xz -dc} of the partition's concatenated
 *       REPLACE_XZ blobs (the exact same compressed bytes);
 *   <li>writing a changed partition (parallel 2 MiB XZ chunks, N threads) vs {@code xz -T N -<preset>} of the
 *       same image.
 * </ul>
 *
 * <p>Usage: {@code PayloadBench [MiB=256] [threads=cores] [xzPreset=6]}. Needs {@code xz} on the PATH for the
 * anchors.
 */
public final class PayloadBench {
  private PayloadBench() {}

  public static void main(String[] args) throws Exception {
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
    int preset = args.length > 2 ? Integer.parseInt(args[2]) : 6;
    Path dir = Files.createTempDirectory("payload-bench");
    try {
      run(dir, mib, threads, preset);
    } finally {
      try (var files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  private static void run(Path dir, int mib, int threads, int preset) throws Exception {
    Path image = dir.resolve("system.img");
    try (OutputStream out = Files.newOutputStream(image)) {
      for (int i = 0; i < mib; i++) {
        out.write(PayloadFixtures.image(256, 4096, i)); // 1 MiB per step, mixed content
      }
    }
    long bytes = Files.size(image);
    System.out.printf(Locale.ROOT, "image: %d MiB mixed content (random/text/fill/zero blocks), %d threads, xz -%d%n",
        mib, threads, preset);

    Path payloadFile = dir.resolve("payload.bin");
    long t0 = System.nanoTime();
    try (FileByteSource img = FileByteSource.open(image)) {
      new PayloadWriter(Manifest.newFull(4096, null),
          new PayloadWriter.Options(threads, preset, PayloadWriter.Options.DEFAULT_CHUNK, dir), null)
          .write(List.of(new PartitionInput.Changed(PartitionUpdate.named("system"), img)), payloadFile);
    }
    double writeS = seconds(t0);
    double ratio = (double) Files.size(payloadFile) / bytes;

    double xzWriteS = timeShell(dir, "xz -T" + threads + " -" + preset + " -c system.img > system.img.xz");

    Path blobs = dir.resolve("blobs.xz");
    try (FileByteSource src = FileByteSource.open(payloadFile);
        FileChannel out = FileChannel.open(blobs, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      Payload p = Payload.open(src);
      for (InstallOperation op : p.partition("system").orElseThrow().operations()) {
        try (InputStream in = p.blob(op).openStream()) {
          out.write(ByteBuffer.wrap(in.readAllBytes()));
        }
      }
    }
    double extractS = Double.MAX_VALUE;
    double extract1S = Double.MAX_VALUE;
    for (int rep = 0; rep < 2; rep++) { // the first round warms the JIT
      try (FileByteSource src = FileByteSource.open(payloadFile)) {
        Payload p = Payload.open(src);
        long t = System.nanoTime();
        p.extract("system", Channels.newChannel(OutputStream.nullOutputStream()), threads);
        extractS = Math.min(extractS, seconds(t));
        t = System.nanoTime();
        p.extract("system", Channels.newChannel(OutputStream.nullOutputStream()), 1);
        extract1S = Math.min(extract1S, seconds(t));
      }
    }
    double xzDecodeS = timeShell(dir, "xz -dc blobs.xz > /dev/null");

    System.out.printf(Locale.ROOT, "payload size: %.1f%% of the image%n", ratio * 100);
    System.out.printf(Locale.ROOT, "write   untrack PayloadWriter (%d threads): %7.1f MiB/s   | anchor xz -T%d -%d: %7.1f MiB/s%n",
        threads, mib / writeS, threads, preset, xzWriteS > 0 ? mib / xzWriteS : Double.NaN);
    System.out.printf(Locale.ROOT, "extract untrack Payload.extract (%d threads): %6.1f MiB/s   | anchor xz -dc (same blobs): %7.1f MiB/s%n",
        threads, mib / extractS, xzDecodeS > 0 ? mib / xzDecodeS : Double.NaN);
    System.out.printf(Locale.ROOT, "extract untrack Payload.extract (1 thread):  %6.1f MiB/s%n", mib / extract1S);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** Seconds a shell command took, or -1 if it failed (e.g. xz missing). */
  private static double timeShell(Path dir, String command) throws IOException, InterruptedException {
    long t = System.nanoTime();
    Process p = new ProcessBuilder("sh", "-c", command).directory(dir.toFile()).inheritIO().start();
    int rc = p.waitFor();
    return rc == 0 ? seconds(t) : -1;
  }
}
