package dev.untrack.signing.keys;

import dev.untrack.signing.SigningException;
import dev.untrack.signing.SigningException.Kind;
import dev.untrack.signing.internal.AtomicFiles;
import dev.untrack.signing.internal.JdkContentSigner;
import dev.untrack.signing.internal.Pem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.cert.X509ExtensionUtils;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.DigestCalculator;

/**
 * Makes a new RSA signing key with a self-signed X.509 v3 certificate, and writes it as a PKCS12 keystore and
 * optionally as an AOSP-style {@code .pk8} + {@code .x509.pem} pair. Files are written atomically and never
 * replace an existing file unless asked to.
 */
public final class KeyGenerator {
  private KeyGenerator() {}

  public static SigningKey generate(KeyGenOptions options) throws SigningException {
    return generate(options, null);
  }

  /**
   * As {@link #generate(KeyGenOptions)}, drawing the key from {@code random} (null: the JDK default). A seeded
   * generator gives the same key every time: only for throw-away keys such as the demo's.
   */
  public static SigningKey generate(KeyGenOptions options, SecureRandom random) throws SigningException {
    X500Name dn;
    try {
      // the JDK's parser, so the DN is encoded the way keytool would encode it (most significant RDN first)
      dn = X500Name.getInstance(new X500Principal(options.distinguishedName()).getEncoded());
    } catch (IllegalArgumentException e) {
      throw SigningException.of(Kind.SIGN_FAILED, null, "invalid distinguished name '" + options.distinguishedName()
          + "' (example: CN=untrack, O=Example)", e);
    }
    try {
      KeyPairGenerator kpg = KeyPairGenerator.getInstance("RSA");
      RSAKeyGenParameterSpec spec = new RSAKeyGenParameterSpec(options.bits(), RSAKeyGenParameterSpec.F4);
      if (random == null) {
        kpg.initialize(spec);
      } else {
        kpg.initialize(spec, random);
      }
      KeyPair pair = kpg.generateKeyPair();
      SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded());
      BigInteger serial = options.deterministicSerial() ? serialFrom(pair.getPublic().getEncoded()) : randomSerial();
      Date notBefore = Date.from(options.notBefore());
      Date notAfter = Date.from(options.notBefore().plus(options.validity()));
      X509v3CertificateBuilder b = new X509v3CertificateBuilder(dn, serial, notBefore, notAfter, dn, spki);
      X509ExtensionUtils ext = new X509ExtensionUtils(new Sha1Calculator());
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(spki));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(spki));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      byte[] der = b.build(JdkContentSigner.of("SHA256withRSA", pair.getPrivate())).getEncoded();
      X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
      return new SigningKey(pair.getPrivate(), pair.getPublic(), List.of(cert), "generated key");
    } catch (GeneralSecurityException | IOException e) {
      throw SigningException.of(Kind.SIGN_FAILED, null, "cannot generate the key: " + e.getMessage(), e);
    }
  }

  /** Writes {@code key} into a new PKCS12 keystore protected by {@code password} (store and key alike). */
  public static void writePkcs12(SigningKey key, Path target, String alias, PasswordSource password,
      boolean overwrite) throws SigningException {
    char[] pw = password.password();
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry(alias, key.privateKey(), pw, key.certificates().toArray(new X509Certificate[0]));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ks.store(out, pw);
      AtomicFiles.write(target, out.toByteArray(), overwrite, true);
    } catch (GeneralSecurityException | IOException e) {
      if (e instanceof SigningException se) {
        throw se;
      }
      throw SigningException.of(Kind.IO, target, "cannot write the keystore: " + e.getMessage(), e);
    } finally {
      Arrays.fill(pw, '\0');
    }
  }

  /**
   * Writes {@code PREFIX.pk8} (unencrypted DER PKCS#8, readable by its owner only, as AOSP's signapk expects) and
   * {@code PREFIX.x509.pem}. Both or neither are written: the second file is checked before the first is made.
   */
  public static List<Path> writePk8(SigningKey key, Path prefix, boolean overwrite) throws SigningException {
    Path pk8 = prefix.resolveSibling(prefix.getFileName() + ".pk8");
    Path pem = prefix.resolveSibling(prefix.getFileName() + ".x509.pem");
    if (!overwrite) {
      for (Path p : List.of(pk8, pem)) {
        if (java.nio.file.Files.exists(p)) {
          throw SigningException.of(Kind.OUTPUT_EXISTS, p, "already exists (use --force to overwrite)");
        }
      }
    }
    byte[] certPem;
    try {
      certPem = Pem.encode("CERTIFICATE", key.certificate().getEncoded()).getBytes(StandardCharsets.US_ASCII);
    } catch (java.security.cert.CertificateEncodingException e) {
      throw SigningException.of(Kind.IO, pem, "cannot encode the certificate", e);
    }
    AtomicFiles.write(pk8, key.privateKey().getEncoded(), overwrite, true);
    AtomicFiles.write(pem, certPem, overwrite, false);
    return List.of(pk8, pem);
  }

  private static BigInteger randomSerial() {
    byte[] b = new byte[8];
    new SecureRandom().nextBytes(b);
    b[0] &= 0x7f;
    BigInteger s = new BigInteger(1, b);
    return s.signum() == 0 ? BigInteger.ONE : s;
  }

  /** Positive 63-bit serial from SHA-256 of the public key: same key, same certificate serial. */
  static BigInteger serialFrom(byte[] publicKey) throws GeneralSecurityException {
    byte[] d = Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(publicKey), 8);
    d[0] &= 0x7f;
    BigInteger s = new BigInteger(1, d);
    return s.signum() == 0 ? BigInteger.ONE : s;
  }

  /** SHA-1 for key identifiers (RFC 5280 method 1), computed by the JDK. */
  private static final class Sha1Calculator implements DigestCalculator {
    private final MessageDigest md;
    private final OutputStream stream;

    Sha1Calculator() throws GeneralSecurityException {
      md = MessageDigest.getInstance("SHA-1");
      stream = new OutputStream() {
        @Override
        public void write(int b) {
          md.update((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          md.update(b, off, len);
        }
      };
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
      return new AlgorithmIdentifier(OIWObjectIdentifiers.idSHA1);
    }

    @Override
    public OutputStream getOutputStream() {
      return stream;
    }

    @Override
    public byte[] getDigest() {
      return md.digest();
    }
  }
}
