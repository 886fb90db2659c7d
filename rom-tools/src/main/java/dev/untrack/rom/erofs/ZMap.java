package dev.untrack.rom.erofs;

import static dev.untrack.rom.io.LittleEndian.u16;
import static dev.untrack.rom.io.LittleEndian.u32;
import static dev.untrack.rom.io.LittleEndian.u64;
import static dev.untrack.rom.io.LittleEndian.u8;

import java.io.IOException;

/**
 * The logical-cluster index of a compressed EROFS inode (full 8-byte indexes or compact 2/4-byte packs), and
 * the extent lookup over it. Every index read is bounds-checked and every walk is bounded by the index count.
 */
final class ZMap {
  static final int TYPE_PLAIN = 0;
  static final int TYPE_HEAD1 = 1;
  static final int TYPE_NONHEAD = 2;
  static final int TYPE_HEAD2 = 3;
  static final int D0_CBLKCNT = 1 << 11;
  static final int PARTIAL_REF = 1 << 15;
  static final int ADVISE_COMPACTED_2B = 0x1;
  static final int ADVISE_BIG_PCLUSTER_1 = 0x2;
  static final int ADVISE_BIG_PCLUSTER_2 = 0x4;
  static final int ADVISE_INLINE_PCLUSTER = 0x8;
  static final int ADVISE_INTERLACED_PCLUSTER = 0x10;
  static final int ADVISE_FRAGMENT_PCLUSTER = 0x20;
  /** Largest decompressed extent accepted (the kernel's own limit is 12 MiB). */
  static final long MAX_EXTENT = 16L << 20;
  static final int MAX_PCLUSTER = 1 << 20;

  private final ErofsImage img;
  private final ErofsInode vi;
  private final int blkBits;
  final boolean wholeFragment;
  long fragmentOff;
  private int advise;
  private int algo1;
  private int algo2;
  int lclusterBits;
  private long totalIdx;
  private boolean ztailpacking;
  private boolean fragment;
  private int idataSize;
  private long idataOff = -1;
  private long tailHeadLcn = -1;
  private final long headerPos;
  private final String indexWhat;
  private long ebase;
  private long compacted4bInitial;
  private long compacted2b;

  /** What one logical-cluster index says. */
  private static final class Lcluster {
    long lcn;
    int type;
    int clusterofs;
    int delta0;
    int delta1;
    long pblk;
    long compressedBlks;
    boolean partialRef;
    long nextPackOff;
  }

  ZMap(ErofsImage img, ErofsInode vi) throws IOException {
    this.img = img;
    this.vi = vi;
    this.blkBits = img.superblock().blockSizeBits();
    this.indexWhat = "compression index of nid " + vi.nid();
    this.headerPos = (vi.tailOffset() + 7) & ~7L;
    byte[] h = img.readAt(headerPos, 8, "compression header of nid " + vi.nid());
    if ((u8(h, 7) & 0x80) != 0) {
      wholeFragment = true;
      fragmentOff = u64(h, 0) & ~(1L << 63);
      requireFragments();
      return;
    }
    wholeFragment = false;
    advise = u16(h, 4);
    algo1 = u8(h, 6) & 15;
    algo2 = u8(h, 6) >>> 4;
    lclusterBits = blkBits + (u8(h, 7) & 15);
    if (lclusterBits > 20) {
      throw img.corrupt(headerPos + 7, "logical cluster size 2^" + lclusterBits + " in nid " + vi.nid());
    }
    totalIdx = (vi.size() + (1L << lclusterBits) - 1) >>> lclusterBits;
    ztailpacking = (advise & ADVISE_INLINE_PCLUSTER) != 0;
    fragment = (advise & ADVISE_FRAGMENT_PCLUSTER) != 0;
    if (vi.layout() == ErofsInode.COMPRESSED_COMPACT) {
      if (((advise & ADVISE_BIG_PCLUSTER_1) == 0) != ((advise & ADVISE_BIG_PCLUSTER_2) == 0)) {
        throw img.corrupt(headerPos + 4, "inconsistent big pcluster flags for compact indexes in nid " + vi.nid());
      }
      if (lclusterBits > 14) {
        throw img.unsupported(headerPos + 7, "compact indexes with logical clusters of 2^" + lclusterBits);
      }
      ebase = headerPos + 8;
      compacted4bInitial = ((32 - ebase % 32) / 4) & 7;
      if ((advise & ADVISE_COMPACTED_2B) != 0 && compacted4bInitial < totalIdx && lclusterBits == 12) {
        compacted2b = (totalIdx - compacted4bInitial) & ~15L;
      } else {
        compacted2b = 0;
      }
    }
    if (vi.size() == 0) {
      return;
    }
    if (ztailpacking) {
      idataSize = u16(h, 2);
      findTail();
      int bs = 1 << blkBits;
      if (idataSize == 0 || (idataOff & (bs - 1)) + idataSize > bs) {
        throw img.corrupt(headerPos, "invalid tail-packing size " + idataSize + " in nid " + vi.nid());
      }
    }
    if (fragment) {
      requireFragments();
      fragmentOff = u32(h, 0);
      Lcluster head = findTail();
      if (vi.layout() == ErofsInode.COMPRESSED_FULL) {
        fragmentOff |= head.pblk << 32;
      }
    }
  }

