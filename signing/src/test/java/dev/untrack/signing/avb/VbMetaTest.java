package dev.untrack.signing.avb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.signing.SigningException;
import dev.untrack.signing.internal.ByteArrayChannel;
import dev.untrack.signing.keys.SigningKey;
import dev.untrack.signing.testing.TestKeys;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VbMetaTest {
  @TempDir Path dir;

  static List<AvbDescriptor> sampleDescriptors(SigningKey chainKey) {
    byte[] salt = new byte[32];
    Arrays.fill(salt, (byte) 0xab);
    return List.of(
        new AvbDescriptor.Property("com.android.build.system.os_version", "16".getBytes(StandardCharsets.UTF_8)),
        new AvbDescriptor.Hashtree(1, 1 << 20, 1 << 20, 12288, 4096, 4096, 0, 0, 0, "sha256", "system", salt,
            new byte[32], 0, null),
        new AvbDescriptor.Hash(65536, "sha256", "boot", salt, new byte[32], 0, null),
        new AvbDescriptor.KernelCmdline(AvbDescriptor.KernelCmdline.FLAG_USE_ONLY_IF_HASHTREE_NOT_DISABLED,
            "dm=\"1 vroot none ro 1,0 2048 verity 1\""),
        new AvbDescriptor.ChainPartition(1, "vbmeta_system",
            AvbPublicKey.encode((RSAPublicKey) chainKey.publicKey()), 0, null));
  }

  static VbMeta sample(SigningKey key, AvbAlgorithm alg) throws SigningException {
    return VbMeta.create(sampleDescriptors(TestKeys.rsa(2048, "chain")), 7, 0, "avbtool 1.3.0", key, alg);
  }

  /** Independent check: libavb's rule, with the JDK and nothing of ours but the byte layout. */
  private static boolean jdkVerifies(byte[] blob, RSAPublicKey key, String jca) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(blob);
    long auth = b.getLong(12);
    long aux = b.getLong(20);
    long sigOff = b.getLong(48);
    long sigSize = b.getLong(56);
    Signature s = Signature.getInstance(jca);
    s.initVerify(key);
    s.update(blob, 0, 256);
    s.update(blob, (int) (256 + auth), (int) aux);
    return s.verify(Arrays.copyOfRange(blob, (int) (256 + sigOff), (int) (256 + sigOff + sigSize)));
  }

  @Test
  void builtVbmetaParsesBackByteIdenticallyAndVerifiesWithTheJdk() throws Exception {
    SigningKey key = TestKeys.rsa2048();
    byte[] blob = sample(key, AvbAlgorithm.SHA256_RSA2048).encode();
    assertEquals("AVB0", new String(blob, 0, 4, StandardCharsets.US_ASCII));
    assertEquals(0, blob.length % 64);
    VbMeta parsed = VbMeta.parse(blob, "vbmeta");
    assertArrayEquals(blob, parsed.encode());
    assertEquals(sampleDescriptors(TestKeys.rsa(2048, "chain")), parsed.descriptors());
    assertEquals(7, parsed.header().rollbackIndex());
    assertEquals("avbtool 1.3.0", parsed.header().releaseText());
    assertEquals(VbMetaVerification.Status.VERIFIES, parsed.verify().status());
    assertTrue(jdkVerifies(blob, (RSAPublicKey) key.publicKey(), "SHA256withRSA"));
    // the stored hash is SHA-256 over header and auxiliary block
    ByteBuffer b = ByteBuffer.wrap(blob);
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update(blob, 0, 256);
    md.update(blob, (int) (256 + b.getLong(12)), (int) b.getLong(20));
    assertArrayEquals(md.digest(), Arrays.copyOfRange(blob, 256, 256 + 32));
    // trailing partition padding is ignored
    byte[] padded = Arrays.copyOf(blob, 4096);
    assertArrayEquals(blob, VbMeta.parse(padded, "vbmeta.img").encode());
  }

  @Test
  void settingFlagsChangesOnlyTheFlagsWordAndLeavesTheSignatureStale() throws Exception {
    byte[] blob = sample(TestKeys.rsa2048(), AvbAlgorithm.SHA256_RSA2048).encode();
    byte[] image = Arrays.copyOf(blob, 8192);
    byte[] disabled = VbMeta.orFlags(image, VbMetaHeader.FLAG_HASHTREE_DISABLED, "vbmeta.img");
    for (int i = 0; i < image.length; i++) {
      if (i != 123) {
        assertEquals(image[i], disabled[i], "byte " + i);
      }
    }
    assertEquals(1, disabled[123]);
    VbMeta v = VbMeta.parse(disabled, "vbmeta.img");
    assertEquals(1, v.flags());
    assertEquals(VbMetaVerification.Status.HASH_MISMATCH, v.verify().status());
    byte[] both = VbMeta.orFlags(disabled, VbMetaHeader.FLAG_VERIFICATION_DISABLED, "vbmeta.img");
    assertEquals(3, both[123]);
    assertArrayEquals(Arrays.copyOfRange(disabled, 0, 123), Arrays.copyOfRange(both, 0, 123));
    assertEquals(3, VbMeta.parse(blob, "x").withFlags(3).flags());

    Path in = dir.resolve("vbmeta.img");
    Files.write(in, image);
    Path out = dir.resolve("out.img");
    assertEquals(1, VbMetaFiles.orFlags(in, out, VbMetaFiles.DEFAULT_DISABLE_FLAGS, false));
    assertArrayEquals(disabled, Files.readAllBytes(out));
    assertArrayEquals(image, Files.readAllBytes(in), "input untouched");
  }

  @Test
  void resigningWithAnotherKeyKeepsEverythingButKeyAndSignature() throws Exception {
    VbMeta original = sample(TestKeys.rsa2048(), AvbAlgorithm.SHA256_RSA2048).withFlags(0);
    SigningKey user = TestKeys.rsa(4096, "user avb");
    AvbAlgorithm alg = original.algorithmFor(user);
    assertEquals(AvbAlgorithm.SHA256_RSA4096, alg);
    VbMeta resigned = VbMeta.parse(original.signedWith(user, alg).encode(), "resigned");
    assertEquals(VbMetaVerification.Status.VERIFIES, resigned.verify().status());
    assertEquals(user.publicKey(), resigned.verify().publicKey());
    assertEquals(original.descriptors(), resigned.descriptors());
    assertEquals(original.header().rollbackIndex(), resigned.header().rollbackIndex());
    assertTrue(jdkVerifies(resigned.encode(), (RSAPublicKey) user.publicKey(), "SHA256withRSA"));

    VbMeta sha512 = VbMeta.parse(original.signedWith(user, AvbAlgorithm.SHA512_RSA4096).encode(), "x");
    assertEquals(VbMetaVerification.Status.VERIFIES, sha512.verify().status());
    assertTrue(jdkVerifies(sha512.encode(), (RSAPublicKey) user.publicKey(), "SHA512withRSA"));
    assertThrows(SigningException.class, () -> original.signedWith(user, AvbAlgorithm.SHA256_RSA2048));
  }

  @Test
  void tamperedAuxiliaryDataFailsVerification() throws Exception {
    byte[] blob = sample(TestKeys.rsa2048(), AvbAlgorithm.SHA256_RSA2048).encode();
    VbMeta v = VbMeta.parse(blob, "x");
    // change a property value byte (inside the aux block, first descriptor's value)
    int auxStart = 256 + (int) v.header().authenticationBlockSize();
    blob[auxStart + 16 + 16 + 5] ^= 1;
    assertEquals(VbMetaVerification.Status.HASH_MISMATCH, VbMeta.parse(blob, "x").verify().status());
  }

  @Test
  void chainPartitionKeyUpdate() throws Exception {
    SigningKey top = TestKeys.rsa2048();
    VbMeta v = sample(top, AvbAlgorithm.SHA256_RSA2048);
    byte[] newKey = AvbPublicKey.encode((RSAPublicKey) TestKeys.rsa(4096, "user avb").publicKey());
    VbMeta updated = VbMeta.parse(v.withChainPartitionKey("vbmeta_system", newKey, top,
        AvbAlgorithm.SHA256_RSA2048).encode(), "x");
    AvbDescriptor.ChainPartition c = updated.descriptors().stream()
        .filter(d -> d instanceof AvbDescriptor.ChainPartition).map(d -> (AvbDescriptor.ChainPartition) d)
        .findFirst().orElseThrow();
    assertArrayEquals(newKey, c.publicKey());
    assertEquals(1, c.rollbackIndexLocation());
    assertEquals(VbMetaVerification.Status.VERIFIES, updated.verify().status());
    assertThrows(SigningException.class, () -> v.withChainPartitionKey("vbmeta_vendor", newKey, top,
        AvbAlgorithm.SHA256_RSA2048));
  }

  @Test
  void avbPublicKeyHasConsistentMontgomeryConstants() throws Exception {
    RSAPublicKey k = (RSAPublicKey) TestKeys.rsa2048().publicKey();
    byte[] blob = AvbPublicKey.encode(k);
    assertEquals(8 + 512, blob.length);
    ByteBuffer b = ByteBuffer.wrap(blob);
    assertEquals(2048, b.getInt());
    BigInteger n0inv = BigInteger.valueOf(b.getInt() & 0xffffffffL);
    BigInteger two32 = BigInteger.ONE.shiftLeft(32);
    // n * n0inv == -1 (mod 2^32)
    assertEquals(two32.subtract(BigInteger.ONE), k.getModulus().multiply(n0inv).mod(two32));
    BigInteger rr = new BigInteger(1, Arrays.copyOfRange(blob, 8 + 256, 8 + 512));
    assertEquals(BigInteger.TWO.pow(4096).mod(k.getModulus()), rr);
    assertEquals(k, AvbPublicKey.decode(blob, "k"));
    blob[7] ^= 1;
    assertThrows(SigningException.class, () -> AvbPublicKey.decode(blob, "k"));
  }

  @Test
  void unsignedVbmeta() throws Exception {
    VbMeta v = VbMeta.create(List.of(), 0, 0, "untrack", null, AvbAlgorithm.NONE);
    VbMeta p = VbMeta.parse(v.encode(), "x");
    assertEquals(VbMetaVerification.Status.UNSIGNED, p.verify().status());
    assertEquals(256, v.encode().length);
  }

  @Test
  void footerRoundTripAndVbmetaFromAPartition() throws Exception {
    byte[] vb = sample(TestKeys.rsa2048(), AvbAlgorithm.SHA256_RSA2048).encode();
    int partition = 64 * 1024;
    byte[] img = new byte[partition];
    System.arraycopy(vb, 0, img, 8192, vb.length);
    AvbFooter f = AvbFooter.of(8000, 8192, vb.length);
    System.arraycopy(f.encode(), 0, img, partition - 64, 64);
    ByteArrayChannel ch = new ByteArrayChannel(img);
    assertEquals(f, AvbFooter.read(ch, "system.img"));
    assertArrayEquals(vb, VbMeta.fromFooter(ch, "system.img").encode());
    byte[] bad = f.encode();
    ByteBuffer.wrap(bad).putLong(20, partition);
    SigningException e = assertThrows(SigningException.class, () -> AvbFooter.parse(bad, partition, "p"));
    assertEquals(partition - 64, e.offset());
  }

  @Test
  void malformedHeadersAreRejectedWithOffsets() throws Exception {
    byte[] blob = sample(TestKeys.rsa2048(), AvbAlgorithm.SHA256_RSA2048).encode();
    byte[] b1 = blob.clone();
    ByteBuffer.wrap(b1).putLong(12, 1L << 40);
    assertEquals(12, assertThrows(SigningException.class, () -> VbMeta.parse(b1, "v")).offset());
    byte[] b2 = blob.clone();
    ByteBuffer.wrap(b2).putLong(96, 100000);
    assertEquals(96, assertThrows(SigningException.class, () -> VbMeta.parse(b2, "v")).offset());
    byte[] b3 = blob.clone();
    b3[0] = 'X';
    assertThrows(SigningException.class, () -> VbMeta.parse(b3, "v"));
    assertThrows(SigningException.class, () -> VbMeta.parse(new byte[100], "v"));
  }
}
