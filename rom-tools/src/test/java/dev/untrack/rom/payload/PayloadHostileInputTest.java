package dev.untrack.rom.payload;

import static dev.untrack.rom.payload.PayloadFixtures.BS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.ByteSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PayloadHostileInputTest {
  @TempDir Path work;

  private byte[] valid() throws IOException {
    return PayloadFixtures.write(Manifest.newFull(BS, null),
        List.of(PayloadFixtures.everyOpType("system", 11).input()), null, work);
  }

  private byte[] withOps(List<InstallOperation> ops, List<ByteSource> blobs, long size) throws IOException {
    PartitionUpdate e = PartitionUpdate.named("system").withOperations(ops).withNewPartitionInfo(size, new byte[32]);
    return PayloadFixtures.write(Manifest.newFull(BS, null), List.of(new PartitionInput.Prebuilt(e, blobs)), null,
        work);
  }

  private static RomFormatException openFails(byte[] bin) {
    return assertThrows(RomFormatException.class, () -> PayloadFixtures.open(bin));
  }

  private static void extractFails(byte[] bin, String expect) throws IOException {
    Payload p = PayloadFixtures.open(bin);
    RomFormatException e = assertThrows(RomFormatException.class,
        () -> p.extract("system", Channels.newChannel(new ByteArrayOutputStream()), 2));
    assertTrue(e.getMessage().contains(expect), e.getMessage());
    assertTrue(e.getMessage().startsWith("payload.bin: payload"), e.getMessage());
  }

  @Test
  void truncationAnywhereIsReported() throws IOException {
    byte[] bin = valid();
    for (int cut : new int[] {0, 3, 23, 24, 40, (int) PayloadFixtures.open(bin).header().blobOffset() - 1}) {
      RomFormatException e = openFails(Arrays.copyOf(bin, cut));
      assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("manifest"), e.getMessage());
    }
    // blobs cut off: the manifest now points past the end
    RomFormatException e = openFails(Arrays.copyOf(bin, bin.length - 10));
    assertTrue(e.getMessage().contains("outside"), e.getMessage());
  }

  @Test
  void badMagicVersionAndAbsurdSizes() throws IOException {
    byte[] bin = valid();
    byte[] magic = bin.clone();
    magic[0] = 'X';
    assertTrue(openFails(magic).getMessage().contains("magic"));
    byte[] version = bin.clone();
    ByteBuffer.wrap(version).putLong(4, 1);
    assertTrue(openFails(version).isUnsupported());
    byte[] huge = bin.clone();
    ByteBuffer.wrap(huge).putLong(12, Long.MAX_VALUE);
    RomFormatException e = openFails(huge);
    assertEquals(12, e.offset());
    assertTrue(e.getMessage().contains("limit"), e.getMessage());
    byte[] sig = bin.clone();
    ByteBuffer.wrap(sig).putInt(20, -1);
    assertEquals(20, openFails(sig).offset());
    byte[] garbage = bin.clone();
    for (int i = 24; i < 40; i++) {
      garbage[i] = (byte) 0xff;
    }
    assertTrue(openFails(garbage).getMessage().contains("DeltaArchiveManifest"));
  }

  @Test
  void blobHashMismatchIsCaughtOnRead() throws IOException {
    byte[] bin = valid();
    Payload p = PayloadFixtures.open(bin);
    InstallOperation first = p.partition("system").orElseThrow().operations().get(0); // REPLACE
    bin[(int) (p.header().blobOffset() + first.dataOffset() + 5)] ^= 0x40;
    extractFails(bin, "data SHA-256 mismatch");
    ByteSource img = PayloadFixtures.open(bin).partitionImage("system");
    assertThrows(RomFormatException.class, () -> img.readFully(0, 10));
  }

  @Test
  void partitionHashMismatchIsCaught() throws IOException {
    PayloadFixtures.Built b = PayloadFixtures.everyOpType("system", 12);
    PartitionUpdate wrong = b.input().entry().withNewPartitionInfo(b.expected().length, new byte[32]);
    byte[] bin = PayloadFixtures.write(Manifest.newFull(BS, null),
        List.of(new PartitionInput.Prebuilt(wrong, b.input().blobs())), null, work);
    extractFails(bin, "partition 'system' SHA-256 mismatch");
  }

  @Test
  void extentsOutsideOrOverlappingAreRefused() throws IOException {
    byte[] blob = new byte[BS];
    ByteSource src = new ArrayByteSource(blob, "b");
    byte[] h = OperationDecoder.sha256(blob);
    RomFormatException outside = openFails(withOps(List.of(
        InstallOperation.create(OperationType.REPLACE, 0, BS, List.of(new Extent(4, 1)), h)), List.of(src), 4 * BS));
    assertTrue(outside.getMessage().contains("outside the partition"), outside.getMessage());
    RomFormatException overflow = openFails(withOps(List.of(
        InstallOperation.create(OperationType.ZERO, 0, 0, List.of(new Extent(Long.MAX_VALUE - 1, 5)), null)),
        List.of(), 4 * BS));
    assertTrue(overflow.getMessage().contains("outside the partition"), overflow.getMessage());
    RomFormatException overlap = openFails(withOps(List.of(
        InstallOperation.create(OperationType.ZERO, 0, 0, List.of(new Extent(0, 3)), null),
        InstallOperation.create(OperationType.DISCARD, 0, 0, List.of(new Extent(2, 2)), null)), List.of(), 4 * BS));
    assertTrue(overlap.getMessage().contains("write the same block 2"), overlap.getMessage());
    RomFormatException empty = openFails(withOps(List.of(
        InstallOperation.create(OperationType.ZERO, 0, 0, List.of(), null)), List.of(), 4 * BS));
    assertTrue(empty.getMessage().contains("no destination"), empty.getMessage());
  }

  @Test
  void dataOutsideTheBlobAreaIsRefused() throws IOException {
    byte[] bin = valid();
    Payload p = PayloadFixtures.open(bin);
    PartitionUpdate part = p.partition("system").orElseThrow();
    InstallOperation op = part.operations().get(0).withDataOffset(bin.length);
    Manifest m = p.manifest().withPartitions(List.of(part.withOperations(
        java.util.stream.Stream.concat(java.util.stream.Stream.of(op), part.operations().stream().skip(1)).toList())));
    byte[] manifest = m.toByteArray();
    byte[] header = new PayloadHeader(2, manifest.length, 0).encode();
    byte[] forged = new byte[(int) (header.length + manifest.length + bin.length - p.header().blobOffset())];
    System.arraycopy(header, 0, forged, 0, header.length);
    System.arraycopy(manifest, 0, forged, header.length, manifest.length);
    System.arraycopy(bin, (int) p.header().blobOffset(), forged, header.length + manifest.length,
        (int) (bin.length - p.header().blobOffset()));
    RomFormatException e = openFails(forged);
    assertTrue(e.getMessage().contains("outside the") && e.getMessage().contains("blob area"), e.getMessage());
  }

  @Test
  void decompressedDataLongerThanItsExtentsIsRefused() throws IOException {
    byte[] data = new byte[2 * BS];
    byte[] blob = PayloadFixtures.xz(data);
    byte[] bin = withOps(List.of(InstallOperation.create(OperationType.REPLACE_XZ, 0, blob.length,
        List.of(new Extent(0, 1)), OperationDecoder.sha256(blob))), List.of(new ArrayByteSource(blob, "b")), BS);
    extractFails(bin, "more than");
  }

  @Test
  void garbageCompressedDataIsACorruptionNotACrash() throws IOException {
    byte[] blob = "this is not compressed at all, not by any algorithm".getBytes();
    for (OperationType t : new OperationType[] {
        OperationType.REPLACE_BZ, OperationType.REPLACE_XZ, OperationType.REPLACE_ZSTD}) {
      byte[] bin = withOps(List.of(InstallOperation.create(t, 0, blob.length, List.of(new Extent(0, 1)),
          OperationDecoder.sha256(blob))), List.of(new ArrayByteSource(blob, "b")), BS);
      extractFails(bin, t.toString());
    }
  }

  @Test
  void incrementalPayloadsGetAClearMessage() throws IOException {
    InstallOperation copy = InstallOperation.from(ProtoMessage.of(List.of(
        ProtoMessage.Field.varint(InstallOperation.TYPE, OperationType.SOURCE_COPY.code()),
        ProtoMessage.Field.message(InstallOperation.SRC_EXTENTS, new Extent(0, 1).toMessage()),
        ProtoMessage.Field.message(InstallOperation.DST_EXTENTS, new Extent(0, 1).toMessage()))));
    RomFormatException e = openFails(withOps(List.of(copy), List.of(), BS));
    assertTrue(e.isUnsupported());
    assertTrue(e.getMessage().contains("incremental OTA not supported, use a full ROM"), e.getMessage());

    PartitionUpdate withOld = PartitionUpdate.from(PartitionUpdate.named("system").message().with(
        ProtoMessage.Field.message(PartitionUpdate.OLD_PARTITION_INFO, ProtoMessage.of(List.of(
            ProtoMessage.Field.varint(1, BS)))))).withNewPartitionInfo(BS, new byte[32]);
    byte[] bin = PayloadFixtures.write(Manifest.newFull(BS, null),
        List.of(new PartitionInput.Prebuilt(withOld, List.of())), null, work);
    assertTrue(openFails(bin).getMessage().contains("old_partition_info"));

    Manifest delta = Manifest.parse(Manifest.newFull(BS, null).message()
        .with(ProtoMessage.Field.varint(Manifest.MINOR_VERSION, 8)).toByteArray());
    byte[] bin2 = PayloadFixtures.write(delta, List.of(), null, work);
    RomFormatException minor = openFails(bin2);
    assertTrue(minor.isUnsupported() && minor.getMessage().contains("minor version 8"), minor.getMessage());
  }

  @Test
  void unknownOperationTypeAndBadNamesAreCorrupt() throws IOException {
    InstallOperation weird = InstallOperation.from(ProtoMessage.of(List.of(
        ProtoMessage.Field.varint(InstallOperation.TYPE, 99),
        ProtoMessage.Field.message(InstallOperation.DST_EXTENTS, new Extent(0, 1).toMessage()))));
    RomFormatException e = openFails(withOps(List.of(weird), List.of(), BS));
    assertFalse(e.isUnsupported());
    assertTrue(e.getMessage().contains("unknown type 99"), e.getMessage());

    for (String bad : new String[] {"../system", "", "a/b", ".."}) {
      PartitionUpdate p = PartitionUpdate.named(bad).withNewPartitionInfo(0, new byte[32]);
      byte[] bin = PayloadFixtures.write(Manifest.newFull(BS, null),
          List.of(new PartitionInput.Prebuilt(p, List.of())), null, work);
      assertTrue(openFails(bin).getMessage().contains("not a plain name"));
    }
  }

  @Test
  void hugeZstdWindowsAreRefusedBeforeAllocation() throws IOException {
    byte[] blob = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0x00, (byte) 0xf8, 1, 2, 3, 4};
    assertTrue(OperationDecoder.zstdWindow(blob) > (1L << 40));
    assertEquals(2 * BS, OperationDecoder.zstdWindow(PayloadFixtures.zstd(new byte[2 * BS])));
    int blocks = 5000; // 20 MiB of output: streamed, not decoded in memory
    byte[] bin = withOps(List.of(InstallOperation.create(OperationType.REPLACE_ZSTD, 0, blob.length,
        List.of(new Extent(0, blocks)), OperationDecoder.sha256(blob))), List.of(new ArrayByteSource(blob, "b")),
        (long) blocks * BS);
    Payload p = PayloadFixtures.open(bin);
    RomFormatException e = assertThrows(RomFormatException.class,
        () -> p.extract("system", Channels.newChannel(OutputStream.nullOutputStream()), 1));
    assertTrue(e.isUnsupported() && e.getMessage().contains("zstd window"), e.getMessage());
  }

  @Test
  void garbageInStreamedOperationsIsACorruption() throws IOException {
    byte[] blob = "not a compressed stream, whatever its header claims".getBytes();
    int blocks = 5000; // beyond the in-memory limit: the streaming decoders see it
    for (OperationType t : new OperationType[] {
        OperationType.REPLACE_BZ, OperationType.REPLACE_XZ, OperationType.REPLACE_ZSTD}) {
      byte[] bin = withOps(List.of(InstallOperation.create(t, 0, blob.length, List.of(new Extent(0, blocks)),
          OperationDecoder.sha256(blob))), List.of(new ArrayByteSource(blob, "b")), (long) blocks * BS);
      Payload p = PayloadFixtures.open(bin);
      assertThrows(RomFormatException.class,
          () -> p.extract("system", Channels.newChannel(OutputStream.nullOutputStream()), 1), t.toString());
      assertThrows(RomFormatException.class, () -> p.partitionImage("system").readFully(0, 10), t.toString());
    }
  }

  @Test
  void verityFieldsAreDroppedOnlyWhenTheSizeChanges() throws IOException {
    PartitionUpdate withVerity = PartitionUpdate.from(PartitionUpdate.named("system").message()
        .with(ProtoMessage.Field.message(PartitionUpdate.HASH_TREE_EXTENT, new Extent(3, 1).toMessage()))
        .with(ProtoMessage.Field.string(PartitionUpdate.HASH_TREE_ALGORITHM, "sha256")))
        .withNewPartitionInfo(4 * BS, new byte[32]);
    byte[] same = PayloadFixtures.write(Manifest.newFull(BS, null), List.of(new PartitionInput.Changed(withVerity,
        new ArrayByteSource(new byte[4 * BS], "s"))), null, work);
    assertTrue(PayloadFixtures.open(same).partition("system").orElseThrow().hasVerityFields());
    byte[] grown = PayloadFixtures.write(Manifest.newFull(BS, null), List.of(new PartitionInput.Changed(withVerity,
        new ArrayByteSource(new byte[5 * BS], "s"))), null, work);
    assertFalse(PayloadFixtures.open(grown).partition("system").orElseThrow().hasVerityFields());
  }
}
