package dev.untrack.rom.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.LongFunction;

/**
 * A source laid out as consecutive pieces (partition extents, sparse chunks, image regions, gaps): a read fills
 * as much as asked (up to the end of the source) one piece at a time, so callers never see a short read at a
 * piece boundary.
 */
public abstract class SegmentedByteSource implements ByteSource {

  @Override
  public int read(long position, ByteBuffer dst) throws IOException {
    if (position >= size()) {
      return -1;
    }
    int want = (int) Math.min(dst.remaining(), size() - position);
    int limit = dst.limit();
    dst.limit(dst.position() + want);
    long pos = position;
    long end = position + want;
    try {
      while (pos < end) {
        pos += readPiece(pos, dst);
      }
    } finally {
      dst.limit(limit);
    }
    return want;
  }

  /**
   * Puts the bytes from {@code pos} to the end of the piece holding {@code pos}, or to {@code dst}'s limit if that
   * comes first, into {@code dst}; returns how many (at least one). {@code pos} is below {@link #size()}.
   */
  protected abstract int readPiece(long pos, ByteBuffer dst) throws IOException;

  /**
   * Reads exactly {@code n} bytes of {@code src} at {@code at} into {@code dst}; if {@code src} ends first, throws
   * what {@code ended} makes of the offset where it ended.
   */
  protected static void readExactly(ByteSource src, long at, ByteBuffer dst, int n,
      LongFunction<? extends IOException> ended) throws IOException {
    int limit = dst.limit();
    dst.limit(dst.position() + n);
    try {
      while (dst.hasRemaining()) {
        int k = src.read(at, dst);
        if (k < 0) {
          throw ended.apply(at);
        }
        at += k;
      }
    } finally {
      dst.limit(limit);
    }
  }
}
