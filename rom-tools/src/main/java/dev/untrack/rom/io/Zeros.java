package dev.untrack.rom.io;

import java.nio.ByteBuffer;

/** Zero bytes for sources with holes (sparse gaps, ZERO extents, unwritten blocks). */
public final class Zeros {
  private static final byte[] ZEROS = new byte[64 * 1024];

  private Zeros() {}

  /** Puts {@code n} zero bytes into {@code dst}, which must have room for them. */
  public static void put(ByteBuffer dst, int n) {
    while (n > 0) {
      int k = Math.min(n, ZEROS.length);
      dst.put(ZEROS, 0, k);
      n -= k;
    }
  }
}
