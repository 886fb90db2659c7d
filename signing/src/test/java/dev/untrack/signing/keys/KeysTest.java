package dev.untrack.signing.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.signing.SigningException;
import dev.untrack.signing.SigningException.Kind;
import dev.untrack.signing.testing.TestKeys;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysTest {
  @TempDir Path dir;

  private static PasswordSource pw(String s) {
    return PasswordSource.of(s.toCharArray());
  }

  @Test
  void generatedCertificateIsSelfSignedV3WithTheGivenSubject() throws Exception {
    SigningKey k = TestKeys.rsa(2048, "gen test");
    X509Certificate c = k.certificate();
    assertEquals(3, c.getVersion());
    assertEquals("CN=gen test", c.getSubjectX500Principal().getName());
    assertEquals(c.getSubjectX500Principal(), c.getIssuerX500Principal());
    c.verify(c.getPublicKey());
    assertEquals(2048, k.keySizeBits());
    assertEquals("RSA", k.algorithm());
    assertEquals(TestKeys.EPOCH, c.getNotBefore().toInstant());
    assertEquals(TestKeys.EPOCH.plus(KeyGenOptions.DEFAULT_VALIDITY), c.getNotAfter().toInstant());
    assertEquals("SHA256withRSA", c.getSigAlgName());
    assertTrue(c.getSerialNumber().signum() > 0);
    assertEquals(KeyGenerator.serialFrom(k.publicKey().getEncoded()), c.getSerialNumber());
  }

  @Test
  void pkcs12RoundTripWithAndWithoutAlias() throws Exception {
    SigningKey k = TestKeys.rsa2048();
    Path p12 = dir.resolve("k.p12");
    KeyGenerator.writePkcs12(k, p12, "mykey", pw("secret"), false);
    assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(p12));
    SigningKey a = KeyLoader.load(KeyLocation.keystore(p12, null, pw("secret"), null));
    SigningKey b = KeyLoader.load(KeyLocation.keystore(p12, "mykey", pw("secret"), pw("secret")));
    assertEquals(k.certificateSha256(), a.certificateSha256());
    assertEquals(k.certificateSha256(), b.certificateSha256());
    assertArrayEquals(k.privateKey().getEncoded(), a.privateKey().getEncoded());
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }

  @Test
  void wrongPasswordsAndAliasesAreReportedAsSuch() throws Exception {
    Path p12 = dir.resolve("k.p12");
    KeyGenerator.writePkcs12(TestKeys.rsa2048(), p12, "mykey", pw("secret"), false);
    SigningException e = assertThrows(SigningException.class,
        () -> KeyLoader.load(KeyLocation.keystore(p12, null, pw("nope"), null)));
    assertEquals(Kind.PASSWORD, e.kind());
    assertEquals(p12.toString(), e.file());
    e = assertThrows(SigningException.class,
        () -> KeyLoader.load(KeyLocation.keystore(p12, "other", pw("secret"), null)));
    assertEquals(Kind.KEY_UNREADABLE, e.kind());
    assertTrue(e.getMessage().contains("mykey"), e.getMessage());
  }

  @Test
  void refusesToOverwriteUnlessForced() throws Exception {
    Path p12 = dir.resolve("k.p12");
    Files.writeString(p12, "existing");
    SigningException e = assertThrows(SigningException.class,
        () -> KeyGenerator.writePkcs12(TestKeys.rsa2048(), p12, "a", pw("x"), false));
    assertEquals(Kind.OUTPUT_EXISTS, e.kind());
    assertEquals("existing", Files.readString(p12));
    KeyGenerator.writePkcs12(TestKeys.rsa2048(), p12, "a", pw("x"), true);
    assertEquals(TestKeys.rsa2048().certificateSha256(),
        KeyLoader.load(KeyLocation.keystore(p12, null, pw("x"), null)).certificateSha256());
  }

  @Test
  void jksWithSeveralKeysNeedsAnAlias() throws Exception {
    SigningKey k1 = TestKeys.rsa2048();
    SigningKey k2 = TestKeys.rsa(2048, "second");
    KeyStore ks = KeyStore.getInstance("JKS");
    ks.load(null, null);
    ks.setKeyEntry("one", k1.privateKey(), "keypw".toCharArray(), new X509Certificate[] {k1.certificate()});
    ks.setKeyEntry("two", k2.privateKey(), "keypw".toCharArray(), new X509Certificate[] {k2.certificate()});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ks.store(out, "storepw".toCharArray());
    Path jks = dir.resolve("k.keystore");
    Files.write(jks, out.toByteArray());
    SigningException e = assertThrows(SigningException.class,
        () -> KeyLoader.load(KeyLocation.keystore(jks, null, pw("storepw"), pw("keypw"))));
    assertTrue(e.getMessage().contains("one, two"), e.getMessage());
    SigningKey two = KeyLoader.load(KeyLocation.keystore(jks, "two", pw("storepw"), pw("keypw")));
    assertEquals(k2.certificateSha256(), two.certificateSha256());
    e = assertThrows(SigningException.class,
        () -> KeyLoader.load(KeyLocation.keystore(jks, "two", pw("storepw"), pw("wrong"))));
    assertEquals(Kind.PASSWORD, e.kind());
  }

  @Test
  void pk8PairRoundTripAndMismatchDetection() throws Exception {
    SigningKey k = TestKeys.rsa2048();
    var files = KeyGenerator.writePk8(k, dir.resolve("platform"), false);
    assertEquals(dir.resolve("platform.pk8"), files.get(0));
    assertEquals(dir.resolve("platform.x509.pem"), files.get(1));
    assertTrue(Files.readString(files.get(1)).startsWith("-----BEGIN CERTIFICATE-----\n"));
    SigningKey loaded = KeyLoader.load(KeyLocation.pk8(files.get(0), files.get(1), null));
    assertEquals(k.certificateSha256(), loaded.certificateSha256());

    var other = KeyGenerator.writePk8(TestKeys.rsa(2048, "other"), dir.resolve("other"), false);
    SigningException e = assertThrows(SigningException.class,
        () -> KeyLoader.load(KeyLocation.pk8(files.get(0), other.get(1), null)));
    assertEquals(Kind.KEY_MISMATCH, e.kind());

    e = assertThrows(SigningException.class, () -> KeyGenerator.writePk8(k, dir.resolve("platform"), false));
    assertEquals(Kind.OUTPUT_EXISTS, e.kind());
  }

  @Test
  void pbes2EncryptedPk8Decrypts() throws Exception {
    // built as openssl pkcs8 -topk8 -v2 aes-256-cbc lays it out: PBES2(PBKDF2-HMAC-SHA256, AES-256-CBC)
    SigningKey k = TestKeys.rsa2048();
    char[] password = "pk8 secret".toCharArray();
    byte[] salt = new byte[16];
    byte[] iv = new byte[16];
    new java.util.Random(3).nextBytes(salt);
    new java.util.Random(4).nextBytes(iv);
    byte[] aesKey = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
        .generateSecret(new javax.crypto.spec.PBEKeySpec(password, salt, 2048, 256)).getEncoded();
    javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/CBC/PKCS5Padding");
    c.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(aesKey, "AES"),
        new javax.crypto.spec.IvParameterSpec(iv));
    byte[] encrypted = c.doFinal(k.privateKey().getEncoded());
    var kdf = new org.bouncycastle.asn1.pkcs.KeyDerivationFunc(
        org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_PBKDF2,
        new org.bouncycastle.asn1.pkcs.PBKDF2Params(salt, 2048, 32,
            new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_hmacWithSHA256,
                org.bouncycastle.asn1.DERNull.INSTANCE)));
    var scheme = new org.bouncycastle.asn1.pkcs.EncryptionScheme(
        org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_aes256_CBC, new org.bouncycastle.asn1.DEROctetString(iv));
    byte[] der = new org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo(
        new org.bouncycastle.asn1.x509.AlgorithmIdentifier(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_PBES2,
            new org.bouncycastle.asn1.pkcs.PBES2Parameters(kdf, scheme)), encrypted).getEncoded();
    Path pk8 = Files.write(dir.resolve("enc.pk8"), der);
    Path cert = KeyGenerator.writePk8(k, dir.resolve("plain"), false).get(1);
    SigningKey loaded = KeyLoader.load(KeyLocation.pk8(pk8, cert, PasswordSource.of(password)));
    assertArrayEquals(k.privateKey().getEncoded(), loaded.privateKey().getEncoded());
    SigningException e = assertThrows(SigningException.class,
        () -> KeyLoader.load(KeyLocation.pk8(pk8, cert, pw("wrong"))));
    assertEquals(Kind.PASSWORD, e.kind());
    e = assertThrows(SigningException.class, () -> KeyLoader.load(KeyLocation.pk8(pk8, cert, null)));
    assertEquals(Kind.PASSWORD, e.kind());
  }

  @Test
  void bareRsaKeyWithoutCertificateServesAvbButNotApks() throws Exception {
    Path pk8 = dir.resolve("avb.pk8");
    Files.write(pk8, TestKeys.rsa2048().privateKey().getEncoded());
    SigningKey bare = KeyLoader.load(KeyLocation.pk8(pk8, null, null));
    assertEquals(TestKeys.rsa2048().publicKey(), bare.publicKey());
    assertTrue(bare.certificates().isEmpty());
    assertThrows(SigningException.class, bare::certificate);
  }

  @Test
  void garbageIsUnreadableNotACrash() throws Exception {
    Path f = dir.resolve("junk.pk8");
    Files.write(f, new byte[] {0x30, 0x03, 0x02, 0x01, 0x05});
    assertEquals(Kind.KEY_UNREADABLE,
        assertThrows(SigningException.class, () -> KeyLoader.load(KeyLocation.pk8(f, null, null))).kind());
    Files.write(f, "hello".getBytes(StandardCharsets.US_ASCII));
    assertEquals(Kind.KEY_UNREADABLE,
        assertThrows(SigningException.class, () -> KeyLoader.load(KeyLocation.pk8(f, null, null))).kind());
    assertEquals(Kind.KEY_UNREADABLE, assertThrows(SigningException.class,
        () -> KeyLoader.load(KeyLocation.pk8(dir.resolve("missing.pk8"), null, null))).kind());
  }

  @Test
  void passwordSources() throws Exception {
    Path f = dir.resolve("pw");
    Files.write(f, "first line\r\nsecond\n".getBytes(StandardCharsets.UTF_8));
    assertArrayEquals("first line".toCharArray(), PasswordSource.fromFile(f).password());
    Files.write(f, "ünïcode".getBytes(StandardCharsets.UTF_8));
    assertArrayEquals("ünïcode".toCharArray(), PasswordSource.fromFile(f).password());
    assertEquals(Kind.PASSWORD, assertThrows(SigningException.class,
        () -> PasswordSource.fromFile(dir.resolve("none")).password()).kind());
    assertArrayEquals("v".toCharArray(), PasswordSource.fromEnvironment("K", Map.of("K", "v")::get).password());
    SigningException e = assertThrows(SigningException.class,
        () -> PasswordSource.fromEnvironment("K", Map.<String, String>of()::get).password());
    assertTrue(e.getMessage().contains("K is not set"));
    e = assertThrows(SigningException.class, () -> PasswordSource.fromConsole(null, "Password", false).password());
    assertEquals(Kind.PASSWORD, e.kind());
  }

  @Test
  void invalidDistinguishedNameIsASigningException() {
    assertThrows(SigningException.class, () -> KeyGenerator.generate(
        KeyGenOptions.defaults(TestKeys.EPOCH).withBits(2048).withDistinguishedName("not a dn")));
  }

  @Test
  void distinguishedNamesAreEncodedAsKeytoolWould() throws Exception {
    SigningKey k = KeyGenerator.generate(KeyGenOptions.defaults(TestKeys.EPOCH).withBits(2048)
        .withDistinguishedName("CN=Test, O=Example, C=DE"));
    assertEquals("CN=Test,O=Example,C=DE", k.certificate().getSubjectX500Principal().getName());
  }

  @Test
  void randomSerialsDiffer() throws Exception {
    KeyGenOptions o = KeyGenOptions.defaults(TestKeys.EPOCH).withBits(2048);
    BigInteger a = KeyGenerator.generate(o).certificate().getSerialNumber();
    BigInteger b = KeyGenerator.generate(o).certificate().getSerialNumber();
    assertTrue(!a.equals(b));
  }
}
