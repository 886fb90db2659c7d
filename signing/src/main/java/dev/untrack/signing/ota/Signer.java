package dev.untrack.signing.ota;

import dev.untrack.signing.SigningException;

/**
 * Signs a SHA-256 digest, for payloads whose signed data is hashed elsewhere (A/B OTA {@code payload.bin}: the
 * payload writer hashes the payload and the metadata and asks for a signature of each hash).
 */
@FunctionalInterface
public interface Signer {
  /** The signature of {@code sha256Digest} (32 bytes). */
  byte[] sign(byte[] sha256Digest) throws SigningException;
}
