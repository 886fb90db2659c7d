package dev.untrack.rom.ext4;

/** The CRC-16 (poly 0x8005, reflected) that ext4's older {@code gdt_csum} group descriptor checksum uses. */
final class Crc16 {
  private static final int[] TABLE = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int c = i;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? (c >>> 1) ^ 0xA001 : c >>> 1;
      }
      TABLE[i] = c;
    }
  }

  private Crc16() {}

  static int update(int crc, byte[] b, int off, int len) {
    int c = crc & 0xffff;
    for (int i = off; i < off + len; i++) {
      c = (c >>> 8) ^ TABLE[(c ^ b[i]) & 0xff];
    }
    return c;
  }
}
