package dev.untrack.signing.ota;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.signing.SigningException;
import dev.untrack.signing.keys.SigningKey;
import dev.untrack.signing.testing.TestKeys;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OtaTest {
  @TempDir Path dir;

  private Path otaZip(String name) throws Exception {
    Path p = dir.resolve(name);
    byte[] payload = new byte[300_000];
    new Random(1).nextBytes(payload);
    try (OutputStream os = Files.newOutputStream(p); ZipOutputStream z = new ZipOutputStream(os)) {
      ZipEntry e = new ZipEntry("payload.bin");
      e.setTime(315532800000L);
      z.putNextEntry(e);
      z.write(payload);
      z.closeEntry();
      ZipEntry m = new ZipEntry("META-INF/com/android/metadata");
      m.setTime(315532800000L);
      z.putNextEntry(m);
      z.write("ota-type=AB\n".getBytes(StandardCharsets.UTF_8));
      z.closeEntry();
    }
    return p;
  }

  @Test
  void signedZipVerifiesKeepsItsEntriesAndIsDeterministic() throws Exception {
    Path in = otaZip("ota.zip");
    Path out = dir.resolve("signed.zip");
    SigningKey key = TestKeys.rsa2048();
    OtaZipSigner.sign(in, out, key);
    byte[] orig = Files.readAllBytes(in);
    byte[] signed = Files.readAllBytes(out);
    // everything up to the comment length field is the input's
    assertArrayEquals(Arrays.copyOf(orig, orig.length - 2), Arrays.copyOf(signed, orig.length - 2));
    int commentSize = ByteBuffer.wrap(signed, orig.length - 2, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
    assertEquals(signed.length, orig.length + commentSize);
    assertEquals("signed by SignApk\0", new String(signed, orig.length, 18, StandardCharsets.US_ASCII));
    assertEquals((byte) 0xff, signed[signed.length - 4]);
    assertEquals((byte) 0xff, signed[signed.length - 3]);

    OtaSignature sig = OtaZipVerifier.verify(out, List.of(key.certificate()));
    assertTrue(sig.verifies(), sig.detail());
    assertTrue(sig.trusted());
    assertEquals(key.certificate(), sig.certificate());
    assertFalse(OtaZipVerifier.verify(out, List.of(TestKeys.rsa(2048, "other").certificate())).trusted());
    try (ZipFile z = new ZipFile(out.toFile())) {
      assertEquals(2, z.size(), "still a readable zip");
    }
    Path again = dir.resolve("again.zip");
    OtaZipSigner.sign(in, again, key);
    assertArrayEquals(signed, Files.readAllBytes(again));
  }

  @Test
  void anyChangedByteBreaksTheSignature() throws Exception {
    Path out = dir.resolve("signed.zip");
    OtaZipSigner.sign(otaZip("ota.zip"), out, TestKeys.rsa2048());
    byte[] b = Files.readAllBytes(out);
    b[1000] ^= 1;
    Files.write(out, b);
    OtaSignature s = OtaZipVerifier.verify(out, List.of());
    assertFalse(s.verifies());
    assertFalse(s.trusted());
  }

  @Test
  void resigningReplacesTheComment() throws Exception {
    Path first = dir.resolve("first.zip");
    Path second = dir.resolve("second.zip");
    OtaZipSigner.sign(otaZip("ota.zip"), first, TestKeys.rsa2048());
    SigningKey other = TestKeys.rsa(2048, "other");
    OtaZipSigner.sign(first, second, other);
    OtaSignature s = OtaZipVerifier.verify(second, List.of(other.certificate()));
    assertTrue(s.verifies() && s.trusted(), s.detail());
  }

  @Test
  void unsignedOrTruncatedZipsAreCorrupt() throws Exception {
    Path in = otaZip("ota.zip");
    assertThrows(SigningException.class, () -> OtaZipVerifier.verify(in, List.of()));
    Path tiny = dir.resolve("tiny");
    Files.write(tiny, new byte[10]);
    assertThrows(SigningException.class, () -> OtaZipVerifier.verify(tiny, List.of()));
  }

  @Test
  void digestSignerIsRsaPkcs1OverTheDigestAsUpdateEngineChecksIt() throws Exception {
    SigningKey key = TestKeys.rsa2048();
    byte[] data = "payload metadata".getBytes(StandardCharsets.UTF_8);
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(data);
    byte[] sig = DigestSigner.of(key).sign(digest);
    assertEquals(256, sig.length);
    assertEquals(256, DigestSigner.signatureSize(key));
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initSign(key.privateKey());
    s.update(data);
    assertArrayEquals(s.sign(), sig, "same as a SHA256withRSA signature of the data");
    // raw RSA public operation, as update_engine does (RSA_NO_PADDING), gives the padded digest
    RSAPublicKey pub = (RSAPublicKey) key.publicKey();
    byte[] em = new BigInteger(1, sig).modPow(pub.getPublicExponent(), pub.getModulus()).toByteArray();
    byte[] full = new byte[256];
    System.arraycopy(em, 0, full, 256 - em.length, em.length);
    assertEquals(0, full[0]);
    assertEquals(1, full[1]);
    int sep = 256 - 32 - DigestSigner.SHA256_DIGEST_INFO.length - 1;
    for (int i = 2; i < sep; i++) {
      assertEquals((byte) 0xff, full[i]);
    }
    assertEquals(0, full[sep]);
    assertArrayEquals(DigestSigner.SHA256_DIGEST_INFO, Arrays.copyOfRange(full, sep + 1, 256 - 32));
    assertArrayEquals(digest, Arrays.copyOfRange(full, 256 - 32, 256));
    assertThrows(SigningException.class, () -> DigestSigner.of(key).sign(new byte[20]));
  }
}
