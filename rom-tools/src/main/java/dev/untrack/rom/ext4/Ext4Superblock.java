package dev.untrack.rom.ext4;

import static dev.untrack.rom.io.LittleEndian.u16;
import static dev.untrack.rom.io.LittleEndian.u32;
import static dev.untrack.rom.io.LittleEndian.u8;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.fs.Crc32c;
import java.nio.charset.StandardCharsets;

/**
 * The ext4 superblock fields a reader needs, validated. Offsets are those of {@code struct ext4_super_block}
 * (1024 bytes at byte 1024 of the image).
 *
 * @param checksumSeed the crc32c seed for metadata checksums (from {@code s_checksum_seed} or the UUID), valid
 *     when {@link #metadataCsum()}
 */
public record Ext4Superblock(
    int blockSize,
    long blocksCount,
    long inodesCount,
    long firstDataBlock,
    long blocksPerGroup,
    long inodesPerGroup,
    int inodeSize,
    long firstIno,
    int descSize,
    long featureCompat,
    long featureIncompat,
    long featureRoCompat,
    long firstMetaBg,
    byte[] uuid,
    String volumeName,
    String lastMounted,
    int checksumSeed) {

  public static final int OFFSET = 1024;
  public static final int SIZE = 1024;
  public static final int MAGIC = 0xEF53;

  public static final long COMPAT_DIR_INDEX = 0x20;
  public static final long INCOMPAT_FILETYPE = 0x2;
  public static final long INCOMPAT_RECOVER = 0x4;
  public static final long INCOMPAT_JOURNAL_DEV = 0x8;
  public static final long INCOMPAT_META_BG = 0x10;
  public static final long INCOMPAT_EXTENTS = 0x40;
  public static final long INCOMPAT_64BIT = 0x80;
  public static final long INCOMPAT_MMP = 0x100;
  public static final long INCOMPAT_FLEX_BG = 0x200;
  public static final long INCOMPAT_EA_INODE = 0x400;
  public static final long INCOMPAT_DIRDATA = 0x1000;
  public static final long INCOMPAT_CSUM_SEED = 0x2000;
  public static final long INCOMPAT_LARGEDIR = 0x4000;
  public static final long INCOMPAT_INLINE_DATA = 0x8000;
  public static final long INCOMPAT_ENCRYPT = 0x10000;
  public static final long INCOMPAT_CASEFOLD = 0x20000;
  public static final long RO_COMPAT_GDT_CSUM = 0x10;
  public static final long RO_COMPAT_METADATA_CSUM = 0x400;
  public static final long RO_COMPAT_SHARED_BLOCKS = 0x4000;

  /** Incompatible features whose on-disk changes this reader understands. */
  static final long INCOMPAT_KNOWN = INCOMPAT_FILETYPE | INCOMPAT_RECOVER | INCOMPAT_META_BG | INCOMPAT_EXTENTS
      | INCOMPAT_64BIT | INCOMPAT_MMP | INCOMPAT_FLEX_BG | INCOMPAT_EA_INODE | INCOMPAT_CSUM_SEED
      | INCOMPAT_LARGEDIR | INCOMPAT_INLINE_DATA | INCOMPAT_CASEFOLD;

  static Ext4Superblock parse(byte[] sb, String source) throws RomFormatException {
    if (u16(sb, 0x38) != MAGIC) {
      throw corrupt(source, OFFSET + 0x38, "no ext4 magic 0xEF53");
    }
    long roCompat = u32(sb, 0x64);
    long incompat = u32(sb, 0x60);
    if ((roCompat & RO_COMPAT_METADATA_CSUM) != 0) {
      int type = u8(sb, 0x175);
      if (type != 1) {
        throw corrupt(source, OFFSET + 0x175, "unknown checksum type " + type);
      }
      int stored = (int) u32(sb, 0x3FC);
      int computed = Crc32c.update(~0, sb, 0, 0x3FC);
      if (stored != computed) {
        throw corrupt(source, OFFSET + 0x3FC, String.format(
            "superblock checksum mismatch (stored 0x%08x, computed 0x%08x)", stored, computed));
      }
    }
    long unknown = incompat & ~INCOMPAT_KNOWN;
    if ((incompat & INCOMPAT_JOURNAL_DEV) != 0) {
      throw unsupported(source, OFFSET + 0x60, "this is an external journal device, not a filesystem");
    }
    if ((incompat & INCOMPAT_ENCRYPT) != 0) {
      throw unsupported(source, OFFSET + 0x60, "encrypted ext4 (fscrypt) is not supported");
    }
    if ((incompat & INCOMPAT_DIRDATA) != 0) {
      throw unsupported(source, OFFSET + 0x60, "ext4 dirdata (Lustre) is not supported");
    }
    if (unknown != 0) {
      throw unsupported(source, OFFSET + 0x60, String.format("unknown incompatible features 0x%x", unknown));
    }
    long logBlock = u32(sb, 0x18);
    if (logBlock > 6) {
      throw corrupt(source, OFFSET + 0x18, "block size 1024 << " + logBlock + " is out of range");
    }
    int blockSize = 1024 << logBlock;
    long blocksCount = u32(sb, 0x4);
    boolean is64 = (incompat & INCOMPAT_64BIT) != 0;
    if (is64) {
      blocksCount |= u32(sb, 0x150) << 32;
    }
    long inodesCount = u32(sb, 0x0);
    long firstDataBlock = u32(sb, 0x14);
    long blocksPerGroup = u32(sb, 0x20);
    long inodesPerGroup = u32(sb, 0x28);
    int rev = (int) u32(sb, 0x4C);
    int inodeSize = rev == 0 ? 128 : u16(sb, 0x58);
    long firstIno = rev == 0 ? 11 : u32(sb, 0x54);
    int descSize = is64 ? u16(sb, 0xFE) : 32;
    if (blocksCount == 0 || blocksCount > (1L << 48)) {
      throw corrupt(source, OFFSET + 0x4, "block count " + blocksCount + " is out of range");
    }
    if (firstDataBlock >= blocksCount || (blockSize == 1024 ? firstDataBlock > 1 : firstDataBlock != 0)) {
      throw corrupt(source, OFFSET + 0x14, "first data block " + firstDataBlock + " is impossible");
    }
    if (blocksPerGroup == 0 || blocksPerGroup > 8L * blockSize) {
      throw corrupt(source, OFFSET + 0x20, "blocks per group " + blocksPerGroup + " is out of range");
    }
    if (inodesPerGroup == 0 || inodesPerGroup > 8L * blockSize || inodesCount == 0) {
      throw corrupt(source, OFFSET + 0x28, "inodes per group " + inodesPerGroup + " is out of range");
    }
    if (inodeSize < 128 || inodeSize > blockSize || Integer.bitCount(inodeSize) != 1) {
      throw corrupt(source, OFFSET + 0x58, "inode size " + inodeSize + " is invalid");
    }
    if (descSize < 32 || descSize > 1024 || Integer.bitCount(descSize) != 1 || (is64 && descSize < 64)) {
      if (is64 && descSize == 0) {
        descSize = 32;
      } else {
        throw corrupt(source, OFFSET + 0xFE, "group descriptor size " + descSize + " is invalid");
      }
    }
    byte[] uuid = java.util.Arrays.copyOfRange(sb, 0x68, 0x78);
    int seed = 0;
    if ((roCompat & RO_COMPAT_METADATA_CSUM) != 0) {
      seed = (incompat & INCOMPAT_CSUM_SEED) != 0 ? (int) u32(sb, 0x270) : Crc32c.update(~0, uuid, 0, 16);
    }
    return new Ext4Superblock(blockSize, blocksCount, inodesCount, firstDataBlock, blocksPerGroup,
        inodesPerGroup, inodeSize, firstIno, descSize, u32(sb, 0x5C), incompat, roCompat, u32(sb, 0x104), uuid,
        cString(sb, 0x78, 16), cString(sb, 0x88, 64), seed);
  }

  private static String cString(byte[] b, int off, int max) {
    int n = 0;
    while (n < max && b[off + n] != 0) {
      n++;
    }
    return new String(b, off, n, StandardCharsets.UTF_8);
  }

  public long groupCount() {
    return (blocksCount - firstDataBlock + blocksPerGroup - 1) / blocksPerGroup;
  }

  public boolean metadataCsum() {
    return (featureRoCompat & RO_COMPAT_METADATA_CSUM) != 0;
  }

  public boolean has64bit() {
    return (featureIncompat & INCOMPAT_64BIT) != 0;
  }

  public boolean hasFiletype() {
    return (featureIncompat & INCOMPAT_FILETYPE) != 0;
  }

  /** RO_COMPAT {@code shared_blocks}: blocks may belong to several files (Android's deduplicated images). */
  public boolean sharedBlocks() {
    return (featureRoCompat & RO_COMPAT_SHARED_BLOCKS) != 0;
  }

  public boolean inlineData() {
    return (featureIncompat & INCOMPAT_INLINE_DATA) != 0;
  }

  @Override
  public byte[] uuid() {
    return uuid.clone();
  }

  static RomFormatException corrupt(String source, long offset, String detail) {
    return RomFormatException.corrupt(source, "ext4", offset, detail);
  }

  static RomFormatException unsupported(String source, long offset, String detail) {
    return RomFormatException.unsupported(source, "ext4", offset, detail);
  }
}
