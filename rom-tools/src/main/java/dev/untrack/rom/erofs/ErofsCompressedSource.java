package dev.untrack.rom.erofs;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ByteSource;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A compressed file's content, decoded one extent at a time; the last decoded extent is kept, so sequential
 * reads decode each extent once, and a read that takes a whole extent decodes it straight into the caller's
 * array. Reads are serialized per file.
 */
final class ErofsCompressedSource implements ByteSource {
  static final int WINDOW = 128 * 1024;
  /** The most read from a fragment at once: a whole-file fragment is as long as the file. */
  static final int FRAGMENT_PIECE = 256 * 1024;

  private final ErofsImage img;
  private final ErofsInode vi;
  private final ZMap map;
  private final String name;
  private final String plainWhat;
  private final String compressedWhat;
  private long cachedStart = -1;
  private int cachedLen;
  private byte[] cachedData;
  /** Image bytes {@code [windowStart, windowStart + windowLen)}, read ahead. */
  private byte[] window = new byte[0];
  private long windowStart = -1;
  private int windowLen;

  ErofsCompressedSource(ErofsImage img, ErofsInode vi, String name) throws IOException {
    this.img = img;
    this.vi = vi;
    this.map = new ZMap(img, vi);
    this.name = name;
    this.plainWhat = "plain cluster of nid " + vi.nid();
    this.compressedWhat = "compressed cluster of nid " + vi.nid();
  }

