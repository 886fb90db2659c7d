package dev.untrack.rom.payload;

import static dev.untrack.rom.payload.PayloadFixtures.BS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.ByteSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PayloadRoundTripTest {
  @TempDir Path work;

  static byte[] extract(Payload p, String name, int threads) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    p.extract(name, Channels.newChannel(bo), threads);
    return bo.toByteArray();
  }

  static byte[] readAll(ByteSource s) throws IOException {
    return s.readFully(0, (int) s.size());
  }

  @Test
  void changedPartitionsRoundTripThroughXzChunks() throws IOException {
    byte[] system = PayloadFixtures.image(100, 1); // 400 KiB: 7 chunks of 64 KiB, the last one short
    byte[] boot = PayloadFixtures.image(3, 2);
    Manifest base = PayloadFixtures.vabcManifest("lz4", 3, List.of("system"));
    byte[] bin = PayloadFixtures.write(base, List.of(
        new PartitionInput.Changed(PartitionUpdate.named("boot"), new ArrayByteSource(boot, "boot.img")),
        new PartitionInput.Changed(PartitionUpdate.named("system"), new ArrayByteSource(system, "system.img"))),
        null, work);
    Payload p = PayloadFixtures.open(bin);
    assertEquals(List.of("boot", "system"), p.partitions().stream().map(PartitionUpdate::name).toList());
    PartitionUpdate sys = p.partition("system").orElseThrow();
    assertEquals(7, sys.operations().size());
    for (InstallOperation op : sys.operations()) {
      assertEquals(OperationType.REPLACE_XZ, op.type());
      byte[] blob = readAll(p.blob(op));
      // xz stream flags: check type NONE (0x00), as update_engine's xz-embedded expects
      assertEquals(0, blob[7]);
    }
    assertArrayEquals(OperationDecoder.sha256(system), sys.newHash());
    assertEquals(system.length, sys.newSize());
    assertArrayEquals(system, extract(p, "system", 2));
    assertArrayEquals(system, extract(p, "system", 1));
    assertArrayEquals(boot, extract(p, "boot", 2));
    assertArrayEquals(system, readAll(p.partitionImage("system")));
    // VABC estimates only for the dynamic partition
    assertTrue(sys.estimateCowSize() > 2L << 20);
    assertTrue(sys.estimateOpCountMax() >= 25);
    assertEquals(0, p.partition("boot").orElseThrow().estimateCowSize());
  }

  @Test
  void randomAccessReadsMatchAnywhere() throws IOException {
    byte[] system = PayloadFixtures.image(50, 3);
    byte[] bin = PayloadFixtures.write(Manifest.newFull(BS, null), List.of(
        new PartitionInput.Changed(PartitionUpdate.named("system"), new ArrayByteSource(system, "s"))), null, work);
    ByteSource img = PayloadFixtures.open(bin).partitionImage("system", 128 * 1024);
    Random r = new Random(4);
    for (int i = 0; i < 200; i++) {
      int off = r.nextInt(system.length);
      int len = Math.min(system.length - off, 1 + r.nextInt(150_000));
      byte[] got = img.readFully(off, len);
      for (int k = 0; k < len; k++) {
        if (got[k] != system[off + k]) {
          throw new AssertionError("mismatch at " + (off + k));
        }
      }
    }
  }

  @Test
  void everyFullOperationTypeDecodes() throws IOException {
    PayloadFixtures.Built built = PayloadFixtures.everyOpType("vendor", 5);
    byte[] bin = PayloadFixtures.write(Manifest.newFull(BS, null), List.of(built.input()), null, work);
    Payload p = PayloadFixtures.open(bin);
    assertArrayEquals(built.expected(), extract(p, "vendor", 2));
    assertArrayEquals(built.expected(), readAll(p.partitionImage("vendor")));
  }

  @Test
  void unchangedPartitionsKeepTheirBlobsByteForByte() throws IOException {
    PayloadFixtures.Built vendor = PayloadFixtures.everyOpType("vendor", 6);
    byte[] system = PayloadFixtures.image(40, 7);
    Manifest base = PayloadFixtures.vabcManifest("gz", 2, List.of("system", "vendor"));
    byte[] first = PayloadFixtures.write(base, List.of(
        new PartitionInput.Changed(PartitionUpdate.named("system"), new ArrayByteSource(system, "s")),
        vendor.input()), null, work);
    Payload original = PayloadFixtures.open(first);

    byte[] system2 = system.clone();
    system2[12345] ^= 1;
    byte[] second = PayloadFixtures.write(original.manifest(), List.of(
        PartitionInput.unchanged(original, "vendor"),
        new PartitionInput.Changed(original.partition("system").orElseThrow(), new ArrayByteSource(system2, "s2"))),
        null, work);
    Payload rewritten = PayloadFixtures.open(second);
    assertEquals(List.of("vendor", "system"), rewritten.partitions().stream().map(PartitionUpdate::name).toList());
    PartitionUpdate a = original.partition("vendor").orElseThrow();
    PartitionUpdate b = rewritten.partition("vendor").orElseThrow();
    assertEquals(a.operations().size(), b.operations().size());
    for (int i = 0; i < a.operations().size(); i++) {
      InstallOperation x = a.operations().get(i);
      InstallOperation y = b.operations().get(i);
      if (x.type().hasData()) {
        assertArrayEquals(readAll(original.blob(x)), readAll(rewritten.blob(y)), "blob of op " + i);
      }
      // nothing but the offset changed in the operation
      assertArrayEquals(x.withDataOffset(0).message().toByteArray(), y.withDataOffset(0).message().toByteArray());
    }
    assertArrayEquals(a.withOperations(List.of()).message().toByteArray(),
        b.withOperations(List.of()).message().toByteArray());
    assertArrayEquals(vendor.expected(), extract(rewritten, "vendor", 2));
    assertArrayEquals(system2, extract(rewritten, "system", 2));
    PartitionUpdate sys = rewritten.partition("system").orElseThrow();
    assertTrue(sys.estimateCowSize() > 0);
    assertFalse(sys.hasEstimateOpCountMax(), "CoW v2 has no op count");
  }

  @Test
  void unknownFieldsSurviveARewrite() throws IOException {
    Manifest base = PayloadFixtures.vabcManifest("lz4", 3, List.of("system"));
    ProtoMessage extra = base.message()
        .with(ProtoMessage.Field.string(18, "2025-01-01")) // security_patch_level
        .with(ProtoMessage.Field.bytes(999, new byte[] {1, 2, 3}));
    base = Manifest.parse(extra.toByteArray());
    PartitionUpdate entry = PartitionUpdate.from(PartitionUpdate.named("system").message()
        .with(ProtoMessage.Field.string(17, "1700000000"))
        .with(ProtoMessage.Field.varint(777, 42)));
    byte[] bin = PayloadFixtures.write(base, List.of(
        new PartitionInput.Changed(entry, new ArrayByteSource(PayloadFixtures.image(4, 8), "s"))), null, work);
    Payload p = PayloadFixtures.open(bin);
    ProtoMessage m = p.manifest().message();
    assertEquals("2025-01-01", m.string(18));
    assertArrayEquals(new byte[] {1, 2, 3}, m.bytes(999));
    assertArrayEquals(base.message().message(15).toByteArray(), m.message(15).toByteArray());
    ProtoMessage pm = p.partition("system").orElseThrow().message();
    assertEquals("1700000000", pm.string(17));
    assertEquals(42, pm.varint(777, 0));
    // parse → serialize is the identity on the manifest bytes
    byte[] manifestBytes = p.source().readFully(24, (int) p.header().manifestSize());
    assertArrayEquals(manifestBytes, Manifest.parse(manifestBytes).toByteArray());
  }

  @Test
  void writesAreDeterministic() throws IOException {
    byte[] system = PayloadFixtures.image(60, 9);
    Manifest base = PayloadFixtures.vabcManifest("lz4", 3, List.of("system"));
    List<PartitionInput> parts = List.of(
        new PartitionInput.Changed(PartitionUpdate.named("system"), new ArrayByteSource(system, "s")));
    byte[] a = PayloadFixtures.write(base, parts, null, work);
    byte[] b = new byte[0];
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    new PayloadWriter(base, new PayloadWriter.Options(1, 0, 64 * 1024, work), null).write(parts, bo);
    b = bo.toByteArray();
    assertArrayEquals(a, b, "thread count must not change the output");
    try (var files = Files.list(work)) {
      assertEquals(0, files.count(), "spool file left behind");
    }
  }

  @Test
  void signaturesVerifyAndPropertiesMatch() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048, new java.security.SecureRandom(new byte[] {1}));
    KeyPair kp = g.generateKeyPair();
    RsaPayloadSigner signer = new RsaPayloadSigner(kp.getPrivate());
    byte[] system = PayloadFixtures.image(20, 10);
    Path target = work.resolve("payload.bin");
    PayloadWriteResult r = new PayloadWriter(Manifest.newFull(BS, null), PayloadFixtures.options(work), signer)
        .write(List.of(new PartitionInput.Changed(PartitionUpdate.named("system"),
            new ArrayByteSource(system, "s"))), target);
    byte[] bin = Files.readAllBytes(target);
    Payload p = PayloadFixtures.open(bin);
    assertTrue(p.manifest().hasSignatures());
    assertEquals(bin.length, p.header().blobOffset() + p.manifest().signaturesOffset() + p.manifest().signaturesSize());
    List<byte[]> meta = SignaturesMessage.decode(p.metadataSignatureMessage());
    List<byte[]> whole = SignaturesMessage.decode(p.payloadSignatureMessage().orElseThrow());
    assertEquals(1, meta.size());
    assertEquals(256, meta.get(0).length);
    assertTrue(RsaPayloadSigner.verify(kp.getPublic(), p.metadataDigest(), meta.get(0)));
    assertTrue(RsaPayloadSigner.verify(kp.getPublic(), p.payloadDigest().orElseThrow(), whole.get(0)));
    assertFalse(RsaPayloadSigner.verify(kp.getPublic(), p.metadataDigest(), whole.get(0)));
    // the same check through JCA's SHA256withRSA over the signed bytes themselves
    java.security.Signature v = java.security.Signature.getInstance("SHA256withRSA");
    v.initVerify(kp.getPublic());
    v.update(bin, 0, (int) p.header().metadataSize());
    assertTrue(v.verify(meta.get(0)));
    v.initVerify(kp.getPublic());
    v.update(bin, 0, (int) p.header().metadataSize());
    v.update(bin, (int) p.header().blobOffset(), (int) p.manifest().signaturesOffset());
    assertTrue(v.verify(whole.get(0)));

    Base64.Encoder b64 = Base64.getEncoder();
    String expected = "FILE_HASH=" + b64.encodeToString(OperationDecoder.sha256(bin)) + "\n"
        + "FILE_SIZE=" + bin.length + "\n"
        + "METADATA_HASH=" + b64.encodeToString(p.metadataDigest()) + "\n"
        + "METADATA_SIZE=" + p.header().metadataSize() + "\n";
    assertEquals(expected, r.propertiesText());
    assertArrayEquals(system, extract(p, "system", 2));
  }

  @Test
  void groupOverflowIsRefused() {
    Manifest base = Manifest.newFull(BS, Manifest.dynamicPartitionMetadata(
        List.of(new Manifest.Group("main", 8 * BS, List.of("system"))), true, null));
    var e = org.junit.jupiter.api.Assertions.assertThrows(dev.untrack.rom.RomFormatException.class,
        () -> PayloadFixtures.write(base, List.of(new PartitionInput.Changed(PartitionUpdate.named("system"),
            new ArrayByteSource(new byte[9 * BS], "s"))), null, work));
    assertTrue(e.getMessage().contains("group 'main'"), e.getMessage());
  }

  @Test
  void nonVabcManifestDropsStaleEstimates() throws IOException {
    PartitionUpdate stale = PartitionUpdate.named("system").withCowEstimate(123, 45L);
    byte[] bin = PayloadFixtures.write(Manifest.newFull(BS, null), List.of(
        new PartitionInput.Changed(stale, new ArrayByteSource(new byte[4 * BS], "s"))), null, work);
    PartitionUpdate p = PayloadFixtures.open(bin).partition("system").orElseThrow();
    assertEquals(0, p.estimateCowSize());
    assertFalse(p.hasEstimateOpCountMax());
    assertNull(PayloadFixtures.open(bin).manifest().vabc());
    assertNotNull(p.newHash());
    assertNotEquals(0, p.operations().size());
  }

  @Test
  void readsStraightFromAStoredZipEntry() throws IOException {
    byte[] system = PayloadFixtures.image(30, 13);
    byte[] bin = PayloadFixtures.write(Manifest.newFull(BS, null), List.of(
        new PartitionInput.Changed(PartitionUpdate.named("system"), new ArrayByteSource(system, "s"))), null, work);
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream zo = new java.util.zip.ZipOutputStream(zip)) {
      java.util.zip.ZipEntry e = new java.util.zip.ZipEntry("payload.bin");
      e.setMethod(java.util.zip.ZipEntry.STORED);
      e.setSize(bin.length);
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      crc.update(bin);
      e.setCrc(crc.getValue());
      zo.putNextEntry(e);
      zo.write(bin);
      zo.closeEntry();
    }
    try (dev.untrack.rom.zip.ZipArchive z = dev.untrack.rom.zip.ZipArchive.open(
        new ArrayByteSource(zip.toByteArray(), "ota.zip"))) {
      ByteSource raw = z.rawData(z.entry("payload.bin").orElseThrow());
      assertTrue(Payload.hasMagic(raw));
      Payload p = Payload.open(raw);
      assertArrayEquals(system, extract(p, "system", 2));
      assertEquals("ota.zip > payload.bin > system", p.partitionImage("system").name());
    }
  }
}
