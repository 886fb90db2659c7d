package dev.untrack.rom.payload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.testkit.Oracle;
import dev.untrack.testkit.PayloadFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Payload blobs checked against, and built by, the native xz, bzip2 and zstd tools. */
class PayloadOracleTest {
  private static final int BS = 4096;
  @TempDir Path work;

  private byte[] runTool(Path tool, byte[] input, String... args) throws IOException {
    Path in = Files.createTempFile(work, "in", ".bin");
    Path out = Files.createTempFile(work, "out", ".bin");
    Files.write(in, input);
    List<String> cmd = new ArrayList<>();
    cmd.add("sh");
    cmd.add("-c");
    StringBuilder sb = new StringBuilder("'" + tool + "'");
    for (String a : args) {
      sb.append(' ').append(a);
    }
    sb.append(" < '").append(in).append("' > '").append(out).append("'");
    cmd.add(sb.toString());
    Oracle.run(work, Duration.ofMinutes(2), cmd).assertOk(tool.getFileName().toString());
    return Files.readAllBytes(out);
  }

  private static byte[] extract(Payload p, String name) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    p.extract(name, Channels.newChannel(bo), 2);
    return bo.toByteArray();
  }

  @Test
  void ourXzChunksDecodeWithXzUtils() throws IOException {
    Path xz = Oracle.require("xz", "xz-utils");
    byte[] image = PayloadFixtures.image(96, BS, 21);
    byte[] bin = PayloadFixtures.write(Manifest.newFull(BS, null), List.of(new PartitionInput.Changed(
        PartitionUpdate.named("system"), new ArrayByteSource(image, "system.img"))), null, work, 128 * 1024);
    Payload p = Payload.open(new ArrayByteSource(bin, "payload.bin"));
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (InstallOperation op : p.partition("system").orElseThrow().operations()) {
      byte[] blob = p.blob(op).readFully(0, (int) op.dataLength());
      all.write(blob);
      byte[] decoded = runTool(xz, blob, "-dc");
      long start = op.dstExtents().get(0).startBlock() * BS;
      assertArrayEquals(Arrays.copyOfRange(image, (int) start, (int) start + decoded.length), decoded);
    }
    // concatenated streams decode to the whole image: xz -d is the benchmark's anchor for the same reason
    assertArrayEquals(image, runTool(xz, all.toByteArray(), "-dc"));
    Path blobFile = work.resolve("first.xz");
    Files.write(blobFile, p.blob(p.partition("system").orElseThrow().operations().get(0))
        .readFully(0, (int) p.partition("system").orElseThrow().operations().get(0).dataLength()));
    String info = Oracle.run(work, "xz", "--robot", "--list", blobFile.toString()).assertOk("xz --list").stdout();
    assertTrue(info.contains("\tNone\t") || info.contains("None"), info);
  }

  @Test
  void blobsFromNativeCompressorsDecode() throws IOException {
    Path bzip2 = Oracle.require("bzip2", "bzip2");
    Path zstd = Oracle.require("zstd", "zstd");
    Path xz = Oracle.require("xz", "xz-utils");
    byte[] image = PayloadFixtures.image(12, BS, 22);
    byte[] expected = image.clone();
    PayloadFixtures.OpsBuilder b = new PayloadFixtures.OpsBuilder()
        .data(OperationType.REPLACE_BZ, runTool(bzip2, slice(image, 0, 2), "-9c"), new Extent(0, 2))
        .data(OperationType.REPLACE_ZSTD, runTool(zstd, slice(image, 2, 2), "-3", "-c", "-q"), new Extent(2, 2))
        .data(OperationType.REPLACE_ZSTD, runTool(zstd, slice(image, 4, 2), "-19", "--check", "-c", "-q"),
            new Extent(4, 2))
        .data(OperationType.REPLACE_XZ, runTool(xz, slice(image, 6, 2), "--check=crc32", "-c"), new Extent(6, 2))
        .data(OperationType.REPLACE_XZ, runTool(xz, slice(image, 8, 2), "--check=crc64", "-6e", "-c"),
            new Extent(8, 2));
    // two zstd frames back to back in one blob
    byte[] twoFrames = concat(runTool(zstd, slice(image, 10, 1), "-c", "-q"),
        runTool(zstd, slice(image, 11, 1), "-c", "-q"));
    b.data(OperationType.REPLACE_ZSTD, twoFrames, new Extent(10, 2));
    byte[] bin = PayloadFixtures.write(Manifest.newFull(BS, null), List.of(b.build("odm", expected)), null, work,
        2 << 20);
    Path file = work.resolve("payload.bin");
    Files.write(file, bin);
    try (FileByteSource src = FileByteSource.open(file)) {
      Payload p = Payload.open(src);
      assertArrayEquals(expected, extract(p, "odm"));
      assertArrayEquals(expected, p.partitionImage("odm").readFully(0, expected.length));
    }
  }

  @Test
  void largeOperationsAreStreamedNotBuffered() throws IOException {
    Path zstd = Oracle.require("zstd", "zstd");
    Path bzip2 = Oracle.require("bzip2", "bzip2");
    // 20 MiB operations: beyond the in-memory limit, so both go through the streaming decoders
    byte[] part = PayloadFixtures.image(5120, BS, 23);
    byte[] a = slice(part, 0, 2560);
    byte[] b = slice(part, 2560, 2560);
    PayloadFixtures.OpsBuilder ops = new PayloadFixtures.OpsBuilder()
        .data(OperationType.REPLACE_ZSTD, runTool(zstd, a, "-1", "-c", "-q"), new Extent(0, 2560))
        .data(OperationType.REPLACE_BZ, runTool(bzip2, b, "-1c"), new Extent(2560, 2560));
    byte[] bin = PayloadFixtures.write(Manifest.newFull(BS, null), List.of(ops.build("product", part)), null, work,
        2 << 20);
    Payload p = Payload.open(new ArrayByteSource(bin, "payload.bin"));
    assertArrayEquals(part, extract(p, "product"));
    byte[] mid = p.partitionImage("product").readFully(2560L * BS - 100, 200);
    assertArrayEquals(Arrays.copyOfRange(part, 2560 * BS - 100, 2560 * BS + 100), mid);
    assertEquals(part.length, p.partition("product").orElseThrow().newSize());
  }

  private static byte[] slice(byte[] img, int block, int blocks) {
    return Arrays.copyOfRange(img, block * BS, (block + blocks) * BS);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
