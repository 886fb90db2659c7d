package dev.untrack.pipeline.repack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.firmware.Firmware;
import dev.untrack.rom.firmware.FirmwareReader;
import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.payload.Manifest;
import dev.untrack.rom.payload.PartitionInput;
import dev.untrack.rom.payload.PartitionUpdate;
import dev.untrack.rom.payload.Payload;
import dev.untrack.rom.payload.ProtoMessage;
import dev.untrack.rom.payload.RsaPayloadSigner;
import dev.untrack.rom.zip.ZipArchive;
import dev.untrack.rom.zip.ZipEntry;
import dev.untrack.rom.zip.ZipWriter;
import dev.untrack.signing.keys.KeyGenOptions;
import dev.untrack.signing.keys.KeyGenerator;
import dev.untrack.signing.keys.SigningKey;
import dev.untrack.signing.ota.OtaSignature;
import dev.untrack.signing.ota.OtaZipVerifier;
import dev.untrack.testkit.PayloadFixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PayloadOtaRepackTest {
  static SigningKey otaKey;

  @TempDir
  Path dir;

  @BeforeAll
  static void key() throws IOException {
    otaKey = KeyGenerator.generate(KeyGenOptions.defaults(Instant.parse("2025-01-01T00:00:00Z")).withBits(2048)
        .withDeterministicSerial(true));
  }

  static final byte[] SYSTEM = PayloadFixtures.image(600, 4096, 11);
  static final byte[] VENDOR = PayloadFixtures.image(300, 4096, 12);
  static final byte[] BOOT = PayloadFixtures.image(16, 4096, 13);

  /** An OTA zip like AOSP's: payload.bin stored, properties, metadata with reserved property-files space. */
  Path ota(String name, int padding) throws IOException {
    Manifest base = PayloadFixtures.vabcManifest(4096, "lz4", 2, List.of("system", "vendor"));
    KeyPair vendorKey = PayloadFixtures.rsaKey(2048);
    byte[] payload = PayloadFixtures.write(base, List.of(
        new PartitionInput.Changed(PartitionUpdate.named("boot"), new ArrayByteSource(BOOT, "boot")),
        new PartitionInput.Changed(PartitionUpdate.named("system"), new ArrayByteSource(SYSTEM, "system")),
        new PartitionInput.Changed(PartitionUpdate.named("vendor"), new ArrayByteSource(VENDOR, "vendor"))),
        new RsaPayloadSigner(vendorKey.getPrivate()), Files.createDirectories(dir.resolve("fx")), 1 << 20);
    String props = "payload.bin:0:0,payload_properties.txt:0:0,care_map.pb:0:0,metadata:0:0,metadata.pb:0:0"
        + " ".repeat(padding);
    String streaming = "payload_metadata.bin:0:0,payload.bin:0:0,metadata:0:0,metadata.pb:0:0" + " ".repeat(padding);
    byte[] text = ("ota-property-files=" + props + "\nota-required-cache=0\nota-streaming-property-files="
        + streaming + "\nota-type=AB\npost-build=Xiaomi/dev/dev:14/UKQ1/V1:user/release-keys\n")
        .getBytes(StandardCharsets.UTF_8);
    byte[] pb = ProtoMessage.of(List.of(
        ProtoMessage.Field.varint(1, 1),
        ProtoMessage.Field.message(4, ProtoMessage.of(List.of(ProtoMessage.Field.string(1, "ota-property-files"),
            ProtoMessage.Field.string(2, props)))),
        ProtoMessage.Field.message(4, ProtoMessage.of(List.of(
            ProtoMessage.Field.string(1, "ota-streaming-property-files"), ProtoMessage.Field.string(2, streaming)))),
        ProtoMessage.Field.message(5, ProtoMessage.of(List.of(ProtoMessage.Field.string(1, "dev")))))).toByteArray();
    Path out = dir.resolve(name);
    try (OutputStream o = Files.newOutputStream(out); ZipWriter w = new ZipWriter(o)) {
      w.add(ZipWriter.EntrySpec.of("META-INF/com/android/metadata", ZipEntry.STORED, 1), text);
      w.add(ZipWriter.EntrySpec.of("META-INF/com/android/metadata.pb", ZipEntry.STORED, 1), pb);
      w.add(ZipWriter.EntrySpec.of("apex_info.pb", ZipEntry.DEFLATED, 1), new byte[] {1, 2, 3});
      w.add(ZipWriter.EntrySpec.of("care_map.pb", ZipEntry.STORED, 1), new byte[] {4, 5, 6, 7});
      w.addStored(ZipWriter.EntrySpec.of("payload.bin", ZipEntry.STORED, 1), new ArrayByteSource(payload, "p"));
      w.add(ZipWriter.EntrySpec.of("payload_properties.txt", ZipEntry.STORED, 1), "FILE_HASH=x\n".getBytes());
      w.finish(null, new byte[0]);
    }
    return out;
  }

  RepackResult repack(Path in, Map<String, Path> changed, Path out, SigningKey key) throws IOException {
    Path work = Files.createDirectories(dir.resolve("work"));
    try (Firmware fw = FirmwareReader.open(in, FirmwareReader.Options.in(work))) {
      return Repackers.forKind(fw.kind()).repack(
          new RepackRequest(fw, changed, out, RepackOptions.defaults(work).withOtaKey(key)));
    }
  }

  static byte[] bytes(ByteSource s) throws IOException {
    return s.readFully(0, (int) s.size());
  }

  /** Every property-files token points at the entry it names. */
  static void checkPropertyFiles(String value, ZipArchive zip) throws IOException {
    for (String t : value.strip().split(",")) {
      String[] f = t.split(":");
      String entry = switch (f[0]) {
        case "metadata" -> "META-INF/com/android/metadata";
        case "metadata.pb" -> "META-INF/com/android/metadata.pb";
        case "payload_metadata.bin" -> "payload.bin";
        default -> f[0];
      };
      ZipEntry e = zip.entry(entry).orElseThrow();
      assertEquals(e.dataOffset(), Long.parseLong(f[1]), t);
      if (f[0].equals("payload_metadata.bin")) {
        assertEquals(Payload.readHeader(zip.rawData(e)).blobOffset(), Long.parseLong(f[2]), t);
      } else {
        assertEquals(e.compressedSize(), Long.parseLong(f[2]), t);
      }
    }
  }

  void verify(Path out, byte[] newSystem, boolean signed) throws IOException {
    Path work = Files.createDirectories(dir.resolve("verify"));
    try (Firmware fw = FirmwareReader.open(out, FirmwareReader.Options.in(work))) {
      assertArrayEquals(newSystem, bytes(fw.partition("system").orElseThrow().content()));
      assertArrayEquals(VENDOR, bytes(fw.partition("vendor").orElseThrow().content()));
      assertArrayEquals(BOOT, bytes(fw.partition("boot").orElseThrow().content()));
      ZipArchive zip = fw.zip().orElseThrow();
      ZipEntry pe = zip.entry("payload.bin").orElseThrow();
      assertTrue(pe.isStored());
      ByteSource raw = zip.rawData(pe);
      Payload p = Payload.open(raw);
      // full extract checks the partition hash; the VABC estimate is made for the new image
      assertTrue(p.partition("system").orElseThrow().estimateCowSize() >= newSystem.length / 2);
      p.extract("system", java.nio.channels.Channels.newChannel(OutputStream.nullOutputStream()), 2);
      if (signed) {
        assertTrue(RsaPayloadSigner.verify(otaKey.publicKey(), p.metadataDigest(), p.metadataSignatures().get(0)));
        assertTrue(RsaPayloadSigner.verify(otaKey.publicKey(), p.payloadDigest().orElseThrow(),
            p.payloadSignatures().get(0)));
      } else {
        assertTrue(p.metadataSignatures().isEmpty());
      }
      // payload_properties.txt
      byte[] whole = bytes(raw);
      String props = new String(zip.readAll(zip.entry("payload_properties.txt").orElseThrow(), 4096),
          StandardCharsets.US_ASCII);
      Base64.Encoder b64 = Base64.getEncoder();
      assertTrue(props.contains("FILE_SIZE=" + whole.length + "\n"), props);
      assertTrue(props.contains("FILE_HASH=" + b64.encodeToString(sha256(whole)) + "\n"), props);
      assertTrue(props.contains("METADATA_SIZE=" + p.header().metadataSize() + "\n"), props);
      // metadata property files
      String text = new String(zip.readAll(zip.entry("META-INF/com/android/metadata").orElseThrow(), 1 << 16),
          StandardCharsets.UTF_8);
      for (String line : text.split("\n")) {
        if (line.startsWith("ota-property-files=") || line.startsWith("ota-streaming-property-files=")) {
          checkPropertyFiles(line.substring(line.indexOf('=') + 1), zip);
        }
      }
      assertTrue(text.contains("post-build=Xiaomi/dev/dev:14/UKQ1/V1:user/release-keys\n"));
      ProtoMessage pb = ProtoMessage.parse(zip.readAll(zip.entry("META-INF/com/android/metadata.pb").orElseThrow(),
          1 << 16));
      assertEquals(2, pb.messages(4).size());
      for (ProtoMessage m : pb.messages(4)) {
        checkPropertyFiles(m.string(2), zip);
      }
      assertEquals("dev", pb.message(5).string(1));
      assertArrayEquals(new byte[] {1, 2, 3}, zip.readAll(zip.entry("apex_info.pb").orElseThrow(), 16));
    }
    if (signed) {
      OtaSignature sig = OtaZipVerifier.verify(out, List.of(otaKey.certificate()));
      assertTrue(sig.verifies(), sig.detail());
      assertTrue(sig.trusted());
    }
  }

  static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void signedRepack() throws IOException {
    Path in = dir.resolve("vendor-signed.zip");
    SigningKey vendor = KeyGenerator.generate(KeyGenOptions.defaults(Instant.parse("2024-01-01T00:00:00Z"))
        .withBits(2048).withDistinguishedName("CN=vendor"));
    dev.untrack.signing.ota.OtaZipSigner.sign(ota("in.zip", 64), in, vendor);
    byte[] before = Files.readAllBytes(in);
    byte[] newSystem = PayloadFixtures.image(640, 4096, 99);
    Path img = Files.write(dir.resolve("system.new"), newSystem);
    Path out = dir.resolve("out.zip");
    RepackResult r = repack(in, Map.of("system", img), out, otaKey);
    assertTrue(r.notes().stream().anyMatch(n -> n.contains("signatures made with OTA key")), r.notes().toString());
    verify(out, newSystem, true);
    assertArrayEquals(before, Files.readAllBytes(in), "input untouched");
    Path again = dir.resolve("again.zip");
    repack(in, Map.of("system", img), again, otaKey);
    assertArrayEquals(Files.readAllBytes(out), Files.readAllBytes(again), "deterministic");
    try (var s = Files.list(dir.resolve("work"))) {
      assertEquals(0, s.count(), "no temporary files left");
    }
  }

  @Test
  void unsignedRepackWithoutReservedSpace() throws IOException {
    Path in = ota("tight.zip", 0);
    byte[] newSystem = PayloadFixtures.image(600, 4096, 98);
    Path img = Files.write(dir.resolve("system.new"), newSystem);
    Path out = dir.resolve("out.zip");
    RepackResult r = repack(in, Map.of("system", img), out, null);
    assertTrue(r.notes().stream().anyMatch(n -> n.contains("payload.bin unsigned")), r.notes().toString());
    verify(out, newSystem, false);
    try (FileByteSource f = FileByteSource.open(out); ZipArchive z = ZipArchive.open(f)) {
      assertEquals(0, z.comment().length);
    }
  }

  @Test
  void groupOverflowSaysHowMuchIsMissing() throws IOException {
    Path in = ota("in.zip", 64);
    Manifest.Group g = new Manifest.Group("qti_dynamic_partitions", 1L << 34, List.of());
    Path huge = dir.resolve("huge.img");
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength((1L << 34) - VENDOR.length + 4096); // sparse file: one block over the group
    }
    Path out = dir.resolve("out.zip");
    dev.untrack.cli.UserException e = org.junit.jupiter.api.Assertions.assertThrows(
        dev.untrack.cli.UserException.class, () -> repack(in, Map.of("system", huge), out, null));
    assertTrue(e.getMessage().contains("4096 bytes missing"), e.getMessage());
    assertTrue(e.getMessage().contains(g.name()), e.getMessage());
    assertFalse(Files.exists(out));
  }

  @Test
  void emptyChangeCopies() throws IOException {
    Path in = ota("in.zip", 64);
    Path out = dir.resolve("out.zip");
    repack(in, Map.of(), out, otaKey);
    assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(out));
    assertFalse(Files.exists(dir.resolve("work").resolve("x")));
  }
}
