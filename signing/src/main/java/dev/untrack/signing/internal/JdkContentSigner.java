package dev.untrack.signing.internal;

import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.RuntimeOperatorException;

/**
 * A BouncyCastle {@link ContentSigner} whose signature is made by the JDK's own providers. BouncyCastle serves
 * only to build ASN.1 structures: bundled into the untrack fat jar it is unsigned and cannot act as a JCE
 * provider, so nothing here may name the "BC" provider.
 */
public final class JdkContentSigner implements ContentSigner {
  private final AlgorithmIdentifier algorithm;
  private final Signature signature;
  private final OutputStream stream;

  private JdkContentSigner(AlgorithmIdentifier algorithm, Signature signature) {
    this.algorithm = algorithm;
    this.signature = signature;
    this.stream = new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        try {
          signature.update(b, off, len);
        } catch (GeneralSecurityException e) {
          throw new RuntimeOperatorException("signing failed: " + e.getMessage(), e);
        }
      }
    };
  }

  /** {@code jcaName} is a JDK signature name such as {@code SHA256withRSA} or {@code SHA256withECDSA}. */
  public static JdkContentSigner of(String jcaName, PrivateKey key) throws GeneralSecurityException {
    Signature s = Signature.getInstance(jcaName);
    s.initSign(key);
    return new JdkContentSigner(new DefaultSignatureAlgorithmIdentifierFinder().find(jcaName), s);
  }

  /** The JDK signature name matching a key: SHA-256 with RSA, ECDSA or DSA. */
  public static String sha256NameFor(PrivateKey key) {
    switch (key.getAlgorithm()) {
      case "RSA":
        return "SHA256withRSA";
      case "EC":
        return "SHA256withECDSA";
      case "DSA":
        return "SHA256withDSA";
      default:
        throw new IllegalArgumentException("unsupported key algorithm " + key.getAlgorithm());
    }
  }

  @Override
  public AlgorithmIdentifier getAlgorithmIdentifier() {
    return algorithm;
  }

  @Override
  public OutputStream getOutputStream() {
    return stream;
  }

  @Override
  public byte[] getSignature() {
    try {
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new RuntimeOperatorException("signing failed: " + e.getMessage(), e);
    }
  }
}
