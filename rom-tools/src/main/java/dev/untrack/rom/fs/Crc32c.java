package dev.untrack.rom.fs;

/**
 * CRC-32C (Castagnoli) in the "raw" form the Linux kernel uses for ext4 and EROFS metadata: the caller chooses
 * the seed and no final inversion is applied. {@code java.util.zip.CRC32C} always starts from ~0 and inverts
 * the result, which cannot express ext4's chained, seeded checksums.
 */
public final class Crc32c {
  private static final int[] TABLE = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int c = i;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? (c >>> 1) ^ 0x82F63B78 : c >>> 1;
      }
      TABLE[i] = c;
    }
  }

  private Crc32c() {}

  public static int update(int crc, byte[] b, int off, int len) {
    int c = crc;
    for (int i = off, end = off + len; i < end; i++) {
      c = TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8);
    }
    return c;
  }

  /** Feeds {@code len} zero bytes: how a checksum field is skipped without copying the record. */
  public static int updateZeros(int crc, int len) {
    int c = crc;
    for (int i = 0; i < len; i++) {
      c = TABLE[c & 0xff] ^ (c >>> 8);
    }
    return c;
  }

  public static int updateInt(int crc, int v) {
    int c = crc;
    for (int i = 0; i < 4; i++) {
      c = TABLE[(c ^ (v >>> (8 * i))) & 0xff] ^ (c >>> 8);
    }
    return c;
  }
}
