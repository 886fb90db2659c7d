package dev.untrack.rom.erofs;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ByteSource;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A compressed file's content, decoded one extent at a time; the last decoded extent is kept, so sequential
 * reads decode each extent once. Reads are serialized per file.
 */
final class ErofsCompressedSource implements ByteSource {
  private final ErofsImage img;
  private final ErofsInode vi;
  private final ZMap map;
  private final String name;
  private final String plainWhat;
  private final String compressedWhat;
  private long cachedStart = -1;
  private int cachedLen;
  private byte[] cachedData;
  private byte[] inBuf = new byte[0];

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
      cachedStart = -1;
      decode(e);
      cachedStart = e.logicalStart();
      cachedLen = (int) e.logicalLength();
    }
    int from = (int) (position - cachedStart);
    int n = Math.min(dst.remaining(), cachedLen - from);
    dst.put(cachedData, from, n);
    return n;
  }

  /** Decodes into {@code cachedData} (reused across extents; memory stays at the largest extent). */
  private void decode(ErofsExtent e) throws IOException {
    int llen = (int) e.logicalLength();
    if (cachedData == null || cachedData.length < llen) {
      cachedData = new byte[llen];
    }
    byte[] out = cachedData;
    switch (e.kind()) {
      case FRAGMENT:
        img.readFragment(e.physicalOffset(), out, llen, vi);
        return;
      case PLAIN:
      case INTERLACED:
      case INLINE_PLAIN: {
        int plen = e.physicalLength();
        byte[] in = input(e.physicalOffset(), plen, plainWhat);
        int r = e.kind() == ErofsExtent.Kind.INTERLACED ? (int) (e.logicalStart() & (img.blockSize() - 1)) : 0;
        if (llen > plen || (llen > 0 && r >= plen)) {
          throw img.corrupt(e.physicalOffset(), "plain cluster of " + plen + " bytes cannot hold " + llen
              + " bytes of nid " + vi.nid());
        }
        int first = Math.min(plen - r, llen);
        System.arraycopy(in, r, out, 0, first);
        System.arraycopy(in, 0, out, first, llen - first);
        return;
      }
      case COMPRESSED:
      case INLINE_COMPRESSED: {
        if (e.algorithm() != 0) {
          throw img.unsupported(e.physicalOffset(), "compression algorithm " + algorithmName(e.algorithm())
              + " in nid " + vi.nid() + " (only LZ4/LZ4HC is supported)");
        }
        int plen = e.physicalLength();
        byte[] in = input(e.physicalOffset(), plen, compressedWhat);
        int margin = 0;
        if (img.superblock().has(ErofsSuperblock.INCOMPAT_ZERO_PADDING)) {
          int limit = Math.min(plen, img.blockSize());
          while (margin < limit && in[margin] == 0) {
            margin++;
          }
          if (margin >= plen) {
            throw img.corrupt(e.physicalOffset(), "compressed cluster of nid " + vi.nid() + " is all zeros");
          }
        }
        try {
          Lz4Block.decode(in, margin, plen - margin, out, 0, llen);
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

  /** The physical cluster, read into a buffer reused across extents. */
  private byte[] input(long offset, int plen, String what) throws IOException {
    if (inBuf.length < plen) {
      inBuf = new byte[plen];
    }
    img.checkRange(offset, plen, what);
    img.readFullyAt(offset, ByteBuffer.wrap(inBuf, 0, plen));
    return inBuf;
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
