package dev.untrack.rom.io;

/** Little-endian field access on byte arrays. Callers bounds-check the record first; these only index. */
public final class LittleEndian {
  private LittleEndian() {}

  public static int u8(byte[] b, int off) {
    return b[off] & 0xff;
  }

  public static int u16(byte[] b, int off) {
    return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8;
  }

  /** Unsigned 32-bit value as a long. */
  public static long u32(byte[] b, int off) {
    return s32(b, off) & 0xffffffffL;
  }

  public static int s32(byte[] b, int off) {
    return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
  }

  public static long u64(byte[] b, int off) {
    return u32(b, off) | u32(b, off + 4) << 32;
  }

  public static void put32(byte[] b, int off, int v) {
    b[off] = (byte) v;
    b[off + 1] = (byte) (v >>> 8);
    b[off + 2] = (byte) (v >>> 16);
    b[off + 3] = (byte) (v >>> 24);
  }
}
