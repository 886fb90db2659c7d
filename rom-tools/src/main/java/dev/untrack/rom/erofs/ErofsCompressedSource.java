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
  private long cachedStart = -1;
  private byte[] cachedData;

  ErofsCompressedSource(ErofsImage img, ErofsInode vi, String name) throws IOException {
    this.img = img;
    this.vi = vi;
    this.map = new ZMap(img, vi);
    this.name = name;
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
    if (cachedData == null || position < cachedStart || position >= cachedStart + cachedData.length) {
      ErofsExtent e = map.map(position);
      cachedData = null;
      cachedData = decode(e);
      cachedStart = e.logicalStart();
    }
    int from = (int) (position - cachedStart);
    int n = Math.min(dst.remaining(), cachedData.length - from);
    dst.put(cachedData, from, n);
    return n;
  }

  private byte[] decode(ErofsExtent e) throws IOException {
    int llen = (int) e.logicalLength();
    byte[] out = new byte[llen];
    switch (e.kind()) {
      case FRAGMENT:
        img.readFragment(e.physicalOffset(), out, vi);
        return out;
      case PLAIN:
      case INTERLACED:
      case INLINE_PLAIN: {
        byte[] in = img.readAt(e.physicalOffset(), e.physicalLength(), "plain cluster of nid " + vi.nid());
        int r = e.kind() == ErofsExtent.Kind.INTERLACED ? (int) (e.logicalStart() & (img.blockSize() - 1)) : 0;
        if (llen > in.length || (llen > 0 && r >= in.length)) {
          throw img.corrupt(e.physicalOffset(), "plain cluster of " + in.length + " bytes cannot hold " + llen
              + " bytes of nid " + vi.nid());
        }
        int first = Math.min(in.length - r, llen);
        System.arraycopy(in, r, out, 0, first);
        System.arraycopy(in, 0, out, first, llen - first);
        return out;
      }
      case COMPRESSED:
      case INLINE_COMPRESSED: {
        if (e.algorithm() != 0) {
          throw img.unsupported(e.physicalOffset(), "compression algorithm " + algorithmName(e.algorithm())
              + " in nid " + vi.nid() + " (only LZ4/LZ4HC is supported)");
        }
        byte[] in = img.readAt(e.physicalOffset(), e.physicalLength(), "compressed cluster of nid " + vi.nid());
        int margin = 0;
        if (img.superblock().has(ErofsSuperblock.INCOMPAT_ZERO_PADDING)) {
          int limit = Math.min(in.length, img.blockSize());
          while (margin < limit && in[margin] == 0) {
            margin++;
          }
          if (margin >= in.length) {
            throw img.corrupt(e.physicalOffset(), "compressed cluster of nid " + vi.nid() + " is all zeros");
          }
        }
        try {
          Lz4Block.decode(in, margin, in.length - margin, out, 0, llen);
        } catch (Lz4Block.MalformedException ex) {
          throw RomFormatException.corrupt(img.source().name(), "erofs",
              e.physicalOffset() + margin + ex.inputOffset(),
              "corrupt LZ4 data in nid " + vi.nid() + " (" + name + ", logical offset " + e.logicalStart()
                  + "): " + ex.getMessage(), ex);
        }
        return out;
      }
      default:
        throw new IllegalStateException(e.kind().toString());
    }
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
