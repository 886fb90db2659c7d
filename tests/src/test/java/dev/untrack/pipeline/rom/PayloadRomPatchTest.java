package dev.untrack.pipeline.rom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.firmware.FirmwareKind;
import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.payload.Manifest;
import dev.untrack.rom.payload.PartitionInput;
import dev.untrack.rom.payload.PartitionUpdate;
import dev.untrack.rom.payload.RsaPayloadSigner;
import dev.untrack.rom.zip.ZipEntry;
import dev.untrack.rom.zip.ZipWriter;
import dev.untrack.testkit.CliRun;
import dev.untrack.testkit.PayloadFixtures;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An A/B OTA zip (payload.bin with an ext4 system, a vendor and a boot) through {@code untrack patch}. */
class PayloadRomPatchTest {
  @TempDir Path dir;

  static final byte[] VENDOR = PayloadFixtures.image(300, 4096, 12);
  static final byte[] BOOT = PayloadFixtures.image(16, 4096, 13);

  Path ota(byte[] system) throws Exception {
    Manifest base = PayloadFixtures.vabcManifest(4096, "lz4", 2, List.of("system", "vendor"));
    KeyPair vendorKey = PayloadFixtures.rsaKey(2048);
    byte[] payload = PayloadFixtures.write(base, List.of(
        new PartitionInput.Changed(PartitionUpdate.named("boot"), new ArrayByteSource(BOOT, "boot")),
        new PartitionInput.Changed(PartitionUpdate.named("system"), new ArrayByteSource(system, "system")),
        new PartitionInput.Changed(PartitionUpdate.named("vendor"), new ArrayByteSource(VENDOR, "vendor"))),
        new RsaPayloadSigner(vendorKey.getPrivate()), Files.createDirectories(dir.resolve("fx")), 1 << 20);
    String props = "payload.bin:0:0,payload_properties.txt:0:0,metadata:0:0" + " ".repeat(40);
    byte[] text = ("ota-property-files=" + props + "\nota-type=AB\n").getBytes(StandardCharsets.UTF_8);
    Path out = dir.resolve("ota.zip");
    try (OutputStream o = Files.newOutputStream(out); ZipWriter w = new ZipWriter(o)) {
      w.add(ZipWriter.EntrySpec.of("META-INF/com/android/metadata", ZipEntry.STORED, 1), text);
      w.addStored(ZipWriter.EntrySpec.of("payload.bin", ZipEntry.STORED, 1), new ArrayByteSource(payload, "p"));
      w.add(ZipWriter.EntrySpec.of("payload_properties.txt", ZipEntry.STORED, 1), "FILE_HASH=x\n".getBytes());
      w.finish(null, new byte[0]);
    }
    return out;
  }

  @Test
  void otaKeySignsPayloadAndZip() throws Exception {
    Path in = ota(Files.readAllBytes(RomImages.ext4(dir)));
    dev.untrack.testkit.TestKeys.SigningKey k = dev.untrack.testkit.TestKeys.generate("ota");
    Path pk8 = Files.write(dir.resolve("ota.pk8"), k.privateKey().getEncoded());
    Path cert = Files.writeString(dir.resolve("ota.x509.pem"), "-----BEGIN CERTIFICATE-----\n"
        + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(k.certificate().getEncoded())
        + "\n-----END CERTIFICATE-----\n");
    Path out = dir.resolve("signed.zip");
    CliRun r = CliRun.untrack("patch", in.toString(), "-o", out.toString(), "--ota-key",
        pk8.toString(), "--ota-cert", cert.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(dev.untrack.signing.ota.OtaZipVerifier.verify(out, List.of(k.certificate())).verifies(), r.out());
  }

  @Test
  void patchesTheExt4SystemInsidePayloadBin() throws Exception {
    Path in = ota(Files.readAllBytes(RomImages.ext4(dir)));
    RomImages.assertPatchesExt4System(dir, in, FirmwareKind.OTA_PAYLOAD, VENDOR);
  }
}
