package dev.untrack.rom.fs;

import dev.untrack.rom.io.ByteSource;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The metadata blocks an editor changes, held in memory: a block is read from the original image the first
 * time it is touched (zeros past the original end), changed in place, and laid over the output at the end.
 * Reads through the overlay see the changes made so far. Editors touch a handful of blocks (inodes, bitmaps,
 * descriptors, directories), so memory stays small whatever the image size.
 */
public final class BlockOverlay {
  private final ByteSource base;
  private final long baseLength;
  private final int blockSize;
  private final TreeMap<Long, byte[]> blocks = new TreeMap<>();

  public BlockOverlay(ByteSource base, long baseLength, int blockSize) {
    this.base = base;
    this.baseLength = baseLength;
    this.blockSize = blockSize;
  }

  public int blockSize() {
    return blockSize;
  }

  /** Whether block {@code n} has been touched. */
  public boolean touched(long n) {
    return blocks.containsKey(n);
  }

  /** Block {@code n} for changing: the returned array is the one written out. */
  public byte[] block(long n) throws IOException {
    byte[] b = blocks.get(n);
    if (b == null) {
      b = load(n);
      blocks.put(n, b);
    }
    return b;
  }

  /** Block {@code n} as a fresh all-zero block (its old content is not read). */
  public byte[] zeroBlock(long n) {
    byte[] b = new byte[blockSize];
    blocks.put(n, b);
    return b;
  }

  private byte[] load(long n) throws IOException {
    byte[] b = new byte[blockSize];
    long start = n * blockSize;
    if (start < baseLength) {
      int len = (int) Math.min(blockSize, baseLength - start);
      base.readFully(start, b, 0, len);
    }
    return b;
  }

  /** Reads {@code len} bytes at {@code offset}, with the changes made so far. */
  public byte[] read(long offset, int len) throws IOException {
    byte[] out = new byte[len];
    int done = 0;
    while (done < len) {
      long pos = offset + done;
      long n = pos / blockSize;
      int in = (int) (pos % blockSize);
      int k = Math.min(len - done, blockSize - in);
      byte[] b = blocks.get(n);
      if (b != null) {
        System.arraycopy(b, in, out, done, k);
      } else if (pos < baseLength) {
        int fromBase = (int) Math.min(k, baseLength - pos);
        base.readFully(pos, out, done, fromBase);
      }
      done += k;
    }
    return out;
  }

  /** Writes {@code len} bytes of {@code src} at image offset {@code offset} (may span blocks). */
  public void write(long offset, byte[] src, int off, int len) throws IOException {
    int done = 0;
    while (done < len) {
      long pos = offset + done;
      long n = pos / blockSize;
      int in = (int) (pos % blockSize);
      int k = Math.min(len - done, blockSize - in);
      System.arraycopy(src, off + done, block(n), in, k);
      done += k;
    }
  }

  public void write(long offset, byte[] src) throws IOException {
    write(offset, src, 0, src.length);
  }

  /** Lays every touched block over {@code patch}. */
  public void addTo(ImagePatch patch) {
    for (Map.Entry<Long, byte[]> e : blocks.entrySet()) {
      long start = e.getKey() * blockSize;
      byte[] b = e.getValue();
      if (start >= patch.size()) {
        throw new IllegalStateException("block " + e.getKey() + " lies past the end of the result");
      }
      if (start + b.length > patch.size()) {
        b = java.util.Arrays.copyOf(b, (int) Math.max(0, patch.size() - start));
      }
      patch.put(start, b);
    }
  }
}
