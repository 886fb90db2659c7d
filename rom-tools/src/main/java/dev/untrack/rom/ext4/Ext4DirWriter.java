package dev.untrack.rom.ext4;

import dev.untrack.rom.io.LittleEndian;
import java.util.ArrayList;
import java.util.List;

/**
 * Linear (unindexed) directory blocks: ".", "..", then the entries in the order given, packed; each block's
 * last entry reaches the end of the block, or the 12-byte checksum tail with {@code metadata_csum}.
 */
final class Ext4DirWriter {
  /** One entry: the name as stored, the inode, the {@code EXT4_FT_*} type. */
  record Entry(byte[] name, long ino, int type) {}

  private Ext4DirWriter() {}

  static int recLen(int nameLen) {
    return (8 + nameLen + 3) & ~3;
  }

  /** How many blocks {@code entries} (without "." and "..") take. */
  static int blocksNeeded(List<Entry> entries, int bs, boolean csum) {
    return pack(entries, bs, csum).size();
  }

  private static List<List<Entry>> pack(List<Entry> entries, int bs, boolean csum) {
    int usable = bs - (csum ? Ext4Checksums.DIR_TAIL : 0);
    List<List<Entry>> blocks = new ArrayList<>();
    List<Entry> cur = new ArrayList<>();
    int used = recLen(1) + recLen(2);
    for (Entry e : entries) {
      int r = recLen(e.name().length);
      if (used + r > usable) {
        blocks.add(cur);
        cur = new ArrayList<>();
        used = 0;
      }
      cur.add(e);
      used += r;
    }
    blocks.add(cur);
    return blocks;
  }

  /** The blocks (tails unchecksummed: {@link Ext4Checksums#dirBlock} sets them). */
  static List<byte[]> encode(long self, long parent, List<Entry> entries, int bs, boolean csum,
      boolean filetype) {
    int usable = bs - (csum ? Ext4Checksums.DIR_TAIL : 0);
    List<byte[]> out = new ArrayList<>();
    boolean first = true;
    for (List<Entry> blockEntries : pack(entries, bs, csum)) {
      List<Entry> all = new ArrayList<>();
      if (first) {
        all.add(new Entry(new byte[] {'.'}, self, 2));
        all.add(new Entry(new byte[] {'.', '.'}, parent, 2));
        first = false;
      }
      all.addAll(blockEntries);
      byte[] b = new byte[bs];
      int pos = 0;
      if (all.isEmpty()) {
        put(b, 0, 0, usable, new byte[0], 0, filetype, bs);
      }
      for (int i = 0; i < all.size(); i++) {
        Entry e = all.get(i);
        int r = i == all.size() - 1 ? usable - pos : recLen(e.name().length);
        put(b, pos, e.ino(), r, e.name(), e.type(), filetype, bs);
        pos += r;
      }
      if (csum) {
        int t = usable;
        Ext4Checksums.put16(b, t + 4, Ext4Checksums.DIR_TAIL);
        b[t + 7] = (byte) 0xDE;
      }
      out.add(b);
    }
    return out;
  }

  private static void put(byte[] b, int pos, long ino, int rec, byte[] name, int type, boolean filetype, int bs) {
    LittleEndian.put32(b, pos, (int) ino);
    Ext4Checksums.put16(b, pos + 4, diskRecLen(rec, bs));
    if (filetype) {
      b[pos + 6] = (byte) name.length;
      b[pos + 7] = (byte) type;
    } else {
      Ext4Checksums.put16(b, pos + 6, name.length);
    }
    System.arraycopy(name, 0, b, pos + 8, name.length);
  }

  private static int diskRecLen(int len, int bs) {
    if (len < 65536) {
      return len;
    }
    return bs == 65536 ? 65535 : 0;
  }

  /** The {@code EXT4_FT_*} directory entry type of an inode mode. */
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
}
