package dev.untrack.rom.payload;

import java.io.IOException;

/**
 * Signs payload digests. update_engine verifies an RSA PKCS#1 v1.5 signature of a SHA-256 digest (the same
 * bytes JCA's {@code SHA256withRSA} produces for the underlying data): the signing module adapts its key to
 * this interface. Both payload signatures go through it: the metadata signature (over
 * SHA-256(header ‖ manifest)) and the payload signature (over SHA-256 of everything before the signature
 * message, the metadata signature excluded).
 */
public interface PayloadSigner {
  /** Exact length in bytes of every signature this signer returns (the RSA modulus size). */
  int signatureSize();

  /** Signs a 32-byte SHA-256 digest. */
  byte[] sign(byte[] sha256Digest) throws IOException;
}
