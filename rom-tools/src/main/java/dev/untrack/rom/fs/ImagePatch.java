package dev.untrack.rom.fs;

import dev.untrack.rom.io.ByteSource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * An edited image described as the original bytes plus non-overlapping pieces laid over them or after them:
 * small metadata buffers and streamed file content. Gaps are copied from the original (inside its first
 * {@code baseLength} bytes) or are zeros. Nothing is materialized: {@link #writeTo} streams the result once
 * from start to end, and {@link #view} reads it at random, so the next stage (a sparse or super writer) can
 * consume the edited image without a temporary copy.
 *
 * <p>Used by the filesystem editors; file content is read only while writing, and must not change size.
 */
public final class ImagePatch {
  private static final int COPY_BUFFER = 1 << 20;

  private final ByteSource base;
  private final long baseLength;
  private final long size;
  private final TreeMap<Long, Piece> pieces = new TreeMap<>();
  private long patchedInBase;

  private sealed interface Piece {
    long span();
  }

  private record Bytes(byte[] data) implements Piece {
    public long span() {
      return data.length;
    }
  }

  private record Content(ByteSource source, long length, long span) implements Piece {}

  /**
   * @param base the original image
   * @param baseLength how many leading bytes of {@code base} the result keeps (≤ its size)
   * @param size the size of the result
   */
  public ImagePatch(ByteSource base, long baseLength, long size) {
    if (baseLength < 0 || baseLength > base.size() || size < 0) {
      throw new IllegalArgumentException("bad patch bounds " + baseLength + "/" + size + " over " + base.size());
    }
    this.base = base;
    this.baseLength = baseLength;
    this.size = size;
  }

  public long size() {
    return size;
  }

  public long baseLength() {
    return baseLength;
  }

  /** Bytes covered by pieces that lie inside the kept original area. */
  public long patchedInBase() {
    return patchedInBase;
  }

  /** Bytes covered by pieces beyond the kept original area. */
  public long patchedBeyondBase() {
    long t = 0;
    for (Map.Entry<Long, Piece> e : pieces.entrySet()) {
      long start = e.getKey();
      long end = start + e.getValue().span();
      t += Math.max(0, end - Math.max(start, baseLength));
    }
    return t;
  }

  /** Lays {@code data} (kept by reference: do not change it afterwards) at {@code offset}. */
  public void put(long offset, byte[] data) {
    add(offset, new Bytes(data));
  }

  /**
   * Lays {@code length} bytes of {@code source} at {@code offset}, followed by zeros up to {@code span} bytes.
   * The source is read only when the result is read or written.
   */
  public void putContent(long offset, ByteSource source, long length, long span) {
    if (length < 0 || span < length || length > source.size()) {
      throw new IllegalArgumentException("bad content piece " + length + "/" + span + " of " + source.size());
    }
    add(offset, new Content(source, length, span));
  }

  private void add(long offset, Piece p) {
    long end = offset + p.span();
    if (offset < 0 || end > size) {
      throw new IllegalArgumentException("piece [" + offset + ", " + end + ") outside the image (" + size + ")");
    }
    if (p.span() == 0) {
      return;
    }
    Map.Entry<Long, Piece> before = pieces.floorEntry(offset);
    if (before != null && before.getKey() + before.getValue().span() > offset) {
      throw new IllegalStateException("piece at " + offset + " overlaps the one at " + before.getKey());
    }
    Map.Entry<Long, Piece> after = pieces.ceilingEntry(offset);
    if (after != null && after.getKey() < end) {
      throw new IllegalStateException("piece at " + offset + " overlaps the one at " + after.getKey());
    }
    pieces.put(offset, p);
    patchedInBase += Math.max(0, Math.min(end, baseLength) - offset);
  }

  /** Streams the result from byte 0 to {@link #size()}. */
  public void writeTo(OutputStream out) throws IOException {
    byte[] buf = new byte[COPY_BUFFER];
    long pos = 0;
    for (Map.Entry<Long, Piece> e : pieces.entrySet()) {
      long start = e.getKey();
      copyGap(pos, start, out, buf);
      Piece p = e.getValue();
      if (p instanceof Bytes b) {
        out.write(b.data());
      } else {
        Content c = (Content) p;
        copy(c.source(), 0, c.length(), out, buf);
        zeros(c.span() - c.length(), out, buf);
      }
      pos = start + p.span();
    }
    copyGap(pos, size, out, buf);
  }

  private void copyGap(long from, long to, OutputStream out, byte[] buf) throws IOException {
    if (from >= to) {
      return;
    }
    long fromBase = Math.max(0, Math.min(to, baseLength) - from);
    copy(base, from, fromBase, out, buf);
    zeros(to - from - fromBase, out, buf);
  }

  private static void copy(ByteSource src, long offset, long length, OutputStream out, byte[] buf)
      throws IOException {
    if (length == 0) {
      return;
    }
    if (src.size() < offset + length) {
      throw new IOException(src.name() + ": is " + src.size() + " bytes now, " + (offset + length)
          + " were planned (did it change while the image was being edited?)");
    }
    long pos = offset;
    long end = offset + length;
    while (pos < end) {
      int n = (int) Math.min(buf.length, end - pos);
      src.readFully(pos, buf, 0, n);
      out.write(buf, 0, n);
      pos += n;
    }
  }

  private static void zeros(long n, OutputStream out, byte[] buf) throws IOException {
    if (n <= 0) {
      return;
    }
    java.util.Arrays.fill(buf, 0, (int) Math.min(buf.length, n), (byte) 0);
    long left = n;
    while (left > 0) {
      int k = (int) Math.min(buf.length, left);
      out.write(buf, 0, k);
      left -= k;
    }
  }

  /** The result as a random-access source (reads the base and the content sources on demand). */
  public ByteSource view(String name) {
    return new ByteSource() {
      @Override
      public long size() {
        return size;
      }

      @Override
      public String name() {
        return name;
      }

      @Override
      public int read(long position, ByteBuffer dst) throws IOException {
        return readAt(position, dst);
      }
    };
  }

  private int readAt(long position, ByteBuffer dst) throws IOException {
    if (position >= size) {
      return -1;
    }
    if (!dst.hasRemaining()) {
      return 0;
    }
    int want = (int) Math.min(dst.remaining(), size - position);
    Map.Entry<Long, Piece> at = pieces.floorEntry(position);
    if (at != null && at.getKey() + at.getValue().span() > position) {
      long within = position - at.getKey();
      Piece p = at.getValue();
      int n = (int) Math.min(want, p.span() - within);
      if (p instanceof Bytes b) {
        dst.put(b.data(), (int) within, n);
        return n;
      }
      Content c = (Content) p;
      if (within >= c.length()) {
        putZeros(dst, n);
        return n;
      }
      n = (int) Math.min(n, c.length() - within);
      ByteBuffer part = dst.duplicate();
      part.limit(part.position() + n);
      int got = c.source().read(within, part);
      if (got <= 0) {
        throw new IOException(c.source().name() + ": ended early at " + within);
      }
      dst.position(dst.position() + got);
      return got;
    }
    Map.Entry<Long, Piece> next = pieces.higherEntry(position);
    long gapEnd = next == null ? size : next.getKey();
    int n = (int) Math.min(want, gapEnd - position);
    if (position < baseLength) {
      n = (int) Math.min(n, baseLength - position);
      ByteBuffer part = dst.duplicate();
      part.limit(part.position() + n);
      int got = base.read(position, part);
      if (got <= 0) {
        throw new IOException(base.name() + ": ended early at " + position);
      }
      dst.position(dst.position() + got);
      return got;
    }
    putZeros(dst, n);
    return n;
  }

  private static void putZeros(ByteBuffer dst, int n) {
    for (int i = 0; i < n; i++) {
      dst.put((byte) 0);
    }
  }
}
