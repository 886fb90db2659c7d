package dev.untrack.rom.payload;

import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.ByteSource;
import io.airlift.compress.zstd.ZstdCompressor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

/** Payloads built in code for tests: images with varied content, and partitions using every full op type. */
final class PayloadFixtures {
  static final int BS = 4096;

  private PayloadFixtures() {}

  /** {@code blocks} blocks mixing random, text-like and zero regions (deterministic). */
  static byte[] image(int blocks, long seed) {
    byte[] b = new byte[blocks * BS];
    Random r = new Random(seed);
    for (int i = 0; i < blocks; i++) {
      int kind = r.nextInt(4);
      int off = i * BS;
      if (kind == 0) {
        byte[] x = new byte[BS];
        r.nextBytes(x);
        System.arraycopy(x, 0, b, off, BS);
      } else if (kind == 1) {
        for (int k = 0; k < BS; k++) {
          b[off + k] = (byte) ("telemetry ".charAt((k + i) % 10));
        }
      } else if (kind == 2) {
        Arrays.fill(b, off, off + BS, (byte) i);
      }
    }
    return b;
  }

  static Manifest vabcManifest(String compression, int cowVersion, List<String> dynamic) {
    ProtoMessage dpm = Manifest.dynamicPartitionMetadata(
        List.of(new Manifest.Group("qti_dynamic_partitions", 1L << 32, dynamic)), true,
        new Manifest.VabcSettings(true, compression, cowVersion, cowVersion >= 3 ? 65536 : 0));
    return Manifest.newFull(BS, dpm);
  }

  static PayloadWriter.Options options(Path work) {
    return new PayloadWriter.Options(2, 0, 64 * 1024, work);
  }

  static byte[] write(Manifest base, List<PartitionInput> parts, PayloadSigner signer, Path work)
      throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    new PayloadWriter(base, options(work), signer).write(parts, bo);
    return bo.toByteArray();
  }

  static Payload open(byte[] payload) throws IOException {
    return Payload.open(new ArrayByteSource(payload, "payload.bin"));
  }

  static byte[] bzip2(byte[] data) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (BZip2CompressorOutputStream out = new BZip2CompressorOutputStream(bo)) {
      out.write(data);
    }
    return bo.toByteArray();
  }

  static byte[] zstd(byte[] data) {
    ZstdCompressor c = new ZstdCompressor();
    byte[] out = new byte[c.maxCompressedLength(data.length)];
    int n = c.compress(data, 0, data.length, out, 0, out.length);
    return Arrays.copyOf(out, n);
  }

  static byte[] xz(byte[] data) {
    return new XzChunkCompressor(1).compress(data, 0, data.length);
  }

  /** A partition built from explicit operations, and the image it must decode to. */
  record Built(PartitionInput.Prebuilt input, byte[] expected) {}

  /**
   * Eight 2-block operations, in order: REPLACE, REPLACE_BZ, REPLACE_XZ, REPLACE_ZSTD, ZERO, DISCARD, then a
   * REPLACE_XZ whose two extents are not adjacent, then a REPLACE with a short blob (zero-padded).
   */
  static Built everyOpType(String name, long seed) throws IOException {
    byte[] img = image(16, seed);
    List<InstallOperation> ops = new ArrayList<>();
    List<ByteSource> blobs = new ArrayList<>();
    addData(ops, blobs, OperationType.REPLACE, slice(img, 0, 2), List.of(new Extent(0, 2)));
    addData(ops, blobs, OperationType.REPLACE_BZ, bzip2(slice(img, 2, 2)), List.of(new Extent(2, 2)));
    addData(ops, blobs, OperationType.REPLACE_XZ, xz(slice(img, 4, 2)), List.of(new Extent(4, 2)));
    addData(ops, blobs, OperationType.REPLACE_ZSTD, zstd(slice(img, 6, 2)), List.of(new Extent(6, 2)));
    Arrays.fill(img, 8 * BS, 12 * BS, (byte) 0);
    ops.add(InstallOperation.create(OperationType.ZERO, 0, 0, List.of(new Extent(8, 2)), null));
    ops.add(InstallOperation.create(OperationType.DISCARD, 0, 0, List.of(new Extent(10, 2)), null));
    byte[] split = new byte[2 * BS];
    System.arraycopy(img, 12 * BS, split, 0, BS);
    System.arraycopy(img, 14 * BS, split, BS, BS);
    addData(ops, blobs, OperationType.REPLACE_XZ, xz(split), List.of(new Extent(12, 1), new Extent(14, 1)));
    byte[] shortBlob = Arrays.copyOf(slice(img, 13, 1), 100);
    Arrays.fill(img, 13 * BS + 100, 14 * BS, (byte) 0);
    addData(ops, blobs, OperationType.REPLACE, shortBlob, List.of(new Extent(13, 1)));
    Arrays.fill(img, 15 * BS, 16 * BS, (byte) 0); // written by no operation: reads as zeros
    PartitionUpdate entry = PartitionUpdate.named(name).withOperations(ops)
        .withNewPartitionInfo(img.length, OperationDecoder.sha256(img));
    return new Built(new PartitionInput.Prebuilt(entry, blobs), img);
  }

  static void addData(List<InstallOperation> ops, List<ByteSource> blobs, OperationType type, byte[] blob,
      List<Extent> dst) {
    ops.add(InstallOperation.create(type, 0, blob.length, dst, OperationDecoder.sha256(blob)));
    blobs.add(new ArrayByteSource(blob, "blob"));
  }

  static byte[] slice(byte[] img, int block, int blocks) {
    return Arrays.copyOfRange(img, block * BS, (block + blocks) * BS);
  }
}
