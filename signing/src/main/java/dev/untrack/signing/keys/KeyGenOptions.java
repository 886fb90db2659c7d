package dev.untrack.signing.keys;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What {@link KeyGenerator} makes.
 *
 * @param distinguishedName the certificate's subject and issuer, e.g. {@code CN=untrack, O=me}
 * @param bits RSA modulus size: 4096 (default) or 2048
 * @param notBefore start of validity (the caller's clock: the library reads none)
 * @param validity how long the certificate is valid; Android ignores expiry of APK signing certificates, so
 *     this only matters to other tools
 * @param deterministicSerial derive the serial number from the public key instead of drawing it at random
 */
public record KeyGenOptions(
    String distinguishedName, int bits, Instant notBefore, Duration validity, boolean deterministicSerial) {
  public static final String DEFAULT_DN = "CN=untrack";
  public static final int DEFAULT_BITS = 4096;
  /** AOSP's {@code make_key} uses 10000 days. */
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(10_000);

  public KeyGenOptions {
    Objects.requireNonNull(distinguishedName, "distinguishedName");
    Objects.requireNonNull(notBefore, "notBefore");
    Objects.requireNonNull(validity, "validity");
    if (bits != 2048 && bits != 3072 && bits != 4096 && bits != 8192) {
      throw new IllegalArgumentException("RSA key size must be 2048, 3072, 4096 or 8192, not " + bits);
    }
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("validity must be positive");
    }
  }

  public static KeyGenOptions defaults(Instant notBefore) {
    return new KeyGenOptions(DEFAULT_DN, DEFAULT_BITS, notBefore, DEFAULT_VALIDITY, false);
  }

  public KeyGenOptions withDistinguishedName(String dn) {
    return new KeyGenOptions(dn, bits, notBefore, validity, deterministicSerial);
  }

  public KeyGenOptions withBits(int b) {
    return new KeyGenOptions(distinguishedName, b, notBefore, validity, deterministicSerial);
  }

  public KeyGenOptions withDeterministicSerial(boolean d) {
    return new KeyGenOptions(distinguishedName, bits, notBefore, validity, d);
  }
}
