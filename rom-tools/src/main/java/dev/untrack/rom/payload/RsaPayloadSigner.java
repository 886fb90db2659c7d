package dev.untrack.rom.payload;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAKey;

/**
 * A {@link PayloadSigner} over a JCA RSA private key: PKCS#1 v1.5 over a SHA-256 DigestInfo, the same bytes
 * {@code SHA256withRSA} gives for the data itself and what update_engine verifies. Also verifies, for tests
 * and the checker.
 */
public final class RsaPayloadSigner implements PayloadSigner {
  /** DER prefix of a SHA-256 DigestInfo (RFC 8017 §9.2). */
  private static final byte[] SHA256_DIGEST_INFO = {
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, (byte) 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20
  };

  private final PrivateKey key;
  private final int size;

  public RsaPayloadSigner(PrivateKey key) {
    if (!(key instanceof RSAKey rsa)) {
      throw new IllegalArgumentException("payload signing needs an RSA key, got " + key.getAlgorithm());
    }
    this.key = key;
    this.size = (rsa.getModulus().bitLength() + 7) / 8;
  }

  @Override
  public int signatureSize() {
    return size;
  }

  @Override
  public byte[] sign(byte[] sha256Digest) throws IOException {
    try {
      Signature s = Signature.getInstance("NONEwithRSA");
      s.initSign(key);
      s.update(digestInfo(sha256Digest));
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IOException("RSA signing failed: " + e.getMessage(), e);
    }
  }

  /** True if {@code signature} is a valid PKCS#1 v1.5 SHA-256 signature of {@code sha256Digest}. */
  public static boolean verify(PublicKey key, byte[] sha256Digest, byte[] signature) {
    try {
      Signature s = Signature.getInstance("NONEwithRSA");
      s.initVerify(key);
      s.update(digestInfo(sha256Digest));
      return s.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static byte[] digestInfo(byte[] digest) {
    if (digest.length != 32) {
      throw new IllegalArgumentException("expected a 32-byte SHA-256 digest, got " + digest.length);
    }
    byte[] out = new byte[SHA256_DIGEST_INFO.length + 32];
    System.arraycopy(SHA256_DIGEST_INFO, 0, out, 0, SHA256_DIGEST_INFO.length);
    System.arraycopy(digest, 0, out, SHA256_DIGEST_INFO.length, 32);
    return out;
  }
}
