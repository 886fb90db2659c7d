package dev.untrack.rom.sparse;

import dev.untrack.rom.io.ByteSource;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The chunks of a sparse image decided in advance ({@link SparseWriter#plan}), so that its exact length and CRCs
 * are known before a byte is written: a container can write the entry header first and then stream the sparse
 * data straight into it, with no temporary file. Holds per chunk its type, place, and the CRC-32 of a RAW chunk's
 * data (about 20 bytes a chunk); the data itself is read again from the raw image when written.
 */
public final class SparsePlan {
  private static final byte DC = 0;
  private static final byte FILL = 1;
  private static final byte RAW = 2;
  private static final byte CRC = 3;

  private final int blockSize;
  private final long imageSize;
  private final int n;
  private final byte[] type;
  private final long[] start;
  private final long[] count;
  /** FILL: the fill word; RAW: the CRC-32 of the chunk's data; CRC: the value. */
  private final int[] value;
  private final long totalBlocks;

  private SparsePlan(Recorder r, long imageSize) {
    this.blockSize = r.blockSize;
    this.imageSize = imageSize;
    this.n = r.n;
    this.type = Arrays.copyOf(r.type, n);
    this.start = Arrays.copyOf(r.start, n);
    this.count = Arrays.copyOf(r.count, n);
    this.value = Arrays.copyOf(r.value, n);
    this.totalBlocks = r.blocks;
  }

  public int blockSize() {
    return blockSize;
  }

  /** The length of the sparse file. */
  public long bytes() {
    long len = SparseFormat.FILE_HEADER_SIZE;
    for (int i = 0; i < n; i++) {
      len += SparseFormat.CHUNK_HEADER_SIZE + dataBytes(i);
    }
    return len;
  }

  private long dataBytes(int i) {
    return switch (type[i]) {
      case RAW -> count[i] * blockSize;
      case FILL, CRC -> 4;
      default -> 0;
    };
  }

  /** The CRC-32 of the whole sparse file, as {@code crclist.txt} lists it, without reading the data again. */
  public long fileCrc32() {
    CRC32 c = new CRC32();
    c.update(fileHeader());
    long v = c.getValue();
    ByteBuffer b = ByteBuffer.allocate(SparseFormat.CHUNK_HEADER_SIZE + 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.clear();
      chunkHeader(i, b);
      c.reset();
      c.update(b.array(), 0, b.position());
      v = Crc32Math.combine(v, c.getValue(), b.position());
      if (type[i] == RAW) {
        v = Crc32Math.combine(v, value[i] & 0xffffffffL, dataBytes(i));
      }
    }
    return v;
  }

  /**
   * Writes the sparse file to {@code out}, the RAW data read from {@code image} (the raw image the plan was made
   * of, as a lazy view); returns the bytes written, always {@link #bytes()}.
   */
  public long writeTo(ByteSource image, OutputStream out) throws IOException {
    long written = SparseFormat.FILE_HEADER_SIZE;
    out.write(fileHeader());
    ByteBuffer h = ByteBuffer.allocate(SparseFormat.CHUNK_HEADER_SIZE + 4).order(ByteOrder.LITTLE_ENDIAN);
    byte[] buf = new byte[1 << 20];
    for (int i = 0; i < n; i++) {
      h.clear();
      chunkHeader(i, h);
      out.write(h.array(), 0, h.position());
      written += h.position();
      if (type[i] == RAW) {
        long pos = start[i] * blockSize;
        long left = dataBytes(i);
        while (left > 0) {
          int k = (int) Math.min(buf.length, left);
          int avail = (int) Math.max(0, Math.min(k, imageSize - pos));
          if (avail > 0) {
            image.readFully(pos, buf, 0, avail);
          }
          Arrays.fill(buf, avail, k, (byte) 0); // a last partial block is padded with zeros
          out.write(buf, 0, k);
          pos += k;
          left -= k;
          written += k;
        }
      }
    }
    return written;
  }

  /**
   * The CRCs of the parts fastboot makes of this sparse file for {@code maxDownloadSize}, as
   * {@link FastbootSplit#partCrcs} gives for the written file; reads {@code image} only for a RAW chunk a part
   * boundary cuts.
   */
  public List<Long> partCrcs(ByteSource image, long maxDownloadSize) throws IOException {
    // a last partial block reads as zeros past the image's end, as in the written file
    ByteSource padded = new RegionImage(List.of(ImageRegion.data(0, image)), totalBlocks * blockSize, image.name());
    return FastbootSplit.partCrcs(blockSize, totalBlocks, dataChunks(), List.of(padded), maxDownloadSize,
        this::rawCrc);
  }

  /** RAW and FILL chunks in image order; a RAW chunk's {@code fileOffset} is its offset in the raw image. */
  private List<SparseImage.Chunk> dataChunks() {
    int[] idx = new int[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (type[i] == RAW || type[i] == FILL) {
        idx[m++] = i;
      }
    }
    int size = m;
    return new AbstractList<>() {
      @Override
      public SparseImage.Chunk get(int k) {
        int i = idx[k];
        return type[i] == RAW
            ? new SparseImage.Chunk(SparseImage.ChunkType.RAW, start[i], count[i], 0, start[i] * blockSize, 0)
            : new SparseImage.Chunk(SparseImage.ChunkType.FILL, start[i], count[i], 0, 0, value[i]);
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  /** The CRC of RAW chunk starting at {@code startBlock} when it is {@code blocks} long, else -1. */
  private long rawCrc(long startBlock, long blocks) {
    int lo = 0;
    int hi = n - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (start[mid] < startBlock) {
        lo = mid + 1;
      } else if (start[mid] > startBlock) {
        hi = mid - 1;
      } else {
        // a CRC chunk has no blocks and may share its start with the chunk after it
        for (int i = mid; i >= 0 && start[i] == startBlock; i--) {
          if (type[i] == RAW && count[i] == blocks) {
            return value[i] & 0xffffffffL;
          }
        }
        for (int i = mid + 1; i < n && start[i] == startBlock; i++) {
          if (type[i] == RAW && count[i] == blocks) {
            return value[i] & 0xffffffffL;
          }
        }
        return -1;
      }
    }
    return -1;
  }

  private byte[] fileHeader() {
    return ChunkOutput.fileHeader(blockSize, totalBlocks, n);
  }

  /** Puts chunk {@code i}'s header into {@code b}, and the 4-byte value a FILL or CRC chunk carries. */
  private void chunkHeader(int i, ByteBuffer b) {
    int t = switch (type[i]) {
      case RAW -> SparseFormat.CHUNK_RAW;
      case FILL -> SparseFormat.CHUNK_FILL;
      case CRC -> SparseFormat.CHUNK_CRC32;
      default -> SparseFormat.CHUNK_DONT_CARE;
    };
    ChunkOutput.putChunkHeader(b, t, count[i], dataBytes(i));
    if (type[i] == FILL || type[i] == CRC) {
      b.putInt(value[i]);
    }
  }

  /** Collects what {@link SparseWriter} decides. */
  static final class Recorder implements ChunkSink {
    private final int blockSize;
    private final CRC32 crc = new CRC32();
    private int n;
    private byte[] type = new byte[64];
    private long[] start = new long[64];
    private long[] count = new long[64];
    private int[] value = new int[64];
    private long blocks;

    Recorder(int blockSize) {
      this.blockSize = blockSize;
    }

    private void add(byte t, long blockCount, int v) {
      if (blockCount < 0 || blockCount > 0xffffffffL) {
        throw new IllegalArgumentException("chunk of " + blockCount + " blocks does not fit the format");
      }
      if (n == type.length) {
        int cap = n * 2;
        type = Arrays.copyOf(type, cap);
        start = Arrays.copyOf(start, cap);
        count = Arrays.copyOf(count, cap);
        value = Arrays.copyOf(value, cap);
      }
      type[n] = t;
      start[n] = blocks;
      count[n] = blockCount;
      value[n] = v;
      n++;
      blocks += blockCount;
    }

    @Override
    public void dontCare(long k) {
      add(DC, k, 0);
    }

    @Override
    public void fill(long k, int v) {
      add(FILL, k, v);
    }

    @Override
    public void raw(long k, byte[] data, int from, int len) {
      crc.reset();
      crc.update(data, from, len);
      long pad = k * blockSize - len;
      long v = pad > 0 ? Crc32Math.combine(crc.getValue(), Crc32Math.zeros(pad), pad) : crc.getValue();
      add(RAW, k, (int) v);
    }

    @Override
    public void crc(int v) {
      add(CRC, 0, v);
    }

    @Override
    public long blocks() {
      return blocks;
    }

    @Override
    public int chunks() {
      return n;
    }

    @Override
    public long finish() {
      return 0; // nothing written
    }

    SparsePlan plan(long imageSize) {
      return new SparsePlan(this, imageSize);
    }
  }
}
