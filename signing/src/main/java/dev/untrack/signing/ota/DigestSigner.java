package dev.untrack.signing.ota;

import dev.untrack.signing.SigningException;
import dev.untrack.signing.SigningException.Kind;
import dev.untrack.signing.keys.SigningKey;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAKey;

/**
 * {@link Signer}s over a precomputed SHA-256 digest. For RSA this is exactly what update_engine checks: it
 * applies the public key to the signature without padding removal and compares the result with the PKCS#1 v1.5
 * encoding of the digest ({@code 00 01 FF..FF 00 DigestInfo(SHA-256) digest}); so the signature is the same as a
 * {@code SHA256withRSA} signature of the data the digest was taken of. RSA PKCS#1 v1.5 is deterministic.
 */
public final class DigestSigner {
  /** DER {@code DigestInfo} header for SHA-256 (RFC 8017 §9.2, note 1). */
  static final byte[] SHA256_DIGEST_INFO = {
      0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, (byte) 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
      0x04, 0x20};

  private DigestSigner() {}

  /** RSA PKCS#1 v1.5 (or ECDSA, DER-encoded, for EC keys) over the given SHA-256 digest. */
  public static Signer of(SigningKey key) {
    return digest -> {
      if (digest == null || digest.length != 32) {
        throw SigningException.of(Kind.SIGN_FAILED, null, "a SHA-256 digest is 32 bytes");
      }
      try {
        Signature s;
        if ("RSA".equals(key.algorithm())) {
          s = Signature.getInstance("NONEwithRSA");
          s.initSign(key.privateKey());
          s.update(SHA256_DIGEST_INFO);
          s.update(digest);
        } else if ("EC".equals(key.algorithm())) {
          s = Signature.getInstance("NONEwithECDSA");
          s.initSign(key.privateKey());
          s.update(digest);
        } else {
          throw SigningException.of(Kind.UNSUPPORTED, null, key.source() + ": payload signing needs an RSA or EC key");
        }
        return s.sign();
      } catch (GeneralSecurityException e) {
        throw SigningException.of(Kind.SIGN_FAILED, null, "cannot sign the digest: " + e.getMessage(), e);
      }
    };
  }

  /**
   * The size of the signatures {@link #of} makes with an RSA key (the modulus size in bytes), which payload
   * writers must reserve before signing. -1 for EC keys, whose DER signatures vary in length.
   */
  public static int signatureSize(SigningKey key) {
    return key.publicKey() instanceof RSAKey r ? (r.getModulus().bitLength() + 7) / 8 : -1;
  }
}