  private void requireFragments() throws IOException {
    if (!img.superblock().has(ErofsSuperblock.INCOMPAT_FRAGMENTS)) {
      throw img.corrupt(headerPos, "nid " + vi.nid() + " uses fragments but the image has no packed inode");
    }
  }

  private Lcluster findTail() throws IOException {
    long ofs = vi.size() - 1;
    Lcluster m = load(ofs >>> lclusterBits);
    idataOff = m.nextPackOff;
    Lcluster head = headOf(m, (int) (ofs & ((1L << lclusterBits) - 1)));
    tailHeadLcn = head.lcn;
    return head;
  }

  // ---- index decoding --------------------------------------------------------------------------------

  private long cachedBlock = -1;
  private byte[] cached;

  /** Index records never cross a block boundary, so the block holding the last one is kept. */
  private byte[] indexBytes(long pos, int len) throws IOException {
    int bs = 1 << blkBits;
    long block = pos >>> blkBits;
    int in = (int) (pos & (bs - 1));
    if (in + len > bs) {
      return img.readAt(pos, len, indexWhat);
    }
    if (block != cachedBlock) {
      long start = block << blkBits;
      int n = (int) Math.min(bs, img.source().size() - start);
      if (n < in + len) {
        return img.readAt(pos, len, indexWhat);
      }
      cached = img.readAt(start, n, indexWhat);
      cachedBlock = block;
    }
    return java.util.Arrays.copyOfRange(cached, in, in + len);
  }

  private Lcluster load(long lcn) throws IOException {
    return load(lcn, false);
  }

  /** {@code lookahead}: also work out a compact NONHEAD's distance to the next HEAD (full indexes store it). */
  private Lcluster load(long lcn, boolean lookahead) throws IOException {
    if (lcn < 0 || lcn >= totalIdx) {
      throw img.corrupt(headerPos, "logical cluster " + lcn + " outside 0.." + totalIdx + " in nid " + vi.nid());
    }
    return vi.layout() == ErofsInode.COMPRESSED_FULL ? loadFull(lcn) : loadCompact(lcn, lookahead);
  }

  private Lcluster loadFull(long lcn) throws IOException {
    long pos = headerPos + 16 + lcn * 8;
    byte[] d = indexBytes(pos, 8);
    Lcluster m = new Lcluster();
    m.lcn = lcn;
    m.nextPackOff = pos + 8;
    int adv = u16(d, 0);
    m.type = adv & 3;
    if (m.type == TYPE_NONHEAD) {
      m.clusterofs = 1 << lclusterBits;
      m.delta0 = u16(d, 4);
      if ((m.delta0 & D0_CBLKCNT) != 0) {
        if ((advise & ADVISE_BIG_PCLUSTER_1) == 0) {
          throw img.corrupt(pos, "compressed block count without big pclusters in nid " + vi.nid());
        }
        m.compressedBlks = m.delta0 & ~D0_CBLKCNT;
        m.delta0 = 1;
      }
      m.delta1 = u16(d, 6);
    } else {
      m.partialRef = (adv & PARTIAL_REF) != 0;
      m.clusterofs = u16(d, 2);
      m.pblk = u32(d, 4);
    }
    return m;
  }

  private static int decodeBits(byte[] in, int lobits, int pos, int[] type) {
    int byteOff = pos >>> 3;
    int v = (in[byteOff] & 0xff) | (in[byteOff + 1] & 0xff) << 8 | (in[byteOff + 2] & 0xff) << 16
        | (in[byteOff + 3] & 0xff) << 24;
    v >>>= (pos & 7);
    type[0] = (v >>> lobits) & 3;
    return v & ((1 << lobits) - 1);
  }

  /** Where compact index {@code lcn} lives: its byte position, and the size of the pack holding it. */
  private long[] compactPosition(long lcn) throws IOException {
    long idx = lcn;
    long pos = ebase;
    int shift;
    if (idx < compacted4bInitial) {
      shift = 2;
    } else {
      pos += compacted4bInitial * 4;
      idx -= compacted4bInitial;
      if (idx < compacted2b) {
        shift = 1;
      } else {
        pos += compacted2b * 2;
        idx -= compacted2b;
        shift = 2;
      }
    }
    pos += idx << shift;
    int vcnt;
    if (shift == 2) {
      vcnt = 2;
    } else if (lclusterBits == 12) {
      vcnt = 16;
    } else {
      throw img.unsupported(pos, "compact 2-byte indexes need 4 KiB logical clusters (nid " + vi.nid() + ")");
    }
    return new long[] {pos, vcnt << shift, shift};
  }

