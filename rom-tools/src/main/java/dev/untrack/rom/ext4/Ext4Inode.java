package dev.untrack.rom.ext4;

import static dev.untrack.rom.io.LittleEndian.s32;
import static dev.untrack.rom.io.LittleEndian.u16;
import static dev.untrack.rom.io.LittleEndian.u32;

import dev.untrack.rom.fs.FileType;

/**
 * One on-disk ext4 inode, as read: its number, where it lives in the image, and its raw bytes. The accessors
 * decode {@code struct ext4_inode}. Exposed so that a later editor can rewrite an inode in place.
 */
public final class Ext4Inode {
  public static final int FLAG_INDEX = 0x1000;
  public static final int FLAG_HUGE_FILE = 0x40000;
  public static final int FLAG_EXTENTS = 0x80000;
  public static final int FLAG_EA_INODE = 0x200000;
  public static final int FLAG_INLINE_DATA = 0x10000000;

  private final long number;
  private final long offset;
  private final byte[] raw;

  Ext4Inode(long number, long offset, byte[] raw) {
    this.number = number;
    this.offset = offset;
    this.raw = raw;
  }

  public long number() {
    return number;
  }

  /** Byte offset of this inode in the image. */
  public long offset() {
    return offset;
  }

  /** A copy of the on-disk bytes ({@code s_inode_size} long). */
  public byte[] raw() {
    return raw.clone();
  }

  byte[] rawShared() {
    return raw;
  }

  public int mode() {
    return u16(raw, 0x0);
  }

  public FileType type() {
    switch (mode() & 0xF000) {
      case 0x8000: return FileType.REGULAR;
      case 0x4000: return FileType.DIRECTORY;
      case 0xA000: return FileType.SYMLINK;
      case 0x2000: return FileType.CHAR_DEVICE;
      case 0x6000: return FileType.BLOCK_DEVICE;
      case 0x1000: return FileType.FIFO;
      case 0xC000: return FileType.SOCKET;
      default: return null;
    }
  }

  public int uid() {
    return u16(raw, 0x2) | u16(raw, 0x78) << 16;
  }

  public int gid() {
    return u16(raw, 0x18) | u16(raw, 0x7A) << 16;
  }

  public long size() {
    return u32(raw, 0x4) | u32(raw, 0x6C) << 32;
  }

  public int linksCount() {
    return u16(raw, 0x1A);
  }

  public int flags() {
    return s32(raw, 0x20);
  }

  public boolean hasFlag(int flag) {
    return (flags() & flag) != 0;
  }

  /** 512-byte sectors (or blocks with HUGE_FILE) held by the inode, including its xattr block. */
  public long blocksRaw() {
    return u32(raw, 0x1C) | (long) u16(raw, 0x74) << 32;
  }

  public long fileAcl() {
    return u32(raw, 0x68) | (long) u16(raw, 0x76) << 32;
  }

  public int generation() {
    return s32(raw, 0x64);
  }

  /** The 60-byte {@code i_block} area: extent root, block map, fast symlink or inline data. */
  public byte[] iBlock() {
    return java.util.Arrays.copyOfRange(raw, 0x28, 0x28 + 60);
  }

  /** {@code i_extra_isize}, 0 for 128-byte inodes. */
  public int extraIsize() {
    return raw.length > 128 ? u16(raw, 0x80) : 0;
  }

  private boolean hasExtra(int fieldEnd) {
    return raw.length > 128 && 128 + extraIsize() >= fieldEnd;
  }

  /** Seconds since the epoch, with the two epoch-extension bits of the extra field when present. */
  public long mtime() {
    long t = s32(raw, 0x10);
    if (hasExtra(0x8C)) {
      t += (u32(raw, 0x88) & 3) << 32;
    }
    return t;
  }

  public int mtimeNanos() {
    return hasExtra(0x8C) ? (int) (u32(raw, 0x88) >>> 2) : 0;
  }

  /** Device number for character and block devices, as (major, minor). */
  long[] device() {
    long old = u32(raw, 0x28);
    if (old != 0) {
      return new long[] {(old >>> 8) & 0xff, old & 0xff};
    }
    long nw = u32(raw, 0x2C);
    return new long[] {(nw & 0xfff00) >>> 8, (nw & 0xff) | ((nw >>> 12) & 0xfff00)};
  }
}
