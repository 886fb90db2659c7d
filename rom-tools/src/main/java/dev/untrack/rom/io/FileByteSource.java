package dev.untrack.rom.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A file opened read-only; positional reads are safe from many threads. */
public final class FileByteSource implements ByteSource {
  private final FileChannel channel;
  private final long size;
  private final String name;

  private FileByteSource(FileChannel channel, long size, String name) {
    this.channel = channel;
    this.size = size;
    this.name = name;
  }

  public static FileByteSource open(Path path) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
    try {
      return new FileByteSource(ch, ch.size(), path.toString());
    } catch (RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public int read(long position, ByteBuffer dst) throws IOException {
    return read(channel, size, position, dst);
  }

  /**
   * {@link ByteSource#read} over the first {@code size} bytes of {@code channel}: one positional read, never past
   * {@code size}, for sources backed by a channel they manage themselves (spool files).
   */
  public static int read(FileChannel channel, long size, long position, ByteBuffer dst) throws IOException {
    if (position >= size) {
      return -1;
    }
    if (dst.remaining() > size - position) {
      ByteBuffer limited = dst.duplicate();
      limited.limit(limited.position() + (int) (size - position));
      int n = channel.read(limited, position);
      if (n > 0) {
        dst.position(dst.position() + n);
      }
      return n;
    }
    return channel.read(dst, position);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
