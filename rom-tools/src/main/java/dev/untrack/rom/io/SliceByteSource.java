package dev.untrack.rom.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/** A window onto another source. */
final class SliceByteSource implements ByteSource {
  private final ByteSource parent;
  private final long offset;
  private final long length;
  private final String name;

  SliceByteSource(ByteSource parent, long offset, long length, String name) {
    this.parent = Objects.requireNonNull(parent);
    if (offset < 0 || length < 0 || offset > parent.size() - length) {
      throw new IllegalArgumentException(
          parent.name() + ": slice [" + offset + ", +" + length + ") outside 0.." + parent.size());
    }
    this.offset = offset;
    this.length = length;
    this.name = name == null ? parent.name() : name;
  }

  @Override
  public long size() {
    return length;
  }

  @Override
  public int read(long position, ByteBuffer dst) throws IOException {
    if (position >= length) {
      return -1;
    }
    int want = (int) Math.min(dst.remaining(), length - position);
    if (want == dst.remaining()) {
      return parent.read(offset + position, dst);
    }
    ByteBuffer limited = dst.duplicate();
    limited.limit(limited.position() + want);
    int n = parent.read(offset + position, limited);
    if (n > 0) {
      dst.position(dst.position() + n);
    }
    return n;
  }

  @Override
  public String name() {
    return name;
  }
}
