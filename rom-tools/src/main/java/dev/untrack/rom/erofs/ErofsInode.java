package dev.untrack.rom.erofs;

import static dev.untrack.rom.io.LittleEndian.s32;
import static dev.untrack.rom.io.LittleEndian.u16;
import static dev.untrack.rom.io.LittleEndian.u32;
import static dev.untrack.rom.io.LittleEndian.u64;

import dev.untrack.rom.fs.FileType;

/**
 * One on-disk EROFS inode (compact 32 bytes or extended 64 bytes) and where it lives. Exposed so that a later
 * editor can find and rewrite inodes and their inline data.
 *
 * @param nid node id: the inode lives at {@code meta_blkaddr * block_size + nid * 32}
 * @param offset byte offset of the inode in the image
 * @param extended 64-byte layout
 * @param layout data layout: {@link #FLAT_PLAIN}, {@link #COMPRESSED_FULL}, {@link #FLAT_INLINE},
 *     {@link #COMPRESSED_COMPACT} or {@link #CHUNK_BASED}
 * @param xattrSize bytes of inline xattr area after the inode (0 when none)
 * @param rawU the {@code i_u} union: start block, rdev, compressed block count or chunk format
 */
public record ErofsInode(
    long nid,
    long offset,
    boolean extended,
    int layout,
    int mode,
    long size,
    int uid,
    int gid,
    long mtime,
    int mtimeNanos,
    int nlink,
    long rawU,
    int xattrSize,
    int format) {

  public static final int FLAT_PLAIN = 0;
  public static final int COMPRESSED_FULL = 1;
  public static final int FLAT_INLINE = 2;
  public static final int COMPRESSED_COMPACT = 3;
  public static final int CHUNK_BASED = 4;

  static ErofsInode parse(long nid, long offset, byte[] b, ErofsSuperblock sb) {
    int format = u16(b, 0);
    boolean ext = (format & 1) != 0;
    int layout = (format >>> 1) & 7;
    int icount = u16(b, 2);
    int xattrSize = icount == 0 ? 0 : 12 + 4 * (icount - 1);
    int mode = u16(b, 4);
    if (ext) {
      return new ErofsInode(nid, offset, true, layout, mode, u64(b, 8), s32(b, 24), s32(b, 28), u64(b, 32),
          s32(b, 40), s32(b, 44), u32(b, 16), xattrSize, format);
    }
    boolean isDir = (mode & 0xF000) == 0x4000;
    int nlink = !isDir && (format & 0x10) != 0 ? 1 : u16(b, 6);
    return new ErofsInode(nid, offset, false, layout, mode, u32(b, 8), u16(b, 24), u16(b, 26),
        sb.buildTime() + u32(b, 12), sb.buildTimeNsec(), nlink, u32(b, 16), xattrSize, format);
  }

  /** 32 or 64. */
  public int inodeSize() {
    return extended ? 64 : 32;
  }

  /** Byte offset right after the inode and its inline xattrs: inline data, chunk or compression indexes. */
  public long tailOffset() {
    return offset + inodeSize() + xattrSize;
  }

  public boolean compressed() {
    return layout == COMPRESSED_FULL || layout == COMPRESSED_COMPACT;
  }

  public FileType type() {
    switch (mode & 0xF000) {
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
}
