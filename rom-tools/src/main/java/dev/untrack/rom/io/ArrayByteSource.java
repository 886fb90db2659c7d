package dev.untrack.rom.io;

import java.nio.ByteBuffer;

/** Bytes already in memory (small things: a dex, a manifest, a test fixture). */
public final class ArrayByteSource implements ByteSource {
  private final byte[] data;
  private final String name;

  public ArrayByteSource(byte[] data, String name) {
    this.data = data;
    this.name = name;
  }

  @Override
  public long size() {
    return data.length;
  }

  @Override
  public int read(long position, ByteBuffer dst) {
    if (position >= data.length) {
      return -1;
    }
    int n = (int) Math.min(dst.remaining(), data.length - position);
    dst.put(data, (int) position, n);
    return n;
  }

  @Override
  public String name() {
    return name;
  }
}
