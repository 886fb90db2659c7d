package dev.untrack.rom.io;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Random-access, read-only bytes: a file, a region of a file, a partition inside a container, an in-memory
 * buffer. Reads are positional and thread-safe, so a partition can be decoded by several threads at once
 * without copying it anywhere first.
 */
public interface ByteSource extends Closeable {

  /** Total length in bytes. */
  long size();

  /**
   * Reads up to {@code dst.remaining()} bytes starting at {@code position}. Returns the number of bytes read,
   * or -1 at end of source. Never reads past {@link #size()}.
   */
  int read(long position, ByteBuffer dst) throws IOException;

  /** Human-readable name used in error messages (a path, or {@code container > entry}). */
  String name();

  default void readFully(long position, byte[] dst, int off, int len) throws IOException {
    if (position < 0 || len < 0 || position > size() - len) {
      throw new EOFException(
          name() + ": read of " + len + " bytes at offset " + position + " is past the end (" + size() + ")");
    }
    ByteBuffer buf = ByteBuffer.wrap(dst, off, len);
    long pos = position;
    while (buf.hasRemaining()) {
      int n = read(pos, buf);
      if (n < 0) {
        throw new EOFException(name() + ": unexpected end at offset " + pos);
      }
      pos += n;
    }
  }

  default byte[] readFully(long position, int len) throws IOException {
    byte[] b = new byte[len];
    readFully(position, b, 0, len);
    return b;
  }

  /** A view of {@code length} bytes starting at {@code offset}; closing the view does not close this source. */
  default ByteSource slice(long offset, long length, String name) {
    return new SliceByteSource(this, offset, length, name);
  }

  /** A sequential stream over {@code [offset, offset + length)}. */
  default InputStream openStream(long offset, long length) {
    return new ByteSourceInputStream(this, offset, length);
  }

  default InputStream openStream() {
    return openStream(0, size());
  }

  @Override
  default void close() throws IOException {}
}
