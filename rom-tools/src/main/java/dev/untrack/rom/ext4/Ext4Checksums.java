package dev.untrack.rom.ext4;

import static dev.untrack.rom.io.LittleEndian.u16;

import dev.untrack.rom.fs.Crc32c;
import dev.untrack.rom.io.LittleEndian;

/**
 * The checksums an ext4 writer must keep right: with {@code metadata_csum} (crc32c seeded per filesystem, and per
 * inode with its number and generation) for the superblock, group descriptors, bitmaps, inodes, extent blocks,
 * directory blocks and xattr blocks; with the older {@code gdt_csum}, a crc16 over each group descriptor.
 */
final class Ext4Checksums {
  static final int DIR_TAIL = 12;

  private final Ext4Superblock sb;
  private final boolean csum;

  Ext4Checksums(Ext4Superblock sb) {
    this.sb = sb;
    this.csum = sb.metadataCsum();
  }

  boolean enabled() {
    return csum;
  }

  /** Whether group descriptors carry a checksum at all (metadata_csum or gdt_csum). */
  boolean groupDescriptors() {
    return csum || (sb.featureRoCompat() & Ext4Superblock.RO_COMPAT_GDT_CSUM) != 0;
  }

  int inodeSeed(long ino, int generation) {
    int c = Crc32c.updateInt(sb.checksumSeed(), (int) ino);
    return Crc32c.updateInt(c, generation);
  }

  static void put16(byte[] b, int off, int v) {
    b[off] = (byte) v;
    b[off + 1] = (byte) (v >>> 8);
  }

  /** Sets {@code s_checksum} of a 1024-byte superblock. */
  void superblock(byte[] sbBytes) {
    if (csum) {
      LittleEndian.put32(sbBytes, 0x3FC, Crc32c.update(~0, sbBytes, 0, 0x3FC));
    }
  }

  /** Sets {@code bg_checksum} of descriptor {@code group}. */
  void descriptor(byte[] d, long group) {
    if (csum) {
      int c = Crc32c.updateInt(sb.checksumSeed(), (int) group);
      c = Crc32c.update(c, d, 0, 0x1E);
      c = Crc32c.updateZeros(c, 2);
      c = Crc32c.update(c, d, 0x20, d.length - 0x20);
      put16(d, 0x1E, c);
    } else if (groupDescriptors()) {
      byte[] g = new byte[4];
      LittleEndian.put32(g, 0, (int) group);
      int c = Crc16.update(0xffff, sb.uuid(), 0, 16);
      c = Crc16.update(c, g, 0, 4);
      c = Crc16.update(c, d, 0, 0x1E);
      if (d.length > 0x20) {
        c = Crc16.update(c, d, 0x20, d.length - 0x20);
      }
      put16(d, 0x1E, c);
    }
  }

  /** The block bitmap checksum fields of a descriptor. */
  void blockBitmap(byte[] d, byte[] bitmap) {
    if (csum) {
      int c = Crc32c.update(sb.checksumSeed(), bitmap, 0, (int) (sb.blocksPerGroup() / 8));
      put16(d, 0x18, c);
      if (d.length >= 0x3C) {
        put16(d, 0x38, c >>> 16);
      }
    }
  }

  void inodeBitmap(byte[] d, byte[] bitmap) {
    if (csum) {
      int c = Crc32c.update(sb.checksumSeed(), bitmap, 0, (int) (sb.inodesPerGroup() / 8));
      put16(d, 0x1A, c);
      if (d.length >= 0x3C) {
        put16(d, 0x3A, c >>> 16);
      }
    }
  }

  /** Sets the checksum of a raw inode ({@code s_inode_size} bytes). */
  void inode(byte[] raw, long ino) {
    if (!csum) {
      return;
    }
    boolean hasHi = raw.length > 128 && u16(raw, 0x80) >= 4;
    put16(raw, 0x7C, 0);
    if (hasHi) {
      put16(raw, 0x82, 0);
    }
    int c = Crc32c.update(inodeSeed(ino, LittleEndian.s32(raw, 0x64)), raw, 0, raw.length);
    put16(raw, 0x7C, c);
    if (hasHi) {
      put16(raw, 0x82, c >>> 16);
    }
  }

  /** Sets the tail checksum of an extent tree block (header {@code eh_max} says where the tail is). */
  void extentBlock(byte[] block, long ino, int generation) {
    if (csum) {
      int tail = 12 + 12 * u16(block, 4);
      LittleEndian.put32(block, tail, Crc32c.update(inodeSeed(ino, generation), block, 0, tail));
    }
  }

  /** Sets the checksum in the 12-byte tail of a linear directory block. */
  void dirBlock(byte[] block, long ino, int generation) {
    if (csum) {
      int tail = block.length - DIR_TAIL;
      LittleEndian.put32(block, tail + 8, Crc32c.update(inodeSeed(ino, generation), block, 0, tail));
    }
  }

  void xattrBlock(byte[] block, long blockNo) {
    if (csum) {
      LittleEndian.put32(block, 0x10, 0);
      int c = Crc32c.updateInt(sb.checksumSeed(), (int) blockNo);
      c = Crc32c.updateInt(c, (int) (blockNo >>> 32));
      c = Crc32c.update(c, block, 0, block.length);
      LittleEndian.put32(block, 0x10, c);
    }
  }
}
