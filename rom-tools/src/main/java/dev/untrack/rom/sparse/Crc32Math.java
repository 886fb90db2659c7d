package dev.untrack.rom.sparse;

/**
 * CRC-32 (the zlib/IEEE one {@link java.util.zip.CRC32} computes) of concatenations, of runs of zeros and of
 * repeated patterns without touching every byte: the CRC register is linear, so appending n zero bytes is a
 * multiplication by x^(8n) modulo the polynomial, computed from a table of x^(2^k). Lets checksum verification
 * skip gigabytes of DONT_CARE and FILL in O(log n).
 */
final class Crc32Math {
  private static final long POLY = 0xedb88320L;

  private Crc32Math() {}

  /** x^(2^k) modulo the CRC polynomial, k = 0..31 (zlib's x2n_table). */
  private static final long[] X2N = new long[32];

  static {
    long p = 1L << 30; // x^1
    X2N[0] = p;
    for (int n = 1; n < 32; n++) {
      p = multModP(p, p);
      X2N[n] = p;
    }
  }

  /**
   * CRC-32 of A‖B from CRC(A), CRC(B) and the length of B: CRC(A) times x^(8·lenB) modulo the polynomial, as
   * zlib's {@code crc32_combine} does since 1.2.12 (a few hundred steps, where squaring 32x32 matrices took
   * tens of thousands; the CRC lists of a large image combine once per chunk).
   */
  static long combine(long crcA, long crcB, long lenB) {
    if (lenB <= 0) {
      return crcA;
    }
    return (multModP(x2nModP(lenB, 3), crcA & 0xffffffffL) ^ crcB) & 0xffffffffL;
  }

  /** a·b modulo the polynomial, bit-reflected as CRC-32 keeps its register. */
  private static long multModP(long a, long b) {
    long m = 1L << 31;
    long p = 0;
    while (true) {
      if ((a & m) != 0) {
        p ^= b;
        if ((a & (m - 1)) == 0) {
          break;
        }
      }
      m >>>= 1;
      b = (b & 1) != 0 ? (b >>> 1) ^ POLY : b >>> 1;
    }
    return p;
  }

  /** x^(n·2^k) modulo the polynomial. */
  private static long x2nModP(long n, int k) {
    long p = 1L << 31; // x^0
    while (n != 0) {
      if ((n & 1) != 0) {
        p = multModP(X2N[k & 31], p);
      }
      n >>>= 1;
      k++;
    }
    return p;
  }

  /** CRC-32 of {@code count} copies of a unit whose CRC-32 is {@code unitCrc} and length {@code unitLen}. */
  static long repeat(long unitCrc, long unitLen, long count) {
    long result = 0;
    long base = unitCrc;
    long baseLen = unitLen;
    long n = count;
    while (n > 0) {
      if ((n & 1) != 0) {
        result = combine(result, base, baseLen);
      }
      n >>>= 1;
      if (n > 0) {
        base = combine(base, base, baseLen);
        baseLen <<= 1;
      }
    }
    return result;
  }

  /** CRC-32 of {@code n} zero bytes. */
  static long zeros(long n) {
    return repeat(0xd202ef8dL, 1, n);
  }
}
