package dev.untrack.rom.erofs;

import static dev.untrack.rom.io.LittleEndian.u16;
import static dev.untrack.rom.io.LittleEndian.u32;
import static dev.untrack.rom.io.LittleEndian.u64;
import static dev.untrack.rom.io.LittleEndian.u8;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.fs.Crc32c;
import java.nio.charset.StandardCharsets;

/** The EROFS superblock ({@code struct erofs_super_block}, 128 bytes at byte 1024), validated. */
public record ErofsSuperblock(
    int blockSizeBits,
    long rootNid,
    long inodeCount,
    long buildTime,
    int buildTimeNsec,
    long blocks,
    long metaBlkaddr,
    long xattrBlkaddr,
    byte[] uuid,
    String volumeName,
    long featureCompat,
    long featureIncompat,
    int availableComprAlgs,
    int extraDevices,
    int dirBlockBits,
    int xattrPrefixCount,
    long xattrPrefixStart,
    long packedNid,
    int extSlots) {

  public static final int OFFSET = 1024;
  public static final int MAGIC = 0xE0F5E1E2;

  public static final long COMPAT_SB_CHKSUM = 0x1;
  public static final long INCOMPAT_ZERO_PADDING = 0x1;
  public static final long INCOMPAT_COMPR_CFGS = 0x2;
  public static final long INCOMPAT_BIG_PCLUSTER = 0x2;
  public static final long INCOMPAT_CHUNKED_FILE = 0x4;
  public static final long INCOMPAT_DEVICE_TABLE = 0x8;
  public static final long INCOMPAT_ZTAILPACKING = 0x10;
  public static final long INCOMPAT_FRAGMENTS = 0x20;
  public static final long INCOMPAT_DEDUPE = 0x20;
  public static final long INCOMPAT_XATTR_PREFIXES = 0x40;
  public static final long INCOMPAT_48BIT = 0x80;
  public static final long INCOMPAT_METABOX = 0x100;
  static final long INCOMPAT_KNOWN = 0x7F;

  static ErofsSuperblock parse(byte[] block, int sbOff, int blockSizeForCsum, String source)
      throws RomFormatException {
    byte[] b = block;
    int o = sbOff;
    if ((int) u32(b, o) != MAGIC) {
      throw corrupt(source, OFFSET, "no EROFS magic 0xE0F5E1E2");
    }
    int bits = u8(b, o + 12);
    if (bits < 9 || bits > 16) {
      throw corrupt(source, OFFSET + 12, "block size 2^" + bits + " is out of range");
    }
    long compat = u32(b, o + 8);
    long incompat = u32(b, o + 80);
    if ((incompat & INCOMPAT_48BIT) != 0) {
      throw unsupported(source, OFFSET + 80, "EROFS 48-bit block addressing is not supported");
    }
    if ((incompat & INCOMPAT_METABOX) != 0) {
      throw unsupported(source, OFFSET + 80, "EROFS metabox is not supported");
    }
    if ((incompat & ~INCOMPAT_KNOWN) != 0) {
      throw unsupported(source, OFFSET + 80,
          String.format("unknown incompatible features 0x%x", incompat & ~INCOMPAT_KNOWN));
    }
    if ((compat & COMPAT_SB_CHKSUM) != 0) {
      int len = (1 << bits) - OFFSET;
      if (len <= 0 || len > b.length - o) {
        len = Math.min(b.length - o, 4096 - OFFSET);
      }
      int stored = (int) u32(b, o + 4);
      int c = Crc32c.update(~0, b, o, 4);
      c = Crc32c.updateZeros(c, 4);
      c = Crc32c.update(c, b, o + 8, len - 8);
      if (c != stored) {
        throw corrupt(source, OFFSET + 4,
            String.format("superblock checksum mismatch (stored 0x%08x, computed 0x%08x)", stored, c));
      }
    }
    int extraDevices = u16(b, o + 86);
    if (extraDevices != 0) {
      throw unsupported(source, OFFSET + 86, "multi-device EROFS (" + extraDevices + " extra devices)");
    }
    int dirBits = u8(b, o + 90);
    if (dirBits != 0) {
      throw unsupported(source, OFFSET + 90, "directory block size other than the block size");
    }
    int i = 0;
    while (i < 16 && b[o + 64 + i] != 0) {
      i++;
    }
    return new ErofsSuperblock(bits, u16(b, o + 14), u64(b, o + 16), u64(b, o + 24), (int) u32(b, o + 32),
        u32(b, o + 36), u32(b, o + 40), u32(b, o + 44), java.util.Arrays.copyOfRange(b, o + 48, o + 64),
        new String(b, o + 64, i, StandardCharsets.UTF_8), compat, incompat, u16(b, o + 84), extraDevices,
        dirBits, u8(b, o + 91), u32(b, o + 92), u64(b, o + 96), u8(b, o + 13));
  }

  public int blockSize() {
    return 1 << blockSizeBits;
  }

  public boolean has(long incompatBit) {
    return (featureIncompat & incompatBit) != 0;
  }

  @Override
  public byte[] uuid() {
    return uuid.clone();
  }

  static RomFormatException corrupt(String source, long offset, String detail) {
    return RomFormatException.corrupt(source, "erofs", offset, detail);
  }

  static RomFormatException unsupported(String source, long offset, String detail) {
    return RomFormatException.unsupported(source, "erofs", offset, detail);
  }
}
