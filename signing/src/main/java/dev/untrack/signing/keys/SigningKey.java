package dev.untrack.signing.keys;

import dev.untrack.signing.SigningException;
import dev.untrack.signing.SigningException.Kind;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A private key with its certificate chain (first the key's own certificate), as loaded by {@link KeyLoader} or
 * made by {@link KeyGenerator}. The chain may be empty for a bare private key, which is enough for AVB and payload
 * signatures but not for APKs or OTA zips ({@link #certificate()} refuses then).
 */
public final class SigningKey {
  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final List<X509Certificate> chain;
  private final String source;

  SigningKey(PrivateKey privateKey, PublicKey publicKey, List<X509Certificate> chain, String source) {
    this.privateKey = Objects.requireNonNull(privateKey);
    this.publicKey = Objects.requireNonNull(publicKey);
    this.chain = List.copyOf(chain);
    this.source = source;
  }

  public PrivateKey privateKey() {
    return privateKey;
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  /** The certificate chain, the key's own certificate first; empty for a bare key. */
  public List<X509Certificate> certificates() {
    return chain;
  }

  /** The key's own certificate. */
  public X509Certificate certificate() throws SigningException {
    if (chain.isEmpty()) {
      throw SigningException.of(Kind.KEY_UNREADABLE, null,
          source + ": this operation needs the key's certificate (give --cert with a .pk8 key)");
    }
    return chain.get(0);
  }

  /** {@code RSA}, {@code EC} or {@code DSA}. */
  public String algorithm() {
    return privateKey.getAlgorithm();
  }

  /** Key size in bits (RSA modulus, EC field, DSA p). */
  public int keySizeBits() {
    if (publicKey instanceof RSAKey r) {
      return r.getModulus().bitLength();
    }
    if (publicKey instanceof ECKey e) {
      return e.getParams().getCurve().getField().getFieldSize();
    }
    if (publicKey instanceof DSAKey d) {
      return d.getParams().getP().bitLength();
    }
    return -1;
  }

  /** RSA modulus, for AVB key encoding. */
  public BigInteger rsaModulus() throws SigningException {
    if (publicKey instanceof RSAKey r) {
      return r.getModulus();
    }
    throw SigningException.of(Kind.UNSUPPORTED, null, source + ": an RSA key is needed, this is " + algorithm());
  }

  /** Where the key came from (a file name), for messages. */
  public String source() {
    return source;
  }

  /** SHA-256 of the key's own certificate (DER), lower-case hex, or null for a bare key. */
  public String certificateSha256() {
    return chain.isEmpty() ? null : certificateSha256(chain.get(0));
  }

  public static String certificateSha256(X509Certificate cert) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "SigningKey[" + algorithm() + " " + keySizeBits() + " from " + source + "]";
  }
}
