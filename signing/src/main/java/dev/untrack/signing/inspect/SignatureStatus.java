package dev.untrack.signing.inspect;

/** The state of an APK's signature, as the checker reports it. */
public enum SignatureStatus {
  /** apksig verifies the APK fully. */
  VERIFIES,
  /**
   * The digests no longer match, but the certificates are exactly the baseline's and the signature blocks are
   * intact: what a keep-cert patch produces; Android accepts it for system apps.
   */
  ORIGINAL_CERT_KEPT,
  /** No signature of any scheme. */
  UNSIGNED,
  /** Signed, but neither verifying nor a faithful keep-cert: see the issues. */
  BROKEN
}
