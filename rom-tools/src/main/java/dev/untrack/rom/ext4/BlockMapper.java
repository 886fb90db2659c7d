package dev.untrack.rom.ext4;

import static dev.untrack.rom.io.LittleEndian.u16;
import static dev.untrack.rom.io.LittleEndian.u32;

import dev.untrack.rom.fs.Crc32c;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps a file's logical blocks to physical blocks, through an extent tree (magic 0xF30A) or a legacy
 * direct/indirect block map. One instance per open file; it caches the last leaf or indirect block, so
 * sequential reads cost one metadata read per leaf. Not thread-safe: callers synchronize.
 */
abstract class BlockMapper {
  static final int EXTENT_MAGIC = 0xF30A;
  static final int MAX_DEPTH = 5;

  final Ext4Image image;
  final Ext4Inode inode;
  final String nodeWhat;
  final String extentWhat;
  final String indirectWhat;

  BlockMapper(Ext4Image image, Ext4Inode inode) {
    this.image = image;
    this.inode = inode;
    this.nodeWhat = "extent node of inode " + inode.number();
    this.extentWhat = "block mapping of inode " + inode.number();
    this.indirectWhat = "indirect block of inode " + inode.number();
  }

  static BlockMapper of(Ext4Image image, Ext4Inode inode) {
    return inode.hasFlag(Ext4Inode.FLAG_EXTENTS) ? new Extents(image, inode) : new Legacy(image, inode);
  }

  /** The run starting at logical block {@code lblk} (never empty). */
  abstract BlockRun lookup(long lblk) throws IOException;

  /** Every mapped run in logical order, at most {@code limit} of them. */
  abstract List<Ext4Extent> all(long limit) throws IOException;

  /** Extent tree: the root lives in i_block, deeper nodes in blocks whose depth must strictly decrease. */
  static final class Extents extends BlockMapper {
    private long cachedLeafLo = -1;
    private long cachedLeafHi = -1;
    private byte[] cachedLeaf;
    private int cachedLeafOff;

    Extents(Ext4Image image, Ext4Inode inode) {
      super(image, inode);
    }

    private int checkHeader(byte[] node, int off, int areaLen, long where, int expectDepth) throws IOException {
      if (u16(node, off) != EXTENT_MAGIC) {
        throw image.corrupt(where, "bad extent header magic in inode " + inode.number());
      }
      int entries = u16(node, off + 2);
      int max = u16(node, off + 4);
      int depth = u16(node, off + 6);
      if (max == 0 || 12 + 12L * max > areaLen || entries > max) {
        throw image.corrupt(where, "extent node of inode " + inode.number() + " claims " + entries + "/" + max
            + " entries in " + areaLen + " bytes");
      }
      if (depth > MAX_DEPTH || (expectDepth >= 0 && depth != expectDepth)) {
        throw image.corrupt(where, "extent node of inode " + inode.number() + " has depth " + depth
            + (expectDepth >= 0 ? ", expected " + expectDepth : "") + " (a loop in the extent tree?)");
      }
      return depth;
    }

    private byte[] readNode(long block, int expectDepth) throws IOException {
      byte[] b = image.readBlock(block, nodeWhat);
      long where = block * image.blockSize();
      checkHeader(b, 0, b.length, where, expectDepth);
      if (image.superblock().metadataCsum()) {
        int max = u16(b, 4);
        int tail = 12 + 12 * max;
        if (tail + 4 <= b.length) {
          int stored = (int) u32(b, tail);
          int computed = Crc32c.update(image.inodeSeed(inode), b, 0, tail);
          if (stored != computed) {
            throw image.corrupt(where + tail, "extent block checksum mismatch in inode " + inode.number());
          }
        }
      }
      return b;
    }

    @Override
    BlockRun lookup(long lblk) throws IOException {
      if (cachedLeaf == null || lblk < cachedLeafLo || lblk >= cachedLeafHi) {
        descend(lblk);
      }
      return inLeaf(cachedLeaf, cachedLeafOff, lblk, cachedLeafHi);
    }

    private void descend(long lblk) throws IOException {
      byte[] node = inode.rawShared();
      int off = 0x28;
      long where = inode.offset() + off;
      int depth = checkHeader(node, off, 60, where, -1);
      long lo = 0;
      long hi = 1L << 32;
      while (depth > 0) {
        int entries = u16(node, off + 2);
        int i = lastAtOrBefore(node, off, entries, lblk);
        if (i < 0) {
          // before the first index entry: a hole up to that entry
          cachedLeaf = null;
          long first = entries == 0 ? hi : u32(node, off + 12);
          leafHole(lo, Math.min(first, hi));
          return;
        }
        int e = off + 12 + 12 * i;
        long start = u32(node, e);
        long child = u32(node, e + 4) | (long) u16(node, e + 8) << 32;
        long next = i + 1 < entries ? u32(node, e + 12) : hi;
        if (next <= start) {
          throw image.corrupt(where, "extent index entries of inode " + inode.number() + " out of order");
        }
        lo = Math.max(lo, start);
        hi = Math.min(hi, next);
        node = readNode(child, depth - 1);
        off = 0;
        where = child * image.blockSize();
        depth--;
      }
      cachedLeaf = node;
      cachedLeafOff = off;
      cachedLeafLo = lo;
      cachedLeafHi = hi;
    }

    private byte[] emptyLeaf;

    private void leafHole(long lo, long hi) {
      if (emptyLeaf == null) {
        emptyLeaf = new byte[12];
        emptyLeaf[0] = (byte) 0x0A;
        emptyLeaf[1] = (byte) 0xF3;
        emptyLeaf[4] = 1;
      }
      cachedLeaf = emptyLeaf;
      cachedLeafOff = 0;
      cachedLeafLo = lo;
      cachedLeafHi = Math.max(hi, lo + 1);
    }