  @Override
  public long size() {
    return vi.size();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public synchronized int read(long position, ByteBuffer dst) throws IOException {
    if (position >= vi.size()) {
      return -1;
    }
    if (!dst.hasRemaining()) {
      return 0;
    }
    if (cachedData == null || position < cachedStart || position >= cachedStart + cachedLen) {
      ErofsExtent e = map.map(position);
      int direct = readDirect(e, position, dst);
      if (direct >= 0) {
        return direct;
      }
      cachedStart = -1;
      int llen = (int) e.logicalLength();
      if (cachedData == null || cachedData.length < llen) {
        cachedData = new byte[llen];
      }
      decode(e, cachedData, 0);
      cachedStart = e.logicalStart();
      cachedLen = llen;
    }
    int from = (int) (position - cachedStart);
    int n = Math.min(dst.remaining(), cachedLen - from);
    dst.put(cachedData, from, n);
    return n;
  }

  /**
   * Serves a read without the extent cache when that saves a copy: a stored (plain) extent is copied straight
   * from the image, and a compressed extent the caller's array holds whole is decoded straight into it.
   * Returns -1 when the read must go through the cache.
   */
  private int readDirect(ErofsExtent e, long position, ByteBuffer dst) throws IOException {
    if (e.kind() == ErofsExtent.Kind.FRAGMENT) {
      // Never buffer a fragment whole: a file stored entirely in the packed inode has one extent of its full
      // size, which a hostile (or just large) image could make gigabytes long.
      long within = position - e.logicalStart();
      int n = (int) Math.min(Math.min(dst.remaining(), FRAGMENT_PIECE), e.logicalLength() - within);
      if (window.length < n) {
        window = new byte[Math.max(n, Math.min(FRAGMENT_PIECE, 2 * window.length))];
      }
      windowStart = -1;
      windowLen = 0;
      img.readFragment(e.physicalOffset() + within, window, n, vi);
      dst.put(window, 0, n);
      return n;
    }
    int llen = (int) e.logicalLength();
    if (e.kind() == ErofsExtent.Kind.PLAIN) {
      int plen = e.physicalLength();
      if (llen > plen) {
        throw img.corrupt(e.physicalOffset(), "plain cluster of " + plen + " bytes cannot hold " + llen
            + " bytes of nid " + vi.nid());
      }
      int within = (int) (position - e.logicalStart());
      int n = Math.min(dst.remaining(), llen - within);
      int at = input(e.physicalOffset(), plen, plainWhat);
      dst.put(window, at + within, n);
      return n;
    }
    if (e.kind() == ErofsExtent.Kind.COMPRESSED && position == e.logicalStart() && dst.hasArray()
        && dst.remaining() >= llen) {
      decode(e, dst.array(), dst.arrayOffset() + dst.position());
      dst.position(dst.position() + llen);
      return llen;
    }
    return -1;
  }

  /** Decodes extent {@code e} whole into {@code out[outOff, outOff + logicalLength)}. */
  private void decode(ErofsExtent e, byte[] out, int outOff) throws IOException {
    int llen = (int) e.logicalLength();
    switch (e.kind()) {
      case PLAIN:
      case INTERLACED:
      case INLINE_PLAIN: {
        int plen = e.physicalLength();
        int r = e.kind() == ErofsExtent.Kind.INTERLACED ? (int) (e.logicalStart() & (img.blockSize() - 1)) : 0;
        if (llen > plen || (llen > 0 && r >= plen)) {
          throw img.corrupt(e.physicalOffset(), "plain cluster of " + plen + " bytes cannot hold " + llen
              + " bytes of nid " + vi.nid());
        }
        int at = input(e.physicalOffset(), plen, plainWhat);
        int first = Math.min(plen - r, llen);
        System.arraycopy(window, at + r, out, outOff, first);
        System.arraycopy(window, at, out, outOff + first, llen - first);
        return;
      }
      case COMPRESSED:
      case INLINE_COMPRESSED: {
        if (e.algorithm() != 0) {
          throw img.unsupported(e.physicalOffset(), "compression algorithm " + algorithmName(e.algorithm())
              + " in nid " + vi.nid() + " (only LZ4/LZ4HC is supported)");
        }
        int plen = e.physicalLength();
        int at = input(e.physicalOffset(), plen, compressedWhat);
        byte[] in = window;
        int margin = 0;
        if (img.superblock().has(ErofsSuperblock.INCOMPAT_ZERO_PADDING)) {
          int limit = Math.min(plen, img.blockSize());
          while (margin < limit && in[at + margin] == 0) {
            margin++;
          }
          if (margin >= plen) {
            throw img.corrupt(e.physicalOffset(), "compressed cluster of nid " + vi.nid() + " is all zeros");
          }
        }
        try {
          Lz4Block.decode(in, at + margin, plen - margin, out, outOff, llen);
        } catch (Lz4Block.MalformedException ex) {
          throw RomFormatException.corrupt(img.source().name(), "erofs",
              e.physicalOffset() + margin + ex.inputOffset(),
              "corrupt LZ4 data in nid " + vi.nid() + " (" + name + ", logical offset " + e.logicalStart()
                  + "): " + ex.getMessage(), ex);
        }
        return;
      }
      default:
        throw new IllegalStateException(e.kind().toString());
    }
  }

  /**
   * Makes {@code window} hold the physical bytes {@code [offset, offset + plen)} and returns their index in it.
   * The window reads ahead (a file's pclusters mostly follow each other in the image), so a sequential read
   * costs one positional read per window instead of one per pcluster. The read-ahead starts at one pcluster
   * and doubles on each miss up to {@link #WINDOW}, so small files (most of a partition) neither allocate nor
   * read more than they need; the window never exceeds the larger of {@link #WINDOW} and the largest pcluster.
   */
  private int input(long offset, int plen, String what) throws IOException {
    img.checkRange(offset, plen, what);
    if (offset >= windowStart && offset + plen <= windowStart + windowLen) {
      return (int) (offset - windowStart);
    }
    int want = Math.max(plen, Math.min(WINDOW, 2 * windowLen));
    int len = (int) Math.min(want, img.source().size() - offset);
    if (window.length < len) {
      window = new byte[len];
    }
    windowStart = -1;
    img.readFullyAt(offset, ByteBuffer.wrap(window, 0, len));
    windowStart = offset;
    windowLen = len;
    return 0;
  }

  static String algorithmName(int a) {
    switch (a) {
      case 0: return "LZ4";
      case 1: return "LZMA";
      case 2: return "DEFLATE";
      case 3: return "Zstandard";
      default: return "#" + a;
    }
  }
}
