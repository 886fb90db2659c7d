package dev.untrack.rom.sparse;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.SegmentedByteSource;
import dev.untrack.rom.io.Zeros;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * An Android sparse image seen as the image it expands to: a lazy, random-access {@link ByteSource}. Nothing is
 * expanded up front; opening reads only the chunk headers and keeps an index of the RAW and FILL chunks (DONT_CARE
 * regions are the gaps between them and read as zeros). A read finds its chunk by binary search and copies RAW
 * data straight from the sparse file.
 *
 * <p>Every header field is checked against the file before use: magic, version, header sizes, chunk sizes, chunk
 * types, the total block count, and that no chunk runs past the end of the file. CRC32 chunks are validated
 * structurally at open and their values are checked by {@link #verifyChecksums()} (one sequential pass).
 *
 * <p>{@link #combine} joins several sparse files that cover disjoint parts of one image (split {@code super_N.img}
 * files, or the parts fastboot produces at max-download-size) into a single view.
 */
public final class SparseImage extends SegmentedByteSource {
  private static final byte RAW = 0;
  private static final byte FILL = 1;

  /** Caps applied while indexing, so a hostile file cannot make the index grow without end. */
  public record Limits(int maxDataChunks) {
    /** About 100 MB of index at most; real super images have a few hundred thousand chunks at most. */
    public static final Limits DEFAULT = new Limits(1 << 22);
  }

  /** The kind of a data chunk; DONT_CARE chunks are not indexed, CRC32 chunks are listed as {@link Checksum}s. */
  public enum ChunkType {
    RAW,
    FILL
  }

  /**
   * One RAW or FILL chunk.
   *
   * @param source index into {@link #sources()} of the sparse file the chunk comes from
   * @param fileOffset where the chunk's data (RAW) or fill value (FILL) starts in that file
   * @param fillValue the 32-bit fill pattern as stored (little endian); 0 for RAW
   */
  public record Chunk(ChunkType type, long startBlock, long blocks, int source, long fileOffset, int fillValue) {
    public long endBlock() {
      return startBlock + blocks;
    }
  }

  /**
   * A CRC32 chunk: the CRC-32 of the expanded image up to {@code block} (DONT_CARE counted as zeros).
   *
   * @param chunkOffset where the chunk header is in its file
   */
  public record Checksum(int source, long block, int value, long chunkOffset) {}

  /** One sparse file behind this view. */
  private record Part(ByteSource source, int fileChunks, int imageChecksum, List<Checksum> checksums) {}

  private final String name;
  private final List<Part> parts;
  private final int blockSize;
  private final long totalBlocks;
  private final long size;
  private final int count;
  private final long[] start;
  private final long[] blocks;
  private final long[] offset;
  private final int[] fill;
  private final byte[] kind;
  private final byte[] src;

  private SparseImage(
      String name, List<Part> parts, int blockSize, long totalBlocks, Index index) {
    this.name = name;
    this.parts = List.copyOf(parts);
    this.blockSize = blockSize;
    this.totalBlocks = totalBlocks;
    this.size = totalBlocks * blockSize;
    this.count = index.count;
    this.start = Arrays.copyOf(index.start, index.count);
    this.blocks = Arrays.copyOf(index.blocks, index.count);
    this.offset = Arrays.copyOf(index.offset, index.count);
    this.fill = Arrays.copyOf(index.fill, index.count);
    this.kind = Arrays.copyOf(index.kind, index.count);
    this.src = Arrays.copyOf(index.src, index.count);
  }

  /** True if {@code source} starts with the sparse magic. */
  public static boolean isSparse(ByteSource source) throws IOException {
    if (source.size() < SparseFormat.FILE_HEADER_SIZE) {
      return false;
    }
    byte[] b = source.readFully(0, 4);
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt() == SparseFormat.MAGIC;
  }

  public static SparseImage open(ByteSource source) throws IOException {
    return open(source, Limits.DEFAULT);
  }

  /** Parses the header and indexes the chunks of {@code source}, which stays owned by the caller. */
  public static SparseImage open(ByteSource source, Limits limits) throws IOException {
    Index index = new Index(limits);
    Parsed p = parse(source, 0, index);
    return new SparseImage(source.name(), List.of(p.part), p.blockSize, p.totalBlocks, index);
  }

  /**
   * One view of several sparse files that each cover a disjoint part of the same image (same block size and
   * block count; what one file has as data the others have as DONT_CARE). Overlapping data is refused.
   */
  public static SparseImage combine(List<SparseImage> images, String name) throws RomFormatException {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("nothing to combine");
    }
    SparseImage first = images.get(0);
    List<Part> parts = new ArrayList<>();
    int total = 0;
    for (SparseImage img : images) {
      if (img.blockSize != first.blockSize || img.totalBlocks != first.totalBlocks) {
        throw RomFormatException.corrupt(
            img.name, SparseFormat.NAME, 0,
            "cannot combine with " + first.name + ": " + img.totalBlocks + " blocks of " + img.blockSize
                + " bytes vs " + first.totalBlocks + " blocks of " + first.blockSize + " bytes");
      }
      total += img.count;
    }
    // Merge the (already sorted) chunk lists of every part.
    Integer[] order = new Integer[total];
    long[][] refs = new long[total][];
    int n = 0;
    int sourceBase = 0;
    for (SparseImage img : images) {
      for (int i = 0; i < img.count; i++) {
        refs[n] = new long[] {img.start[i], img.blocks[i], img.offset[i], img.fill[i], img.kind[i], img.src[i] + sourceBase};
        order[n] = n;
        n++;
      }
      for (Part part : img.parts) {
        List<Checksum> sums = new ArrayList<>();
        for (Checksum c : part.checksums) {
          sums.add(new Checksum(c.source + sourceBase, c.block, c.value, c.chunkOffset));
        }
        parts.add(new Part(part.source, part.fileChunks, part.imageChecksum, sums));
      }
      sourceBase += img.parts.size();
    }
    if (parts.size() > 127) {
      throw new IllegalArgumentException("at most 127 sparse files can be combined");
    }
    Arrays.sort(order, (a, b) -> Long.compare(refs[a][0], refs[b][0]));
    Index index = new Index(new Limits(Integer.MAX_VALUE - 8));
    long end = 0;
    int endSource = -1;
    for (int k = 0; k < total; k++) {
      long[] r = refs[order[k]];
      if (r[0] < end) {
        Part other = parts.get(endSource);
        Part here = parts.get((int) r[5]);
        throw RomFormatException.corrupt(
            here.source.name(), SparseFormat.NAME, r[2],
            "data for block " + r[0] + " overlaps data of " + other.source.name() + " (up to block " + end + ")");
      }
      index.add(r[0], r[1], r[2], (int) r[3], (byte) r[4], (byte) r[5], null, 0);
      end = r[0] + r[1];
      endSource = (int) r[5];
    }
    return new SparseImage(name, parts, first.blockSize, first.totalBlocks, index);
  }

  private record Parsed(Part part, int blockSize, long totalBlocks) {}

  private static Parsed parse(ByteSource source, int sourceIndex, Index index) throws IOException {
    String file = source.name();
    long fileSize = source.size();
    if (fileSize < SparseFormat.FILE_HEADER_SIZE) {
      throw RomFormatException.corrupt(file, SparseFormat.NAME, 0,
          "file is " + fileSize + " bytes, shorter than the 28-byte sparse header");
    }
    ByteBuffer h = ByteBuffer.wrap(source.readFully(0, SparseFormat.FILE_HEADER_SIZE)).order(ByteOrder.LITTLE_ENDIAN);
    int magic = h.getInt(0);
    int major = h.getShort(4) & 0xffff;
    int fileHeaderSize = h.getShort(8) & 0xffff;
    int chunkHeaderSize = h.getShort(10) & 0xffff;
    long blockSizeU = h.getInt(12) & 0xffffffffL;
    long totalBlocks = h.getInt(16) & 0xffffffffL;
    long totalChunks = h.getInt(20) & 0xffffffffL;
    int imageChecksum = h.getInt(24);
    if (magic != SparseFormat.MAGIC) {
      throw RomFormatException.corrupt(file, SparseFormat.NAME, 0,
          String.format("bad magic 0x%08x (expected 0x%08x)", magic, SparseFormat.MAGIC));
    }
    if (major != SparseFormat.MAJOR_VERSION) {
      throw RomFormatException.unsupported(file, SparseFormat.NAME, 4, "major version " + major + " (only 1 exists)");
    }
    if (fileHeaderSize < SparseFormat.FILE_HEADER_SIZE) {
      throw RomFormatException.corrupt(file, SparseFormat.NAME, 8, "file header size " + fileHeaderSize + " < 28");
    }
    if (chunkHeaderSize < SparseFormat.CHUNK_HEADER_SIZE) {
      throw RomFormatException.corrupt(file, SparseFormat.NAME, 10, "chunk header size " + chunkHeaderSize + " < 12");
    }
    if (blockSizeU == 0 || blockSizeU % 4 != 0 || blockSizeU > (1 << 26)) {
      throw RomFormatException.corrupt(file, SparseFormat.NAME, 12,
          "block size " + blockSizeU + " is not a multiple of 4 between 4 and 64 MiB");
    }
    int blockSize = (int) blockSizeU;
    if (totalChunks > (fileSize - fileHeaderSize) / chunkHeaderSize) {
      throw RomFormatException.corrupt(file, SparseFormat.NAME, 20,
          "header claims " + totalChunks + " chunks but the file (" + fileSize + " bytes) cannot hold that many");
    }
    List<Checksum> checksums = new ArrayList<>();
    HeaderReader reader = new HeaderReader(source);
    long pos = fileHeaderSize;
    long block = 0;
    for (long i = 0; i < totalChunks; i++) {
      long chunkAt = pos;
      if (pos > fileSize - chunkHeaderSize) {
        throw RomFormatException.corrupt(file, SparseFormat.NAME, pos,
            "chunk " + i + " of " + totalChunks + ": header lies past the end of the file (truncated?)");
      }
      ByteBuffer c = reader.read(pos);
      int type = c.getShort(0) & 0xffff;
      long chunkBlocks = c.getInt(4) & 0xffffffffL;
      long totalSize = c.getInt(8) & 0xffffffffL;
      if (totalSize < chunkHeaderSize) {
        throw RomFormatException.corrupt(file, SparseFormat.NAME, chunkAt,
            "chunk " + i + ": total size " + totalSize + " is smaller than the chunk header");
      }
      long dataSize = totalSize - chunkHeaderSize;
      long dataAt = pos + chunkHeaderSize;
      if (dataSize > fileSize - dataAt) {
        throw RomFormatException.corrupt(file, SparseFormat.NAME, chunkAt,
            "chunk " + i + " (" + totalSize + " bytes) runs past the end of the file (truncated?)");
      }
      switch (type) {
        case SparseFormat.CHUNK_RAW -> {
          if (dataSize != chunkBlocks * blockSize) {
            throw RomFormatException.corrupt(file, SparseFormat.NAME, chunkAt,
                "RAW chunk " + i + " holds " + dataSize + " bytes but claims " + chunkBlocks + " blocks of " + blockSize);
          }
          checkBlocks(file, chunkAt, i, block, chunkBlocks, totalBlocks);
          if (chunkBlocks > 0) {
            index.add(block, chunkBlocks, dataAt, 0, RAW, (byte) sourceIndex, file, chunkAt);
          }
        }
        case SparseFormat.CHUNK_FILL -> {
          if (dataSize != 4) {
            throw RomFormatException.corrupt(file, SparseFormat.NAME, chunkAt,
                "FILL chunk " + i + " has " + dataSize + " data bytes (must be 4)");
          }
          checkBlocks(file, chunkAt, i, block, chunkBlocks, totalBlocks);
          int value = reader.readInt(dataAt);
          if (chunkBlocks > 0) {
            index.add(block, chunkBlocks, dataAt, value, FILL, (byte) sourceIndex, file, chunkAt);
          }
        }
        case SparseFormat.CHUNK_DONT_CARE -> {
          if (dataSize != 0) {
            throw RomFormatException.corrupt(file, SparseFormat.NAME, chunkAt,
                "DONT_CARE chunk " + i + " carries " + dataSize + " data bytes (must be 0)");
          }
          checkBlocks(file, chunkAt, i, block, chunkBlocks, totalBlocks);
        }
        case SparseFormat.CHUNK_CRC32 -> {
          if (dataSize != 4) {
            throw RomFormatException.corrupt(file, SparseFormat.NAME, chunkAt,
                "CRC32 chunk " + i + " has " + dataSize + " data bytes (must be 4)");
          }
          // The CRC chunk covers no blocks, whatever chunk_sz says (libsparse ignores it too).
          chunkBlocks = 0;
          checksums.add(new Checksum(sourceIndex, block, reader.readInt(dataAt), chunkAt));
        }
        default -> throw RomFormatException.corrupt(file, SparseFormat.NAME, chunkAt,
            String.format("chunk %d has unknown type 0x%04x", i, type));
      }
      block += chunkBlocks;
      pos = dataAt + dataSize;
    }
    if (block != totalBlocks) {
      throw RomFormatException.corrupt(file, SparseFormat.NAME, 16,
          "chunks cover " + block + " blocks but the header says " + totalBlocks);
    }
    Part part = new Part(source, (int) Math.min(Integer.MAX_VALUE, totalChunks), imageChecksum,
        Collections.unmodifiableList(checksums));
    return new Parsed(part, blockSize, totalBlocks);
  }

  private static void checkBlocks(String file, long at, long i, long block, long chunkBlocks, long totalBlocks)
      throws RomFormatException {
    if (chunkBlocks > totalBlocks - block) {
      throw RomFormatException.corrupt(file, SparseFormat.NAME, at,
          "chunk " + i + " (" + chunkBlocks + " blocks at block " + block + ") ends past the "
              + totalBlocks + " blocks the header declares");
    }
  }

  public int blockSize() {
    return blockSize;
  }

  public long totalBlocks() {
    return totalBlocks;
  }

  /** The sparse files behind this view (one unless {@link #combine combined}). */
  public List<ByteSource> sources() {
    List<ByteSource> out = new ArrayList<>(parts.size());
    for (Part p : parts) {
      out.add(p.source);
    }
    return out;
  }

  /** Chunks in the files, DONT_CARE and CRC32 included, as the headers say. */
  public long fileChunkCount() {
    long n = 0;
    for (Part p : parts) {
      n += p.fileChunks;
    }
    return n;
  }

  /** RAW and FILL chunks in image order. */
  public List<Chunk> dataChunks() {
    return new AbstractList<>() {
      @Override
      public Chunk get(int i) {
        Objects.checkIndex(i, count);
        return new Chunk(kind[i] == RAW ? ChunkType.RAW : ChunkType.FILL, start[i], blocks[i], src[i], offset[i],
            kind[i] == FILL ? fill[i] : 0);
      }

      @Override
      public int size() {
        return count;
      }
    };
  }

  /** CRC32 chunks of every file, in file order. */
  public List<Checksum> checksums() {
    List<Checksum> all = new ArrayList<>();
    for (Part p : parts) {
      all.addAll(p.checksums);
    }
    return all;
  }

  /** True if block {@code block} is DONT_CARE (no RAW or FILL chunk covers it). */
  public boolean isDontCare(long block) {
    int i = find(block);
    return i < 0 || block >= start[i] + blocks[i];
  }

  /**
   * Checks every CRC32 chunk, and the header's image checksum where it is not zero, against the data, in one
   * sequential pass per file. Throws a {@link RomFormatException} naming the first mismatch.
   */
  public void verifyChecksums() throws IOException {
    for (int p = 0; p < parts.size(); p++) {
      Part part = parts.get(p);
      if (part.checksums.isEmpty() && part.imageChecksum == 0) {
        continue;
      }
      CrcWalk walk = new CrcWalk(p);
      for (Checksum c : part.checksums) {
        walk.advanceTo(c.block);
        if ((int) walk.crc != c.value) {
          throw RomFormatException.corrupt(part.source.name(), SparseFormat.NAME, c.chunkOffset,
              String.format("CRC32 chunk 0x%08x does not match the data (CRC-32 0x%08x over the first %d blocks)",
                  c.value, (int) walk.crc, c.block));
        }
      }
      if (part.imageChecksum != 0) {
        walk.advanceTo(totalBlocks);
        if ((int) walk.crc != part.imageChecksum) {
          throw RomFormatException.corrupt(part.source.name(), SparseFormat.NAME, 24,
              String.format("image checksum 0x%08x does not match the data (CRC-32 0x%08x)",
                  part.imageChecksum, (int) walk.crc));
        }
      }
    }
  }

  /**
   * The running CRC-32 of one part's expansion (other parts' data as zeros): RAW bytes are read, DONT_CARE and FILL
   * runs are folded in arithmetically, so the cost follows the RAW data, not the image size.
   */
  private final class CrcWalk {
    private final int part;
    private final byte[] buf = new byte[1 << 16];
    private long crc;
    private long block;
    private int next;

    CrcWalk(int part) {
      this.part = part;
    }

    void advanceTo(long target) throws IOException {
      while (block < target) {
        while (next < count && (src[next] != part || start[next] + blocks[next] <= block)) {
          next++;
        }
        if (next >= count || start[next] >= target) {
          zeros(target - block);
          return;
        }
        if (start[next] > block) {
          zeros(start[next] - block);
        }
        long until = Math.min(target, start[next] + blocks[next]);
        long n = until - block;
        if (kind[next] == FILL) {
          byte[] unit = new byte[blockSize];
          ByteBuffer.wrap(unit).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(fillPattern(fill[next], blockSize / 4));
          CRC32 c = new CRC32();
          c.update(unit);
          crc = Crc32Math.combine(crc, Crc32Math.repeat(c.getValue(), blockSize, n), n * blockSize);
        } else {
          ByteSource s = parts.get(src[next]).source;
          long at = offset[next] + (block - start[next]) * blockSize;
          long left = n * blockSize;
          CRC32 c = new CRC32();
          while (left > 0) {
            int k = (int) Math.min(buf.length, left);
            s.readFully(at, buf, 0, k);
            c.update(buf, 0, k);
            at += k;
            left -= k;
          }
          crc = Crc32Math.combine(crc, c.getValue(), n * blockSize);
        }
        block = until;
      }
    }

    private void zeros(long n) {
      crc = Crc32Math.combine(crc, Crc32Math.zeros(n * blockSize), n * blockSize);
      block += n;
    }
  }

  private static int[] fillPattern(int value, int n) {
    int[] a = new int[n];
    Arrays.fill(a, value);
    return a;
  }

  /** Writes the whole expanded image to {@code out} (what {@code simg2img} does), through a 1 MiB buffer. */
  public void expandTo(WritableByteChannel out) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
    long pos = 0;
    while (pos < size) {
      buf.clear();
      buf.limit((int) Math.min(buf.capacity(), size - pos));
      int n = read(pos, buf);
      buf.flip();
      while (buf.hasRemaining()) {
        out.write(buf);
      }
      pos += n;
    }
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
    if (position < 0) {
      throw new IllegalArgumentException("negative position " + position);
    }
    return super.read(position, dst);
  }

  @Override
  protected int readPiece(long pos, ByteBuffer dst) throws IOException {
    long block = pos / blockSize;
    int i = find(block);
    if (i >= 0 && block < start[i] + blocks[i]) {
      int n = (int) Math.min(dst.remaining(), (start[i] + blocks[i]) * blockSize - pos);
      copyChunk(i, pos, dst, n);
      return n;
    }
    int n = (int) Math.min(dst.remaining(), (i + 1 < count ? start[i + 1] * blockSize : size) - pos);
    Zeros.put(dst, n);
    return n;
  }

  /** Copies {@code n} bytes of chunk {@code i} from image offset {@code pos} into {@code dst}. */
  private void copyChunk(int i, long pos, ByteBuffer dst, int n) throws IOException {
    long within = pos - start[i] * blockSize;
    if (kind[i] == RAW) {
      ByteSource s = parts.get(src[i]).source;
      readExactly(s, offset[i] + within, dst, n, at -> RomFormatException.corrupt(s.name(), SparseFormat.NAME, at,
          "file ended inside RAW data (it changed or shrank after it was opened)"));
    } else {
      int limit = dst.limit();
      dst.limit(dst.position() + n);
      try {
        putFill(fill[i], pos, dst);
      } finally {
        dst.limit(limit);
      }
    }
  }

  /** Fills {@code dst} up to its limit with the 32-bit pattern {@code v} as it stands at image offset {@code pos}. */
  private static void putFill(int v, long pos, ByteBuffer dst) {
    // Chunks start on block boundaries and blocks are multiples of 4, so the pattern phase is pos % 4.
    int phase = (int) (pos & 3);
    while (dst.hasRemaining() && phase != 0) {
      dst.put((byte) (v >>> (8 * phase)));
      phase = (phase + 1) & 3;
    }
    ByteOrder order = dst.order();
    dst.order(ByteOrder.LITTLE_ENDIAN);
    while (dst.remaining() >= 4) {
      dst.putInt(v);
    }
    dst.order(order);
    int k = 0;
    while (dst.hasRemaining()) {
      dst.put((byte) (v >>> (8 * k++)));
    }
  }

  /** Index of the last data chunk starting at or before {@code block}, or -1. */
  private int find(long block) {
    int lo = 0;
    int hi = count - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (start[mid] <= block) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  @Override
  public String toString() {
    return name + " (sparse, " + totalBlocks + " blocks of " + blockSize + ", " + count + " data chunks)";
  }

  /** Growable parallel arrays for the chunk index. */
  private static final class Index {
    private final int max;
    int count;
    long[] start = new long[16];
    long[] blocks = new long[16];
    long[] offset = new long[16];
    int[] fill = new int[16];
    byte[] kind = new byte[16];
    byte[] src = new byte[16];

    Index(Limits limits) {
      this.max = limits.maxDataChunks();
    }

    void add(long s, long b, long off, int f, byte k, byte source, String file, long at) throws RomFormatException {
      if (count >= max) {
        throw RomFormatException.unsupported(file, SparseFormat.NAME, at,
            "more than " + max + " RAW/FILL chunks (limit reached)");
      }
      if (count == start.length) {
        int n = (int) Math.min((long) max, Math.max(16L, (long) count * 2));
        start = Arrays.copyOf(start, n);
        blocks = Arrays.copyOf(blocks, n);
        offset = Arrays.copyOf(offset, n);
        fill = Arrays.copyOf(fill, n);
        kind = Arrays.copyOf(kind, n);
        src = Arrays.copyOf(src, n);
      }
      start[count] = s;
      blocks[count] = b;
      offset[count] = off;
      fill[count] = f;
      kind[count] = k;
      src[count] = source;
      count++;
    }
  }

  /** Reads chunk headers through a window so indexing costs one read per 64 KiB of headers, not one per chunk. */
  private static final class HeaderReader {
    private final ByteSource source;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private long bufStart = -1;
    private int bufLen;

    HeaderReader(ByteSource source) {
      this.source = source;
    }

    /** The 12 bytes of a chunk header at {@code pos}, little endian, at index 0 of the returned buffer. */
    ByteBuffer read(long pos) throws IOException {
      ensure(pos, SparseFormat.CHUNK_HEADER_SIZE);
      ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
      b.position((int) (pos - bufStart));
      return b.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    int readInt(long pos) throws IOException {
      ensure(pos, 4);
      return buf.getInt((int) (pos - bufStart));
    }

    private void ensure(long pos, int len) throws IOException {
      if (bufStart >= 0 && pos >= bufStart && pos + len <= bufStart + bufLen) {
        return;
      }
      int n = (int) Math.min(buf.capacity(), source.size() - pos);
      if (n < len) {
        throw RomFormatException.corrupt(source.name(), SparseFormat.NAME, pos, "unexpected end of file");
      }
      source.readFully(pos, buf.array(), 0, n);
      bufStart = pos;
      bufLen = n;
    }
  }
}
