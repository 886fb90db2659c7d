package dev.untrack.signing.avb;

/** vbmeta signing algorithms ({@code AvbAlgorithmType}): RSA PKCS#1 v1.5 over SHA-256 or SHA-512. */
public enum AvbAlgorithm {
  NONE(0, null, 0, 0),
  SHA256_RSA2048(1, "SHA-256", 32, 2048),
  SHA256_RSA4096(2, "SHA-256", 32, 4096),
  SHA256_RSA8192(3, "SHA-256", 32, 8192),
  SHA512_RSA2048(4, "SHA-512", 64, 2048),
  SHA512_RSA4096(5, "SHA-512", 64, 4096),
  SHA512_RSA8192(6, "SHA-512", 64, 8192),
  SHA256_RSA3072(7, "SHA-256", 32, 3072),
  SHA512_RSA3072(8, "SHA-512", 64, 3072);

  private final int type;
  private final String digest;
  private final int hashSize;
  private final int keyBits;

  AvbAlgorithm(int type, String digest, int hashSize, int keyBits) {
    this.type = type;
    this.digest = digest;
    this.hashSize = hashSize;
    this.keyBits = keyBits;
  }

  /** The value of the header's {@code algorithm_type}. */
  public int type() {
    return type;
  }

  /** JDK digest name, or null for {@link #NONE}. */
  public String digest() {
    return digest;
  }

  /** JDK signature name ({@code SHA256withRSA}...), or null for {@link #NONE}. */
  public String jcaSignature() {
    return digest == null ? null : digest.replace("-", "") + "withRSA";
  }

  public int hashSize() {
    return hashSize;
  }

  public int signatureSize() {
    return keyBits / 8;
  }

  public int keyBits() {
    return keyBits;
  }

  /** Size of the AVB public key blob: header, modulus, R^2 mod n. */
  public int publicKeySize() {
    return keyBits == 0 ? 0 : 8 + 2 * keyBits / 8;
  }

  public static AvbAlgorithm ofType(int type) {
    for (AvbAlgorithm a : values()) {
      if (a.type == type) {
        return a;
      }
    }
    return null;
  }

  /** The algorithm for an RSA key of {@code bits} with SHA-256 or SHA-512. */
  public static AvbAlgorithm forKey(int bits, boolean sha512) {
    for (AvbAlgorithm a : values()) {
      if (a.keyBits == bits && a.hashSize == (sha512 ? 64 : 32)) {
        return a;
      }
    }
    throw new IllegalArgumentException("AVB has no algorithm for RSA-" + bits + " (2048, 3072, 4096, 8192 are supported)");
  }
}