    private static int lastAtOrBefore(byte[] node, int off, int entries, long lblk) {
      int lo = 0;
      int hi = entries - 1;
      int found = -1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        if (u32(node, off + 12 + 12 * mid) <= lblk) {
          found = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      return found;
    }

    private BlockRun inLeaf(byte[] node, int off, long lblk, long hi) throws IOException {
      int entries = u16(node, off + 2);
      int i = lastAtOrBefore(node, off, entries, lblk);
      if (i >= 0) {
        int e = off + 12 + 12 * i;
        long start = u32(node, e);
        int rawLen = u16(node, e + 4);
        boolean uninit = rawLen > 32768;
        int len = uninit ? rawLen - 32768 : rawLen;
        if (lblk < start + len) {
          long phys = u32(node, e + 8) | (long) u16(node, e + 6) << 32;
          long count = start + len - lblk;
          if (uninit) {
            return BlockRun.hole(count);
          }
          long p = phys + (lblk - start);
          image.checkBlockRange(p, count, extentWhat);
          return new BlockRun(p, count);
        }
      }
      long next = i + 1 < entries ? u32(node, off + 12 + 12 * (i + 1)) : hi;
      return BlockRun.hole(Math.max(1, next - lblk));
    }

    @Override
    List<Ext4Extent> all(long limit) throws IOException {
      List<Ext4Extent> out = new ArrayList<>();
      byte[] root = inode.rawShared();
      int depth = checkHeader(root, 0x28, 60, inode.offset() + 0x28, -1);
      walk(root, 0x28, depth, out, limit, new long[] {0});
      return out;
    }

    private void walk(byte[] node, int off, int depth, List<Ext4Extent> out, long limit, long[] visited)
        throws IOException {
      int entries = u16(node, off + 2);
      for (int i = 0; i < entries; i++) {
        int e = off + 12 + 12 * i;
        if (depth == 0) {
          int rawLen = u16(node, e + 4);
          boolean uninit = rawLen > 32768;
          long phys = u32(node, e + 8) | (long) u16(node, e + 6) << 32;
          if (out.size() >= limit) {
            throw image.corrupt(inode.offset(), "inode " + inode.number() + " has more than " + limit + " extents");
          }
          out.add(new Ext4Extent(u32(node, e), phys, uninit ? rawLen - 32768 : rawLen, uninit));
        } else {
          if (++visited[0] > limit) {
            throw image.corrupt(inode.offset(), "extent tree of inode " + inode.number() + " is too large");
          }
          long child = u32(node, e + 4) | (long) u16(node, e + 8) << 32;
          walk(readNode(child, depth - 1), 0, depth - 1, out, limit, visited);
        }
      }
    }
  }

  /** ext2/3 block map: 12 direct pointers, then single, double and triple indirect blocks. */
  static final class Legacy extends BlockMapper {
    private final int perBlock;
    private final long[] cachedNo = {-1, -1, -1};
    private final byte[][] cached = new byte[3][];

    Legacy(Ext4Image image, Ext4Inode inode) {
      super(image, inode);
      this.perBlock = image.blockSize() / 4;
    }

    private byte[] indirect(int level, long block) throws IOException {
      if (cachedNo[level] != block) {
        cached[level] = image.readBlock(block, indirectWhat);
        cachedNo[level] = block;
      }
      return cached[level];
    }

    @Override
    BlockRun lookup(long lblk) throws IOException {
      byte[] root = inode.rawShared();
      if (lblk < 12) {
        return runIn(root, 0x28, (int) lblk, 12);
      }
      long n = lblk - 12;
      long p = perBlock;
      int[] path;
      int rootSlot;
      if (n < p) {
        rootSlot = 12;
        path = new int[] {(int) n};
      } else if ((n -= p) < p * p) {
        rootSlot = 13;
        path = new int[] {(int) (n / p), (int) (n % p)};
      } else if ((n -= p * p) < p * p * p) {
        rootSlot = 14;
        path = new int[] {(int) (n / (p * p)), (int) (n / p % p), (int) (n % p)};
      } else {
        return BlockRun.hole(1);
      }
      long block = u32(root, 0x28 + 4 * rootSlot);
      for (int level = 0; level < path.length; level++) {
        if (block == 0) {
          return BlockRun.hole(1);
        }
        byte[] b = indirect(level, block);
        if (level == path.length - 1) {
          return runIn(b, 0, path[level], perBlock);
        }
        block = u32(b, 4 * path[level]);
      }
      return BlockRun.hole(1);
    }

    private BlockRun runIn(byte[] b, int off, int idx, int count) throws IOException {
      long first = u32(b, off + 4 * idx);
      int n = 1;
      if (first == 0) {
        while (idx + n < count && u32(b, off + 4 * (idx + n)) == 0) {
          n++;
        }
        return BlockRun.hole(n);
      }
      while (idx + n < count && u32(b, off + 4 * (idx + n)) == first + n) {
        n++;
      }
      image.checkBlockRange(first, n, extentWhat);
      return new BlockRun(first, n);
    }

    @Override
    List<Ext4Extent> all(long limit) throws IOException {
      List<Ext4Extent> out = new ArrayList<>();
      long blocks = (inode.size() + image.blockSize() - 1) / image.blockSize();
      long lblk = 0;
      while (lblk < blocks) {
        BlockRun r = lookup(lblk);
        long n = Math.min(r.count(), blocks - lblk);
        if (r.physical() >= 0) {
          if (out.size() >= limit) {
            throw image.corrupt(inode.offset(), "inode " + inode.number() + " has more than " + limit + " runs");
          }
          out.add(new Ext4Extent(lblk, r.physical(), n, false));
        }
        lblk += n;
      }
      return out;
    }
  }

}
