package dev.untrack.signing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.signing.keys.SigningKey;
import dev.untrack.signing.ota.OtaZipSigner;
import dev.untrack.testkit.Oracle;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OTA whole-file signature block checked by OpenSSL's CMS verifier, over the bytes recovery hashes. */
class OtaCmsOracleTest {
  @TempDir Path dir;

  @Test
  void opensslVerifiesTheDetachedSignatureOverTheSignedRange() throws Exception {
    Path openssl = Oracle.require("openssl", "openssl");
    Path zip = dir.resolve("ota.zip");
    try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(os)) {
      z.putNextEntry(new ZipEntry("payload.bin"));
      z.write(new byte[100_000]);
      z.closeEntry();
    }
    SigningKey key = SigningFixtures.key("ota oracle");
    Path signed = dir.resolve("signed.zip");
    OtaZipSigner.sign(zip, signed, key);
    byte[] b = Files.readAllBytes(signed);
    ByteBuffer f = ByteBuffer.wrap(b, b.length - 6, 6).order(ByteOrder.LITTLE_ENDIAN);
    int signatureStart = f.getShort() & 0xffff;
    f.getShort();
    int commentSize = f.getShort() & 0xffff;
    Path content = Files.write(dir.resolve("content.bin"), Arrays.copyOf(b, b.length - commentSize - 2));
    Path pkcs7 = Files.write(dir.resolve("sig.p7"), Arrays.copyOfRange(b, b.length - signatureStart, b.length - 6));
    Path cert = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\n"
        + java.util.Base64.getMimeEncoder().encodeToString(key.certificate().getEncoded()) + "\n-----END CERTIFICATE-----\n");
    Oracle.Result r = Oracle.run(dir, Duration.ofMinutes(1), List.of(openssl.toString(), "cms", "-verify",
        "-inform", "DER", "-in", pkcs7.toString(), "-binary", "-content", content.toString(), "-CAfile",
        cert.toString(), "-purpose", "any", "-out", dir.resolve("out.bin").toString()));
    r.assertOk("openssl cms -verify");
    assertTrue((r.stdout() + r.stderr()).contains("Verification successful"), r.stderr());
  }
}
