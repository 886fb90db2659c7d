package dev.untrack.rom.ext4;

import static dev.untrack.rom.io.LittleEndian.u16;
import static dev.untrack.rom.io.LittleEndian.u32;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.fs.BlockOverlay;
import dev.untrack.rom.io.LittleEndian;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The block groups of an ext4 image being edited: descriptors, block and inode bitmaps (initialized from the
 * layout for {@code BLOCK_UNINIT}/{@code INODE_UNINIT} groups when first changed), free counts, allocation, and
 * growth at the end. Changes stay in memory until {@link #finish()} lays the bitmaps and descriptors, with their
 * checksums, over the image.
 */
final class Ext4Groups {
  static final int BG_INODE_UNINIT = 0x1;
  static final int BG_BLOCK_UNINIT = 0x2;
  static final int BG_INODE_ZEROED = 0x4;
  static final long COMPAT_SPARSE_SUPER2 = 0x200;
  static final long RO_COMPAT_SPARSE_SUPER = 0x1;

  private final Ext4Image img;
  private final Ext4Superblock sb;
  private final BlockOverlay meta;
  private final Ext4Checksums sums;
  private final byte[] sbRaw;
  final int bs;
  final long bpg;
  final long ipg;
  final int descSize;
  final long firstDataBlock;
  final long descPerBlock;
  final long descBlocks;
  final int reservedGdt;
  final int itableBlocks;
  long blocksCount;
  long inodesCount;
  long groupCount;
  final long originalGroupCount;
  long freeBlocksDelta;
  long freeInodesDelta;

  private final Map<Long, byte[]> descs = new TreeMap<>();
  private final TreeSet<Long> dirtyDescs = new TreeSet<>();
  private final Map<Long, BitSet> blockMaps = new TreeMap<>();
  private final TreeSet<Long> dirtyBlockMaps = new TreeSet<>();
  private final Map<Long, BitSet> inodeMaps = new TreeMap<>();
  private final TreeSet<Long> dirtyInodeMaps = new TreeSet<>();
  /** Every group's bitmap and inode table blocks, for initializing a BLOCK_UNINIT group's bitmap. */
  private TreeMap<Long, Long> groupMetadata;

  Ext4Groups(Ext4Image img, BlockOverlay meta, Ext4Checksums sums, byte[] sbRaw) {
    this.img = img;
    this.sb = img.superblock();
    this.meta = meta;
    this.sums = sums;
    this.sbRaw = sbRaw;
    this.bs = sb.blockSize();
    this.bpg = sb.blocksPerGroup();
    this.ipg = sb.inodesPerGroup();
    this.descSize = sb.descSize();
    this.firstDataBlock = sb.firstDataBlock();
    this.descPerBlock = bs / descSize;
    this.blocksCount = sb.blocksCount();
    this.inodesCount = sb.inodesCount();
    this.groupCount = sb.groupCount();
    this.originalGroupCount = groupCount;
    this.descBlocks = (groupCount + descPerBlock - 1) / descPerBlock;
    this.reservedGdt = u16(sbRaw, 0xCE);
    this.itableBlocks = (int) ((ipg * sb.inodeSize() + bs - 1) / bs);
  }

  // ---- geometry --------------------------------------------------------------------------------------

  long groupStart(long g) {
    return firstDataBlock + g * bpg;
  }

  long groupBlocks(long g) {
    return Math.min(bpg, blocksCount - groupStart(g));
  }

  long groupOf(long block) {
    return (block - firstDataBlock) / bpg;
  }

  private boolean metaBg() {
    return (sb.featureIncompat() & Ext4Superblock.INCOMPAT_META_BG) != 0;
  }

  boolean hasSuper(long g) {
    if (g == 0) {
      return true;
    }
    if ((sb.featureCompat() & COMPAT_SPARSE_SUPER2) != 0) {
      return g == u32(sbRaw, 0x24C) || g == u32(sbRaw, 0x250);
    }
    if (g <= 1 || (sb.featureRoCompat() & RO_COMPAT_SPARSE_SUPER) == 0) {
      return true;
    }
    if ((g & 1) == 0) {
      return false;
    }
    for (long base : new long[] {3, 5, 7}) {
      long p = base;
      while (p < g) {
        p *= base;
      }
      if (p == g) {
        return true;
      }
    }
    return false;
  }

  /** Superblock copy, group descriptor and reserved descriptor blocks at the start of group {@code g}. */
  List<long[]> baseMetadata(long g) {
    List<long[]> out = new ArrayList<>();
    long start = groupStart(g);
    boolean sup = hasSuper(g);
    if (sup) {
      out.add(new long[] {start, 1});
    }
    long firstMetaBg = sb.firstMetaBg();
    if (!metaBg() || g / descPerBlock < firstMetaBg) {
      if (sup) {
        long old = metaBg() ? firstMetaBg : descBlocks + reservedGdt;
        if (old > 0) {
          out.add(new long[] {start + 1, old});
        }
      }
    } else {
      long r = g % descPerBlock;
      if (r == 0 || r == 1 || r == descPerBlock - 1) {
        out.add(new long[] {start + (sup ? 1 : 0), 1});
      }
    }
    return out;
  }

  long descOffset(long g) {
    long descBlock = g / descPerBlock;
    long block;
    if (metaBg() && descBlock >= sb.firstMetaBg()) {
      long first = descBlock * descPerBlock;
      block = groupStart(first) + (hasSuper(first) ? 1 : 0);
    } else {
      block = firstDataBlock + 1 + descBlock;
    }
    return block * bs + (g % descPerBlock) * descSize;
  }

  // ---- descriptors -----------------------------------------------------------------------------------

  byte[] desc(long g) throws IOException {
    if (g < 0 || g >= groupCount) {
      throw new IllegalArgumentException("group " + g + " of " + groupCount);
    }
    byte[] d = descs.get(g);
    if (d == null) {
      d = g < originalGroupCount ? meta.read(descOffset(g), descSize) : new byte[descSize];
      descs.put(g, d);
    }
    return d;
  }

  private long field(long g, int lo, int hi, boolean wide) throws IOException {
    byte[] d = desc(g);
    long v = wide ? u32(d, lo) : u16(d, lo);
    if (descSize >= 64) {
      v |= (wide ? u32(d, hi) : (long) u16(d, hi)) << (wide ? 32 : 16);
    }
    return v;
  }

  private void setField(long g, int lo, int hi, boolean wide, long v) throws IOException {
    byte[] d = desc(g);
    if (wide) {
      LittleEndian.put32(d, lo, (int) v);
      if (descSize >= 64) {
        LittleEndian.put32(d, hi, (int) (v >>> 32));
      }
    } else {
      Ext4Checksums.put16(d, lo, (int) v);
      if (descSize >= 64) {
        Ext4Checksums.put16(d, hi, (int) (v >>> 16));
      }
    }
    dirtyDescs.add(g);
  }

  long blockBitmapLoc(long g) throws IOException {
    return field(g, 0x00, 0x20, true);
  }

  long inodeBitmapLoc(long g) throws IOException {
    return field(g, 0x04, 0x24, true);
  }

  long inodeTableLoc(long g) throws IOException {
    return field(g, 0x08, 0x28, true);
  }

  long freeBlocks(long g) throws IOException {
    return field(g, 0x0C, 0x2C, false);
  }

  long freeInodes(long g) throws IOException {
    return field(g, 0x0E, 0x2E, false);
  }

  long usedDirs(long g) throws IOException {
    return field(g, 0x10, 0x30, false);
  }

  long itableUnused(long g) throws IOException {
    return field(g, 0x1C, 0x32, false);
  }

  int flags(long g) throws IOException {
    return u16(desc(g), 0x12);
  }

  private void setFlags(long g, int flags) throws IOException {
    Ext4Checksums.put16(desc(g), 0x12, flags);
    dirtyDescs.add(g);
  }

  // ---- bitmaps ---------------------------------------------------------------------------------------

  private boolean uninitFlags() {
    return sums.groupDescriptors();
  }

  /** The block bitmap of group {@code g} as it is now (computed for a BLOCK_UNINIT group). */
  BitSet blockMap(long g) throws IOException {
    BitSet m = blockMaps.get(g);
    if (m == null) {
      if (uninitFlags() && (flags(g) & BG_BLOCK_UNINIT) != 0) {
        m = computedBlockMap(g);
      } else {
        long loc = blockBitmapLoc(g);
        img.checkBlockRange(loc, 1, "block bitmap of group " + g);
        m = BitSet.valueOf(meta.read(loc * bs, bs));
      }
      blockMaps.put(g, m);
    }
    return m;
  }

  private BitSet computedBlockMap(long g) throws IOException {
    BitSet m = new BitSet(bs * 8);
    long start = groupStart(g);
    long size = groupBlocks(g);
    for (long[] r : baseMetadata(g)) {
      m.set((int) (r[0] - start), (int) Math.min(size, r[0] - start + r[1]));
    }
    if (groupMetadata == null) {
      groupMetadata = new TreeMap<>();
      for (long i = 0; i < originalGroupCount; i++) {
        groupMetadata.put(blockBitmapLoc(i), 1L);
        groupMetadata.put(inodeBitmapLoc(i), 1L);
        groupMetadata.put(inodeTableLoc(i), (long) itableBlocks);
      }
    }
    for (Map.Entry<Long, Long> e : groupMetadata.subMap(Math.max(0, start - itableBlocks), start + size)
        .entrySet()) {
      long a = Math.max(e.getKey(), start);
      long b = Math.min(e.getKey() + e.getValue(), start + size);
      if (a < b) {
        m.set((int) (a - start), (int) (b - start));
      }
    }
    m.set((int) size, bs * 8);
    return m;
  }

  private BitSet blockMapForChange(long g) throws IOException {
    BitSet m = blockMap(g);
    if (uninitFlags() && (flags(g) & BG_BLOCK_UNINIT) != 0) {
      setFlags(g, flags(g) & ~BG_BLOCK_UNINIT);
    }
    dirtyBlockMaps.add(g);
    return m;
  }

  BitSet inodeMap(long g) throws IOException {
    BitSet m = inodeMaps.get(g);
    if (m == null) {
      if (uninitFlags() && (flags(g) & BG_INODE_UNINIT) != 0) {
        m = new BitSet(bs * 8);
        m.set((int) ipg, bs * 8);
      } else {
        long loc = inodeBitmapLoc(g);
        img.checkBlockRange(loc, 1, "inode bitmap of group " + g);
        m = BitSet.valueOf(meta.read(loc * bs, bs));
      }
      inodeMaps.put(g, m);
    }
    return m;
  }

  boolean blockUsed(long block) throws IOException {
    long g = groupOf(block);
    return blockMap(g).get((int) (block - groupStart(g)));
  }

  /** Marks {@code [start, start + count)} used or free, keeping the group and superblock counts. */
  void setBlocks(long start, long count, boolean used) throws IOException {
    long b = start;
    long end = start + count;
    while (b < end) {
      long g = groupOf(b);
      long gEnd = Math.min(end, groupStart(g) + groupBlocks(g));
      BitSet m = blockMapForChange(g);
      int from = (int) (b - groupStart(g));
      int to = (int) (gEnd - groupStart(g));
      int changed = 0;
      for (int i = from; i < to; i++) {
        if (m.get(i) != used) {
          m.set(i, used);
          changed++;
        } else {
          throw RomFormatException.corrupt(img.source().name(), "ext4", RomFormatException.NO_OFFSET,
              "block " + (groupStart(g) + i) + " is already " + (used ? "in use" : "free")
                  + " in the block bitmap of group " + g + " (bitmap and block maps disagree)");
        }
      }
      long delta = used ? -changed : changed;
      setField(g, 0x0C, 0x2C, false, freeBlocks(g) + delta);
      freeBlocksDelta += delta;
      b = gEnd;
    }
  }

  // ---- allocation ------------------------------------------------------------------------------------

  long freeBlocksTotal() throws IOException {
    long t = 0;
    for (long g = 0; g < groupCount; g++) {
      t += freeBlocks(g);
    }
    return t;
  }

  /**
   * Allocates {@code count} blocks: one contiguous run when one exists (first fit), else free runs in address
   * order. Returns {@code [start, length]} runs with physically adjacent runs merged; null when the free space
   * is short (nothing is allocated then).
   */
  List<long[]> allocate(long count) throws IOException {
    if (count == 0) {
      return new ArrayList<>();
    }
    List<long[]> runs = new ArrayList<>();
    long found = 0;
    for (long g = 0; g < groupCount; g++) {
      BitSet m = blockMap(g);
      int limit = (int) groupBlocks(g);
      int i = m.nextClearBit(0);
      while (i < limit) {
        int j = m.nextSetBit(i);
        if (j < 0 || j > limit) {
          j = limit;
        }
        long start = groupStart(g) + i;
        if (j - i >= count) {
          setBlocks(start, count, true);
          List<long[]> one = new ArrayList<>();
          one.add(new long[] {start, count});
          return one;
        }
        runs.add(new long[] {start, j - i});
        found += j - i;
        i = j >= limit ? limit : m.nextClearBit(j);
      }
    }
    if (found < count) {
      return null;
    }
    List<long[]> out = new ArrayList<>();
    long left = count;
    for (long[] r : runs) {
      if (left == 0) {
        break;
      }
      long n = Math.min(left, r[1]);
      setBlocks(r[0], n, true);
      if (!out.isEmpty() && out.get(out.size() - 1)[0] + out.get(out.size() - 1)[1] == r[0]) {
        out.get(out.size() - 1)[1] += n;
      } else {
        out.add(new long[] {r[0], n});
      }
      left -= n;
    }
    return out;
  }

  /** A free inode number, preferring group {@code goal}; marked used. -1 when none is free. */
  long allocateInode(long goal, boolean directory) throws IOException {
    long firstIno = sb.firstIno();
    for (long k = 0; k < groupCount; k++) {
      long g = (goal + k) % groupCount;
      if (freeInodes(g) == 0) {
        continue;
      }
      int fl = flags(g);
      if (uninitFlags() && (fl & BG_INODE_UNINIT) != 0 && (fl & BG_INODE_ZEROED) == 0) {
        continue; // its inode table may hold garbage that e2fsck would then read
      }
      BitSet m = inodeMap(g);
      int i = m.nextClearBit(0);
      while (i < ipg && g * ipg + i + 1 < firstIno) {
        i = m.nextClearBit(i + 1);
      }
      if (i >= ipg) {
        continue;
      }
      m.set(i);
      dirtyInodeMaps.add(g);
      if (uninitFlags() && (fl & BG_INODE_UNINIT) != 0) {
        setFlags(g, fl & ~BG_INODE_UNINIT);
      }
      if (uninitFlags()) {
        long unusedStart = ipg - itableUnused(g);
        if (i >= unusedStart) {
          setField(g, 0x1C, 0x32, false, ipg - i - 1);
        }
      }
      setField(g, 0x0E, 0x2E, false, freeInodes(g) - 1);
      if (directory) {
        setField(g, 0x10, 0x30, false, usedDirs(g) + 1);
      }
      freeInodesDelta--;
      return g * ipg + i + 1;
    }
    return -1;
  }

  void freeInode(long ino, boolean directory) throws IOException {
    long g = (ino - 1) / ipg;
    int i = (int) ((ino - 1) % ipg);
    BitSet m = inodeMap(g);
    if (!m.get(i)) {
      throw RomFormatException.corrupt(img.source().name(), "ext4", RomFormatException.NO_OFFSET,
          "inode " + ino + " is in use but free in its group's inode bitmap");
    }
    m.clear(i);
    dirtyInodeMaps.add(g);
    setField(g, 0x0E, 0x2E, false, freeInodes(g) + 1);
    if (directory) {
      setField(g, 0x10, 0x30, false, Math.max(0, usedDirs(g) - 1));
    }
    freeInodesDelta++;
  }

  // ---- growth ----------------------------------------------------------------------------------------

  /** Blocks taken by a new group's own bitmaps and inode table. */
  private long newGroupOverhead() {
    return 2 + itableBlocks;
  }

  /**
   * Free blocks growth can add without exceeding {@code maxBlocks} in total: the rest of the last group, then
   * whole new groups while the descriptor table has room and no superblock backup would be due.
   */
  long growthRoom(long maxBlocks) {
    long cap = Math.min(maxBlocks, sb.has64bit() ? (1L << 48) : 0xffffffffL);
    long blocks = blocksCount;
    long room = 0;
    long last = groupCount - 1;
    long lastEnd = Math.min(groupStart(last) + bpg, cap);
    if (lastEnd > blocks) {
      room += lastEnd - blocks;
      blocks = lastEnd;
    }
    for (long g = groupCount; canAddGroup(g); g++) {
      if (blocks != groupStart(g) || blocks >= cap) {
        break;
      }
      long size = Math.min(bpg, cap - blocks);
      if (size <= newGroupOverhead()) {
        break;
      }
      room += size - newGroupOverhead();
      blocks += size;
    }
    return room;
  }

  private boolean canAddGroup(long g) {
    return !metaBg() && g < descBlocks * descPerBlock && !hasSuper(g)
        && inodesCount + (g - groupCount + 1) * ipg <= 0xffffffffL;
  }

  /** Grows the filesystem so that at least {@code need} more blocks are free (caller checked the room). */
  void grow(long need) throws IOException {
    long last = groupCount - 1;
    long extend = Math.min(need, groupStart(last) + bpg - blocksCount);
    if (extend > 0) {
      BitSet m = blockMapForChange(last);
      int from = (int) (blocksCount - groupStart(last));
      m.clear(from, (int) (from + extend));
      blocksCount += extend;
      setField(last, 0x0C, 0x2C, false, freeBlocks(last) + extend);
      freeBlocksDelta += extend;
      need -= extend;
    }
    while (need > 0) {
      long g = groupCount;
      if (!canAddGroup(g) || blocksCount != groupStart(g)) {
        throw new IllegalStateException("growth beyond the room that was checked");
      }
      long size = Math.min(bpg, newGroupOverhead() + need);
      addGroup(g, size);
      need -= size - newGroupOverhead();
    }
  }

  private void addGroup(long g, long size) throws IOException {
    long start = groupStart(g);
    groupCount++;
    blocksCount += size;
    inodesCount += ipg;
    byte[] d = desc(g);
    java.util.Arrays.fill(d, (byte) 0);
    setField(g, 0x00, 0x20, true, start);
    setField(g, 0x04, 0x24, true, start + 1);
    setField(g, 0x08, 0x28, true, start + 2);
    long free = size - newGroupOverhead();
    setField(g, 0x0C, 0x2C, false, free);
    setField(g, 0x0E, 0x2E, false, ipg);
    if (uninitFlags()) {
      setFlags(g, BG_INODE_ZEROED);
      setField(g, 0x1C, 0x32, false, ipg);
    }
    BitSet bm = new BitSet(bs * 8);
    bm.set(0, (int) newGroupOverhead());
    bm.set((int) size, bs * 8);
    blockMaps.put(g, bm);
    dirtyBlockMaps.add(g);
    BitSet im = new BitSet(bs * 8);
    im.set((int) ipg, bs * 8);
    inodeMaps.put(g, im);
    dirtyInodeMaps.add(g);
    freeBlocksDelta += free;
    freeInodesDelta += ipg;
    dirtyDescs.add(g);
  }

  // ---- output ----------------------------------------------------------------------------------------

  /** Lays changed bitmaps and descriptors (with checksums) over the image. */
  void finish() throws IOException {
    for (long g : dirtyBlockMaps) {
      BitSet m = blockMaps.get(g);
      m.set((int) groupBlocks(g), bs * 8);
      byte[] bytes = bitmapBytes(m);
      System.arraycopy(bytes, 0, meta.zeroBlock(blockBitmapLoc(g)), 0, bs);
      sums.blockBitmap(desc(g), bytes);
      dirtyDescs.add(g);
    }
    for (long g : dirtyInodeMaps) {
      byte[] bytes = bitmapBytes(inodeMaps.get(g));
      System.arraycopy(bytes, 0, meta.zeroBlock(inodeBitmapLoc(g)), 0, bs);
      sums.inodeBitmap(desc(g), bytes);
      dirtyDescs.add(g);
    }
    for (long g : dirtyDescs) {
      byte[] d = desc(g);
      sums.descriptor(d, g);
      meta.write(descOffset(g), d);
    }
  }

  private byte[] bitmapBytes(BitSet m) {
    byte[] out = new byte[bs];
    byte[] b = m.toByteArray();
    System.arraycopy(b, 0, out, 0, Math.min(b.length, bs));
    return out;
  }
}
