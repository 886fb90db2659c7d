package dev.untrack.signing.internal;

import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;

/** A growable in-memory {@link SeekableByteChannel}, for small trees and tests. */
public final class ByteArrayChannel implements SeekableByteChannel {
  private byte[] data;
  private int size;
  private int position;
  private boolean open = true;

  public ByteArrayChannel() {
    this(new byte[0]);
  }

  public ByteArrayChannel(byte[] initial) {
    data = initial.clone();
    size = data.length;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(data, size);
  }

  @Override
  public int read(ByteBuffer dst) {
    if (position >= size) {
      return -1;
    }
    int n = Math.min(dst.remaining(), size - position);
    dst.put(data, position, n);
    position += n;
    return n;
  }

  @Override
  public int write(ByteBuffer src) {
    int n = src.remaining();
    long end = (long) position + n;
    if (end > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("in-memory channel limited to 2 GiB");
    }
    if (end > data.length) {
      data = Arrays.copyOf(data, (int) Math.max(end, Math.min(Integer.MAX_VALUE - 8, data.length * 2L)));
    }
    src.get(data, position, n);
    position += n;
    size = Math.max(size, position);
    return n;
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public SeekableByteChannel position(long newPosition) {
    if (newPosition < 0 || newPosition > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("position " + newPosition);
    }
    position = (int) newPosition;
    return this;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public SeekableByteChannel truncate(long newSize) {
    if (newSize < size) {
      size = (int) newSize;
    }
    position = Math.min(position, size);
    return this;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
  }
}