  /**
   * The end of the metadata this inode owns after its xattrs: the map header, every index the kernel reads
   * (up to the end of the pack holding the last one) and an inline (tail-packed) pcluster.
   */
  long ownedEnd() throws IOException {
    if (wholeFragment || vi.size() == 0) {
      return headerPos + 8;
    }
    long end;
    if (vi.layout() == ErofsInode.COMPRESSED_FULL) {
      end = headerPos + 16 + totalIdx * 8;
    } else {
      long[] p = compactPosition(totalIdx - 1);
      end = p[0] - Math.floorMod(p[0], p[1]) + p[1];
    }
    if (ztailpacking) {
      end = Math.max(end, idataOff + idataSize);
    }
    return end;
  }

  private Lcluster loadCompact(long lcn, boolean lookahead) throws IOException {
    long[] where = compactPosition(lcn);
    long pos = where[0];
    int packBytes = (int) where[1];
    int shift = (int) where[2];
    int vcnt = packBytes >> shift;
    long base = pos - Math.floorMod(pos, (long) packBytes);
    byte[] in = indexBytes(base, packBytes);
    Lcluster m = new Lcluster();
    m.lcn = lcn;
    m.nextPackOff = base + packBytes;
    boolean big = (advise & ADVISE_BIG_PCLUSTER_1) != 0;
    int encodeBits = ((packBytes - 4) * 8) / vcnt;
    int lobits = Math.max(lclusterBits, 12);
    int i = (int) ((pos - base) >>> shift);
    int[] t = new int[1];
    int lo = decodeBits(in, lobits, encodeBits * i, t);
    m.type = t[0];
    if (m.type == TYPE_NONHEAD) {
      m.clusterofs = 1 << lclusterBits;
      if (lookahead) {
        m.delta1 = lookaheadDistance(in, lobits, encodeBits, vcnt, i);
      }
      if ((lo & D0_CBLKCNT) != 0) {
        if (!big) {
          throw img.corrupt(pos, "compressed block count without big pclusters in nid " + vi.nid());
        }
        m.compressedBlks = lo & ~D0_CBLKCNT;
        m.delta0 = 1;
        return m;
      }
      if (i + 1 != vcnt) {
        m.delta0 = lo;
        return m;
      }
      // the last slot of a pack stores the lookahead distance; the lookback comes from the slot before it
      lo = decodeBits(in, lobits, encodeBits * (i - 1), t);
      if (t[0] != TYPE_NONHEAD) {
        lo = 0;
      } else if ((lo & D0_CBLKCNT) != 0) {
        lo = 1;
      }
      m.delta0 = lo + 1;
      return m;
    }
    m.clusterofs = lo;
    m.delta0 = 0;
    long nblk;
    if (!big) {
      nblk = 1;
      while (i > 0) {
        --i;
        lo = decodeBits(in, lobits, encodeBits * i, t);
        if (t[0] == TYPE_NONHEAD) {
          i -= lo;
        }
        if (i >= 0) {
          ++nblk;
        }
      }
    } else {
      nblk = 0;
      while (i > 0) {
        --i;
        lo = decodeBits(in, lobits, encodeBits * i, t);
        if (t[0] == TYPE_NONHEAD) {
          if ((lo & D0_CBLKCNT) != 0) {
            --i;
            nblk += lo & ~D0_CBLKCNT;
            continue;
          }
          if (lo <= 1) {
            throw img.corrupt(pos, "bad lookback distance in compact index of nid " + vi.nid());
          }
          i -= lo - 2;
          continue;
        }
        ++nblk;
      }
    }
    m.pblk = u32(in, packBytes - 4) + nblk;
    return m;
  }

  private static int lookaheadDistance(byte[] in, int lobits, int encodeBits, int vcnt, int i) {
    int d1 = 0;
    int lo = 0;
    int[] t = new int[1];
    do {
      lo = decodeBits(in, lobits, encodeBits * i, t);
      if (t[0] != TYPE_NONHEAD) {
        return d1;
      }
      ++d1;
    } while (++i < vcnt);
    if ((lo & D0_CBLKCNT) == 0) {
      d1 += lo - 1;
    }
    return d1;
  }

  // ---- extent mapping --------------------------------------------------------------------------------

