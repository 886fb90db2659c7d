package dev.untrack.rom.sparse;

import dev.untrack.rom.io.ByteSource;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;

/**
 * Writes sparse chunks to a channel through a buffer and, at the end, the file header (whose chunk count is
 * only known then) at the position the file started.
 */
final class ChunkOutput implements ChunkSink {
  private final SeekableByteChannel out;
  private final long base;
  private final int blockSize;
  private final ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
  private long blocks;
  private int chunks;
  private long written;

  ChunkOutput(SeekableByteChannel out, int blockSize) throws IOException {
    this.out = out;
    this.base = out.position();
    this.blockSize = blockSize;
    buf.put(new byte[SparseFormat.FILE_HEADER_SIZE]);
  }

  @Override
  public long blocks() {
    return blocks;
  }

  @Override
  public int chunks() {
    return chunks;
  }

  @Override
  public void dontCare(long n) throws IOException {
    header(SparseFormat.CHUNK_DONT_CARE, n, 0);
  }

  @Override
  public void fill(long n, int value) throws IOException {
    header(SparseFormat.CHUNK_FILL, n, 4);
    buf.putInt(value);
  }

  /** A RAW chunk of {@code n} blocks whose bytes are {@code data[from, from + len)} then zeros up to n blocks. */
  @Override
  public void raw(long n, byte[] data, int from, int len) throws IOException {
    long bytes = n * blockSize;
    header(SparseFormat.CHUNK_RAW, n, bytes);
    put(data, from, len);
    zeros(bytes - len);
  }

  /** A RAW chunk of {@code n} blocks copied from {@code source} at {@code offset}. */
  void raw(long n, ByteSource source, long offset) throws IOException {
    long bytes = n * blockSize;
    header(SparseFormat.CHUNK_RAW, n, bytes);
    long pos = offset;
    long end = offset + bytes;
    while (pos < end) {
      if (!buf.hasRemaining()) {
        drain();
      }
      ByteBuffer dst = buf.duplicate();
      dst.limit((int) Math.min(buf.capacity(), buf.position() + (end - pos)));
      int r = source.read(pos, dst);
      if (r < 0) {
        throw new EOFException(source.name() + ": ended at offset " + pos + " while copying RAW data");
      }
      buf.position(dst.position());
      pos += r;
    }
  }

  @Override
  public void crc(int value) throws IOException {
    header(SparseFormat.CHUNK_CRC32, 0, 4);
    buf.putInt(value);
  }

  private void header(int type, long n, long dataBytes) throws IOException {
    if (n < 0 || n > 0xffffffffL || dataBytes + SparseFormat.CHUNK_HEADER_SIZE > 0xffffffffL) {
      throw new IllegalArgumentException("chunk of " + n + " blocks / " + dataBytes + " bytes does not fit the format");
    }
    if (buf.remaining() < SparseFormat.CHUNK_HEADER_SIZE + 4) {
      drain();
    }
    putChunkHeader(buf, type, n, dataBytes);
    blocks += n;
    chunks++;
  }

  private void put(byte[] data, int from, int len) throws IOException {
    while (len > 0) {
      if (!buf.hasRemaining()) {
        drain();
      }
      int k = Math.min(len, buf.remaining());
      buf.put(data, from, k);
      from += k;
      len -= k;
    }
  }

  private void zeros(long n) throws IOException {
    while (n > 0) {
      if (!buf.hasRemaining()) {
        drain();
      }
      int k = (int) Math.min(n, buf.remaining());
      buf.position(buf.position() + k);
      // the buffer is zeroed after every drain, so skipping over it writes zeros
      n -= k;
    }
  }

  private void drain() throws IOException {
    buf.flip();
    while (buf.hasRemaining()) {
      written += out.write(buf);
    }
    buf.clear();
    java.util.Arrays.fill(buf.array(), (byte) 0);
  }

  /** The file header of a sparse file of {@code blocks} blocks in {@code chunks} chunks. */
  static byte[] fileHeader(int blockSize, long blocks, int chunks) {
    ByteBuffer h = ByteBuffer.allocate(SparseFormat.FILE_HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    h.putInt(SparseFormat.MAGIC).putShort((short) SparseFormat.MAJOR_VERSION).putShort((short) 0)
        .putShort((short) SparseFormat.FILE_HEADER_SIZE).putShort((short) SparseFormat.CHUNK_HEADER_SIZE)
        .putInt(blockSize).putInt((int) blocks).putInt(chunks).putInt(0);
    return h.array();
  }

  /** Puts a chunk header into {@code b} (little-endian). */
  static void putChunkHeader(ByteBuffer b, int type, long blocks, long dataBytes) {
    b.putShort((short) type).putShort((short) 0).putInt((int) blocks)
        .putInt((int) (dataBytes + SparseFormat.CHUNK_HEADER_SIZE));
  }

  /** Writes what is buffered and then the header; returns the total file length. */
  @Override
  public long finish() throws IOException {
    drain();
    long end = out.position();
    ByteBuffer h = ByteBuffer.wrap(fileHeader(blockSize, blocks, chunks));
    out.position(base);
    while (h.hasRemaining()) {
      out.write(h);
    }
    out.position(end);
    return written;
  }
}
