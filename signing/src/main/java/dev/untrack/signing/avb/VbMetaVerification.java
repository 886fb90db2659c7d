package dev.untrack.signing.avb;

import java.security.interfaces.RSAPublicKey;

/**
 * Whether a vbmeta's signature holds against the public key it embeds. (Whether that key is one the device
 * trusts is a separate question: the bootloader's or the parent vbmeta's chain descriptor answers it.)
 *
 * @param status the verdict
 * @param detail why, in words
 * @param publicKey the embedded key, or null when unsigned or unreadable
 */
public record VbMetaVerification(Status status, String detail, RSAPublicKey publicKey) {
  /** The verdict. */
  public enum Status {
    /** Hash and RSA signature over header and auxiliary block match the embedded key. */
    VERIFIES,
    /** Algorithm NONE: nothing to verify. */
    UNSIGNED,
    /** The stored hash is not the hash of header and auxiliary block (e.g. flags changed without re-signing). */
    HASH_MISMATCH,
    /** The hash matches but the signature does not verify with the embedded key. */
    SIGNATURE_INVALID,
    /** Sizes, algorithm or key are inconsistent. */
    MALFORMED
  }

  public boolean verifies() {
    return status == Status.VERIFIES;
  }
}
