package dev.untrack.rom.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/** Sequential reading of a range of a {@link ByteSource}, buffered. */
final class ByteSourceInputStream extends InputStream {
  private static final int BUFFER = 64 * 1024;

  private final ByteSource source;
  private long position;
  private final long end;
  private final ByteBuffer buffer;

  ByteSourceInputStream(ByteSource source, long offset, long length) {
    if (offset < 0 || length < 0 || offset > source.size() - length) {
      throw new IllegalArgumentException(
          source.name() + ": stream [" + offset + ", +" + length + ") outside 0.." + source.size());
    }
    this.source = source;
    this.position = offset;
    this.end = offset + length;
    this.buffer = ByteBuffer.allocate((int) Math.min(BUFFER, Math.max(1, length)));
    this.buffer.limit(0);
  }

  private boolean fill() throws IOException {
    if (buffer.hasRemaining()) {
      return true;
    }
    if (position >= end) {
      return false;
    }
    buffer.clear();
    buffer.limit((int) Math.min(buffer.capacity(), end - position));
    int n = source.read(position, buffer);
    if (n <= 0) {
      throw new java.io.EOFException(source.name() + ": unexpected end at offset " + position);
    }
    position += n;
    buffer.flip();
    return true;
  }

  @Override
  public int read() throws IOException {
    return fill() ? buffer.get() & 0xff : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int n = Math.min(len, buffer.remaining());
    buffer.get(b, off, n);
    return n;
  }

  @Override
  public long skip(long n) {
    if (n <= 0) {
      return 0;
    }
    long fromBuffer = Math.min(n, buffer.remaining());
    buffer.position(buffer.position() + (int) fromBuffer);
    long rest = Math.min(n - fromBuffer, end - position);
    position += rest;
    return fromBuffer + rest;
  }

  @Override
  public int available() {
    return (int) Math.min(Integer.MAX_VALUE, buffer.remaining() + (end - position));
  }
}