  /** The HEAD or PLAIN lcluster of the extent holding byte {@code endoff} of lcluster {@code m}. */
  private Lcluster headOf(Lcluster m, int endoff) throws IOException {
    Lcluster cur = m;
    int distance;
    if (cur.type == TYPE_NONHEAD) {
      distance = cur.delta0;
    } else {
      if (endoff >= cur.clusterofs) {
        return checkHead(cur);
      }
      distance = 1;
    }
    while (true) {
      if (distance <= 0 || distance > cur.lcn) {
        throw img.corrupt(headerPos, "bogus lookback distance " + distance + " at logical cluster " + cur.lcn
            + " of nid " + vi.nid());
      }
      cur = load(cur.lcn - distance);
      if (cur.type != TYPE_NONHEAD) {
        return checkHead(cur);
      }
      distance = cur.delta0;
    }
  }

  private Lcluster checkHead(Lcluster h) throws IOException {
    if (h.clusterofs >= (1 << lclusterBits)) {
      throw img.corrupt(headerPos, "cluster offset " + h.clusterofs + " out of range in nid " + vi.nid());
    }
    return h;
  }

  /** The extent containing logical byte {@code ofs} (0 <= ofs < size). */
  ErofsExtent map(long ofs) throws IOException {
    if (wholeFragment) {
      return new ErofsExtent(0, vi.size(), fragmentOff, 0, ErofsExtent.Kind.FRAGMENT, 0, 0, false);
    }
    long lcn = ofs >>> lclusterBits;
    int endoff = (int) (ofs & ((1L << lclusterBits) - 1));
    Lcluster head = headOf(load(lcn), endoff);
    long la = (head.lcn << lclusterBits) | head.clusterofs;
    long end = vi.size();
    // walk to the next HEAD; NONHEAD lookahead distances let the walk skip ahead (each step still checks)
    for (long l = head.lcn + 1; l < totalIdx; ) {
      Lcluster n = load(l, true);
      if (n.type != TYPE_NONHEAD) {
        end = Math.min(end, (l << lclusterBits) | n.clusterofs);
        break;
      }
      if (((l - head.lcn) << lclusterBits) > MAX_EXTENT) {
        break;
      }
      l += Math.max(1, n.delta1);
    }
    if (ofs < la || ofs >= end) {
      throw img.corrupt(headerPos, "logical byte " + ofs + " is not inside its extent [" + la + ", " + end
          + ") in nid " + vi.nid());
    }
    long llen = end - la;
    if (llen > MAX_EXTENT) {
      throw img.unsupported(headerPos, "extent of " + llen + " decompressed bytes in nid " + vi.nid()
          + " (limit " + MAX_EXTENT + ")");
    }
    boolean plain = head.type == TYPE_PLAIN;
    int algorithm = head.type == TYPE_HEAD2 ? algo2 : algo1;
    if (head.lcn == tailHeadLcn && ztailpacking) {
      return new ErofsExtent(la, llen, idataOff, idataSize,
          plain ? ErofsExtent.Kind.INLINE_PLAIN : ErofsExtent.Kind.INLINE_COMPRESSED, algorithm, head.lcn,
          head.partialRef);
    }
    if (head.lcn == tailHeadLcn && fragment) {
      return new ErofsExtent(la, llen, fragmentOff, 0, ErofsExtent.Kind.FRAGMENT, algorithm, head.lcn, false);
    }
    long plen = compressedLength(head);
    if (plen <= 0 || plen > MAX_PCLUSTER) {
      throw img.corrupt(headerPos, "physical cluster of " + plen + " bytes in nid " + vi.nid());
    }
    ErofsExtent.Kind kind = !plain ? ErofsExtent.Kind.COMPRESSED
        : (advise & ADVISE_INTERLACED_PCLUSTER) != 0 ? ErofsExtent.Kind.INTERLACED : ErofsExtent.Kind.PLAIN;
    return new ErofsExtent(la, llen, head.pblk << blkBits, (int) plen, kind, algorithm, head.lcn,
        head.partialRef);
  }

  private long compressedLength(Lcluster head) throws IOException {
    boolean big1 = (advise & ADVISE_BIG_PCLUSTER_1) != 0;
    boolean big2 = (advise & ADVISE_BIG_PCLUSTER_2) != 0;
    boolean big = head.type == TYPE_HEAD1 ? big1 : big2;
    long next = head.lcn + 1;
    if (!big || next >= totalIdx) {
      return 1L << lclusterBits;
    }
    Lcluster m = load(next);
    if (m.type != TYPE_NONHEAD) {
      return 1L << lclusterBits;
    }
    if (m.delta0 != 1 || m.compressedBlks == 0) {
      throw img.corrupt(headerPos, "missing compressed block count after logical cluster " + head.lcn
          + " of nid " + vi.nid());
    }
    return m.compressedBlks << blkBits;
  }
}
