package dev.untrack.rom.ext4;

import dev.untrack.rom.io.LittleEndian;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/** Encodes extended attributes for a new ext4 inode: in the inode's spare space, or in one xattr block. */
final class Ext4XattrWriter {
  /** One attribute as stored: name index, name suffix, value. */
  record Attr(int index, byte[] name, byte[] value) {
    int entryLen() {
      return (16 + name.length + 3) & ~3;
    }

    int valueLen() {
      return (value.length + 3) & ~3;
    }
  }

  private Ext4XattrWriter() {}

  private static final String[][] PREFIXES = {{"security.", "6"}, {"user.", "1"}, {"trusted.", "4"},
      {"system.richacl", "8"}, {"system.", "7"}};

  /**
   * The attributes in block order (index, name length, name).
   *
   * @throws IllegalArgumentException for POSIX ACLs (ext4 stores them in its own form) and unknown prefixes
   */
  static List<Attr> attrs(SortedMap<String, byte[]> xattrs) {
    List<Attr> out = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : xattrs.entrySet()) {
      String full = e.getKey();
      if (full.startsWith("system.posix_acl_")) {
        throw new IllegalArgumentException("POSIX ACL xattrs on new ext4 files are not supported (" + full + ")");
      }
      if (full.equals("system.data")) {
        throw new IllegalArgumentException("system.data is ext4's inline-data storage, not an attribute");
      }
      Attr a = null;
      for (String[] p : PREFIXES) {
        if (full.startsWith(p[0])) {
          byte[] n = full.substring(p[0].length()).getBytes(StandardCharsets.UTF_8);
          a = new Attr(Integer.parseInt(p[1]), n, e.getValue().clone());
          break;
        }
      }
      if (a == null) {
        throw new IllegalArgumentException("xattr \"" + full + "\" has no ext4 name prefix");
      }
      if (a.name().length > 255 || a.value().length > 65536) {
        throw new IllegalArgumentException("xattr \"" + full + "\" is too long");
      }
      out.add(a);
    }
    out.sort((x, y) -> x.index() != y.index() ? Integer.compare(x.index(), y.index())
        : x.name().length != y.name().length ? Integer.compare(x.name().length, y.name().length)
        : Arrays.compareUnsigned(x.name(), y.name()));
    return out;
  }

  /** {@code ext4_xattr_hash_entry} over the name bytes and the value's little-endian words. */
  static int hash(Attr a) {
    int h = 0;
    for (byte c : a.name()) {
      h = (h << 5) ^ (h >>> 27) ^ (c & 0xff);
    }
    byte[] v = Arrays.copyOf(a.value(), a.valueLen());
    for (int i = 0; i < v.length; i += 4) {
      h = (h << 16) ^ (h >>> 16) ^ LittleEndian.s32(v, i);
    }
    return h;
  }

  /** Bytes the attributes need in the inode: magic, entries, end marker, values. */
  static int inInodeSize(List<Attr> attrs) {
    int n = 4 + 4;
    for (Attr a : attrs) {
      n += a.entryLen() + a.valueLen();
    }
    return n;
  }

  /** Fills the in-inode area {@code [start, raw.length)} (magic, entries, values from the end). */
  static void writeInInode(byte[] raw, int start, List<Attr> attrs) {
    LittleEndian.put32(raw, start, 0xEA020000);
    int first = start + 4;
    int entry = first;
    int valueEnd = raw.length;
    for (Attr a : attrs) {
      valueEnd -= a.valueLen();
      System.arraycopy(a.value(), 0, raw, valueEnd, a.value().length);
      putEntry(raw, entry, a, valueEnd - first, false);
      entry += a.entryLen();
    }
  }

  /** A one-block xattr area ({@code h_refcount} 1); the checksum is set by {@link Ext4Checksums#xattrBlock}. */
  static byte[] block(List<Attr> attrs, int bs) {
    byte[] b = new byte[bs];
    LittleEndian.put32(b, 0, 0xEA020000);
    LittleEndian.put32(b, 4, 1);
    LittleEndian.put32(b, 8, 1);
    int entry = 32;
    int valueEnd = bs;
    int blockHash = 0;
    for (Attr a : attrs) {
      valueEnd -= a.valueLen();
      System.arraycopy(a.value(), 0, b, valueEnd, a.value().length);
      int h = putEntry(b, entry, a, valueEnd, true);
      blockHash = (blockHash << 16) ^ (blockHash >>> 16) ^ h;
      entry += a.entryLen();
    }
    if (entry + 4 > valueEnd) {
      throw new IllegalArgumentException("xattrs do not fit one " + bs + "-byte block");
    }
    LittleEndian.put32(b, 12, blockHash);
    return b;
  }

  static int blockSize(List<Attr> attrs) {
    int n = 32 + 4;
    for (Attr a : attrs) {
      n += a.entryLen() + a.valueLen();
    }
    return n;
  }

  /** In the inode the kernel leaves {@code e_hash} 0; in a block it is the entry hash. */
  private static int putEntry(byte[] b, int at, Attr a, int valueOffs, boolean hashed) {
    int h = hashed ? hash(a) : 0;
    b[at] = (byte) a.name().length;
    b[at + 1] = (byte) a.index();
    Ext4Checksums.put16(b, at + 2, valueOffs);
    LittleEndian.put32(b, at + 4, 0);
    LittleEndian.put32(b, at + 8, a.value().length);
    LittleEndian.put32(b, at + 12, h);
    System.arraycopy(a.name(), 0, b, at + 16, a.name().length);
    return h;
  }
}
