package dev.untrack.rom.sparse;

/**
 * CRC-32 (the zlib/IEEE one {@link java.util.zip.CRC32} computes) of concatenations, of runs of zeros and of
 * repeated patterns without touching every byte: the CRC register is linear, so appending n zero bytes is a
 * 32x32 matrix over GF(2) raised to the n-th power by squaring. Lets checksum verification skip gigabytes of
 * DONT_CARE and FILL in O(log n).
 */
final class Crc32Math {
  private static final long POLY = 0xedb88320L;

  private Crc32Math() {}

  /** CRC-32 of A‖B from CRC(A), CRC(B) and the length of B. */
  static long combine(long crcA, long crcB, long lenB) {
    if (lenB <= 0) {
      return crcA;
    }
    long[] odd = new long[32];
    long[] even = new long[32];
    odd[0] = POLY; // operator for one zero bit
    long row = 1;
    for (int n = 1; n < 32; n++) {
      odd[n] = row;
      row <<= 1;
    }
    square(even, odd); // two zero bits
    square(odd, even); // four zero bits
    long crc = crcA;
    long len = lenB;
    while (true) {
      square(even, odd); // first pass: one zero byte, then doubling
      if ((len & 1) != 0) {
        crc = times(even, crc);
      }
      len >>>= 1;
      if (len == 0) {
        break;
      }
      square(odd, even);
      if ((len & 1) != 0) {
        crc = times(odd, crc);
      }
      len >>>= 1;
      if (len == 0) {
        break;
      }
    }
    return (crc ^ crcB) & 0xffffffffL;
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

  private static long times(long[] mat, long vec) {
    long sum = 0;
    int i = 0;
    while (vec != 0) {
      if ((vec & 1) != 0) {
        sum ^= mat[i];
      }
      vec >>>= 1;
      i++;
    }
    return sum;
  }

  private static void square(long[] square, long[] mat) {
    for (int n = 0; n < 32; n++) {
      square[n] = times(mat, mat[n]);
    }
  }
}
