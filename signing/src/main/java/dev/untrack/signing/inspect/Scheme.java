package dev.untrack.signing.inspect;

/** An APK signature scheme. */
public enum Scheme {
  /** JAR signing: {@code META-INF/*.SF} with a PKCS#7 {@code .RSA}/{@code .DSA}/{@code .EC}. */
  V1(0),
  /** APK Signature Scheme v2 (block id 0x7109871a). */
  V2(0x7109871a),
  /** APK Signature Scheme v3 (block id 0xf05368c0). */
  V3(0xf05368c0),
  /** APK Signature Scheme v3.1 (block id 0x1b93ad61), for key rotation targeting newer platforms. */
  V31(0x1b93ad61);

  private final int blockId;

  Scheme(int blockId) {
    this.blockId = blockId;
  }

  /** The id of this scheme's entry in the APK Signing Block (0 for v1). */
  public int blockId() {
    return blockId;
  }
}
