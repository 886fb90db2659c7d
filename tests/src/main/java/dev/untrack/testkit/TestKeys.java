package dev.untrack.testkit;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Throw-away RSA keys with self-signed certificates, standing in for a vendor's platform key in fixtures. */
public final class TestKeys {
  /** A key and its certificate. */
  public record SigningKey(PrivateKey privateKey, X509Certificate certificate) {}

  private TestKeys() {}

  /** A fresh 2048-bit RSA key with a self-signed certificate for {@code CN=<commonName>}. */
  public static SigningKey generate(String commonName) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048, new SecureRandom());
      KeyPair kp = g.generateKeyPair();
      X500Name dn = new X500Name("CN=" + commonName + ", O=untrack test fixtures");
      Date from = new Date(1_500_000_000_000L);
      Date to = new Date(4_000_000_000_000L);
      JcaX509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(dn, BigInteger.valueOf(commonName.hashCode() & 0x7fffffff), from, to, dn, kp.getPublic());
      X509Certificate cert = new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate())));
      return new SigningKey(kp.getPrivate(), cert);
    } catch (Exception e) {
      throw new IllegalStateException("cannot make a test key", e);
    }
  }
}
