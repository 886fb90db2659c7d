package dev.untrack.rom.erofs;

import dev.untrack.rom.fs.Crc32c;
import dev.untrack.rom.fs.FileType;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/** On-disk encodings shared by the EROFS editor and builder: inodes, inline xattrs, directory blocks. */
final class ErofsEncoding {
  static final int DIRENT_SIZE = 12;
  static final int NAME_MAX = 255;
  /** {@code i_u} of an inode without data blocks, as mkfs.erofs writes it. */
  static final long NULL_ADDR = 0xffffffffL;

  private ErofsEncoding() {}

  /** Directory order: bytewise unsigned (strcmp), a prefix before its extensions. The kernel binary-searches it. */
  static final Comparator<byte[]> NAME_ORDER = Arrays::compareUnsigned;

  static byte[] name(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The dirent file type ({@code EROFS_FT_*}) of an inode mode. */
  static int fileType(int mode) {
    switch (mode & 0xF000) {
      case 0x8000: return 1;
      case 0x4000: return 2;
      case 0x2000: return 3;
      case 0x6000: return 4;
      case 0x1000: return 5;
      case 0xC000: return 6;
      case 0xA000: return 7;
      default: return 0;
    }
  }

  static int typeBits(FileType t) {
    return switch (t) {
      case REGULAR -> 0x8000;
      case DIRECTORY -> 0x4000;
      case SYMLINK -> 0xA000;
      case CHAR_DEVICE -> 0x2000;
      case BLOCK_DEVICE -> 0x6000;
      case FIFO -> 0x1000;
      case SOCKET -> 0xC000;
    };
  }

  // ---- inodes ----------------------------------------------------------------------------------------

  /** The fields of an inode to write. {@code xattrIcount} is {@code i_xattr_icount} (0 without xattrs). */
  record Inode(boolean extended, int layout, int mode, long size, long rawU, long ino, int uid, int gid,
      long mtime, int mtimeNanos, int nlink, int xattrIcount) {

    int inodeSize() {
      return extended ? 64 : 32;
    }
  }

  /**
   * Whether a compact (32-byte) inode can hold these attributes: it has 16-bit owners and link count, a 32-bit
   * size, and no time of its own (kernels before 6.15 show the image build time for every compact inode).
   */
  static boolean fitsCompact(int uid, int gid, long size, long nlink, long mtime, int mtimeNanos,
      ErofsSuperblock sb) {
    return fitsCompact(uid, gid, size, nlink, mtime, mtimeNanos, sb.buildTime(), sb.buildTimeNsec());
  }

  static boolean fitsCompact(int uid, int gid, long size, long nlink, long mtime, int mtimeNanos,
      long buildTime, int buildTimeNsec) {
    return (uid & 0xffffffffL) <= 0xffff && (gid & 0xffffffffL) <= 0xffff && size <= 0xffffffffL
        && nlink <= 0xffff && mtime == buildTime && mtimeNanos == buildTimeNsec;
  }

  static byte[] encodeInode(Inode i) {
    ByteBuffer b = ByteBuffer.allocate(i.inodeSize()).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort(0, (short) ((i.extended() ? 1 : 0) | (i.layout() << 1)));
    b.putShort(2, (short) i.xattrIcount());
    b.putShort(4, (short) i.mode());
    if (i.extended()) {
      b.putLong(8, i.size());
      b.putInt(16, (int) i.rawU());
      b.putInt(20, (int) i.ino());
      b.putInt(24, i.uid());
      b.putInt(28, i.gid());
      b.putLong(32, i.mtime());
      b.putInt(40, i.mtimeNanos());
      b.putInt(44, i.nlink());
    } else {
      b.putShort(6, (short) i.nlink());
      b.putInt(8, (int) i.size());
      b.putInt(16, (int) i.rawU());
      b.putInt(20, (int) i.ino());
      b.putShort(24, (short) i.uid());
      b.putShort(26, (short) i.gid());
    }
    return b.array();
  }

  // ---- xattrs ----------------------------------------------------------------------------------------

  private static final String[][] PREFIXES = {
      {"system.posix_acl_access", "2"}, {"system.posix_acl_default", "3"}, {"security.", "6"}, {"user.", "1"},
      {"trusted.", "4"}, {"lustre.", "5"}};

  /**
   * An inline xattr area (header, no shared ids, entries in name order), or an empty array without xattrs.
   *
   * @throws IllegalArgumentException for a name no EROFS short prefix covers, or an oversized name or value
   */
  static byte[] encodeXattrs(SortedMap<String, byte[]> xattrs) {
    if (xattrs.isEmpty()) {
      return new byte[0];
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[12]);
    for (Map.Entry<String, byte[]> e : xattrs.entrySet()) {
      String full = e.getKey();
      int index = -1;
      String suffix = null;
      for (String[] p : PREFIXES) {
        if (full.startsWith(p[0])) {
          index = Integer.parseInt(p[1]);
          suffix = full.substring(p[0].length());
          break;
        }
      }
      if (index < 0) {
        throw new IllegalArgumentException("xattr \"" + full + "\" has no EROFS name prefix");
      }
      byte[] n = name(suffix);
      byte[] v = e.getValue();
      if (n.length > NAME_MAX || v.length > 0xffff) {
        throw new IllegalArgumentException("xattr \"" + full + "\" is too long for EROFS");
      }
      out.write(n.length);
      out.write(index);
      out.write(v.length);
      out.write(v.length >>> 8);
      out.writeBytes(n);
      out.writeBytes(v);
      int len = 4 + n.length + v.length;
      out.writeBytes(new byte[((len + 3) & ~3) - len]);
    }
    byte[] area = out.toByteArray();
    if ((area.length - 12) / 4 + 1 > 0xffff) {
      throw new IllegalArgumentException("xattrs too large for an EROFS inode (" + area.length + " bytes)");
    }
    return area;
  }

  /** {@code i_xattr_icount} for an xattr area of {@code size} bytes. */
  static int xattrIcount(int size) {
    return size == 0 ? 0 : (size - 12) / 4 + 1;
  }

  // ---- directories -----------------------------------------------------------------------------------

  /** One directory entry to write: the name as bytes, the target nid, the {@code EROFS_FT_*} type. */
  record Dirent(byte[] name, long nid, int type) {}

  /** Entries per block: greedy, in order; a block holds 12 bytes per entry plus the names. */
  private static List<int[]> blocks(List<byte[]> names, int bs) {
    List<int[]> out = new ArrayList<>();
    int start = 0;
    int used = 0;
    for (int i = 0; i < names.size(); i++) {
      int need = DIRENT_SIZE + names.get(i).length;
      if (used + need > bs) {
        out.add(new int[] {start, i, used});
        start = i;
        used = 0;
      }
      used += need;
    }
    out.add(new int[] {start, names.size(), used});
    return out;
  }

  /** {@code i_size} of a directory holding {@code names} (sorted, with "." and ".."). */
  static long directorySize(List<byte[]> names, int bs) {
    List<int[]> blocks = blocks(names, bs);
    return (long) (blocks.size() - 1) * bs + blocks.get(blocks.size() - 1)[2];
  }

  /** The directory data: {@code entries} must be sorted by {@link #NAME_ORDER} and include "." and "..". */
  static byte[] encodeDirectory(List<Dirent> entries, int bs) {
    List<byte[]> names = new ArrayList<>(entries.size());
    for (Dirent d : entries) {
      if (d.name().length == 0 || d.name().length > NAME_MAX) {
        throw new IllegalArgumentException("directory entry name of " + d.name().length + " bytes");
      }
      names.add(d.name());
    }
    for (int i = 1; i < names.size(); i++) {
      if (NAME_ORDER.compare(names.get(i - 1), names.get(i)) >= 0) {
        throw new IllegalArgumentException("directory entries not sorted or duplicated at " + i);
      }
    }
    List<int[]> blocks = blocks(names, bs);
    long size = directorySize(names, bs);
    ByteBuffer out = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
    for (int bi = 0; bi < blocks.size(); bi++) {
      int[] blk = blocks.get(bi);
      int base = bi * bs;
      int nameoff = DIRENT_SIZE * (blk[1] - blk[0]);
      for (int i = blk[0]; i < blk[1]; i++) {
        Dirent d = entries.get(i);
        int p = base + DIRENT_SIZE * (i - blk[0]);
        out.putLong(p, d.nid());
        out.putShort(p + 8, (short) nameoff);
        out.put(p + 10, (byte) d.type());
        out.put(base + nameoff, d.name());
        nameoff += d.name().length;
      }
    }
    return out.array();
  }

  // ---- superblock ------------------------------------------------------------------------------------

  /** Sets {@code checksum} in the superblock held in {@code block0} when the image has {@code sb_csum}. */
  static void sealSuperblock(byte[] block0, int bs) {
    ByteBuffer b = ByteBuffer.wrap(block0).order(ByteOrder.LITTLE_ENDIAN);
    if ((b.getInt(ErofsSuperblock.OFFSET + 8) & ErofsSuperblock.COMPAT_SB_CHKSUM) == 0) {
      return;
    }
    b.putInt(ErofsSuperblock.OFFSET + 4, 0);
    int crc = Crc32c.update(~0, block0, ErofsSuperblock.OFFSET, bs - ErofsSuperblock.OFFSET);
    b.putInt(ErofsSuperblock.OFFSET + 4, crc);
  }
}
