package dev.untrack.rom.ext4;

import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.Zeros;
import java.io.IOException;
import java.nio.ByteBuffer;

/** A file's content through its block map: holes and uninitialized extents read as zeros. */
final class Ext4FileSource implements ByteSource {
  private final Ext4Image image;
  private final BlockMapper mapper;
  private final long size;
  private final String name;

  Ext4FileSource(Ext4Image image, Ext4Inode inode, long size, String name) {
    this.image = image;
    this.mapper = BlockMapper.of(image, inode);
    this.size = size;
    this.name = name;
  }

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
    if (position >= size) {
      return -1;
    }
    if (!dst.hasRemaining()) {
      return 0;
    }
    int bs = image.blockSize();
    long lblk = position / bs;
    int inBlock = (int) (position % bs);
    BlockRun run;
    synchronized (mapper) {
      run = mapper.lookup(lblk);
    }
    long runBytes = run.count() * bs - inBlock;
    int n = (int) Math.min(Math.min(dst.remaining(), size - position), runBytes);
    if (run.physical() < 0) {
      Zeros.put(dst, n);
      return n;
    }
    ByteBuffer part = dst.duplicate();
    part.limit(part.position() + n);
    image.readFullyAt(run.physical() * bs + inBlock, part);
    dst.position(dst.position() + n);
    return n;
  }
}
