package dev.untrack.rom.sparse;

import dev.untrack.rom.io.ByteSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * How fastboot cuts a sparse image that is larger than the device's max-download-size into several sparse files,
 * each covering part of the image (the rest DONT_CARE), and the CRC-32 of each part's data that Xiaomi
 * bootloaders check against {@code images/sparsecrclist.txt}.
 *
 * <p>The split follows AOSP libsparse ({@code sparse_file_import} then {@code sparse_file_resparse}): each RAW
 * chunk becomes one block run, adjacent FILL chunks with the same value are merged, and runs are packed into
 * parts of at most {@code maxDownloadSize} bytes, splitting a run when more than 1/8 of the part is still free.
 * Fastboot splits only when the sparse file is larger than max-download-size; a smaller file is one part.
 *
 * <p>A part's CRC is the CRC-32 of its RAW bytes and expanded FILL bytes in image order (DONT_CARE contributes
 * nothing), which is what Xiaomi's {@code flash_gen_crc_list.py} computes.
 */
public final class FastbootSplit {
  /** Fastboot's and Xiaomi's default max-download-size. */
  public static final long DEFAULT_MAX_DOWNLOAD_SIZE = 768L << 20;

  private static final int HDR = SparseFormat.FILE_HEADER_SIZE;
  private static final int CHUNK = SparseFormat.CHUNK_HEADER_SIZE;
  /** libsparse's budget: file header, a possible end skip chunk, and a CRC chunk. */
  private static final int OVERHEAD = HDR + 2 * CHUNK + 4;

  /** A run of blocks in one part. */
  public record Piece(SparseImage.ChunkType type, long startBlock, long blocks, int source, long fileOffset,
      int fillValue) {
    public long endBlock() {
      return startBlock + blocks;
    }
  }

  /**
   * One sparse file fastboot would send.
   *
   * @param sparseSize the size of that file in bytes
   * @param crc32 the CRC-32 of the part's data (unsigned 32-bit value)
   */
  public record Part(int index, List<Piece> pieces, long sparseSize, long crc32) {}

  private FastbootSplit() {}

  /** The parts fastboot makes of {@code image} for {@code maxDownloadSize}, with their CRCs. */
  public static List<Part> plan(SparseImage image, long maxDownloadSize) throws IOException {
    return plan(image.blockSize(), image.totalBlocks(), image.dataChunks(), image.sources(), maxDownloadSize,
        (start, blocks) -> -1);
  }

  /** The CRC-32 of a RAW chunk's data when it is already known, else -1. */
  interface KnownCrc {
    long of(long startBlock, long blocks);
  }

  /** {@link #plan(SparseImage, long)} over a chunk list ({@link SparsePlan} gives one before the file exists). */
  static List<Part> plan(int bs, long totalBlocks, List<SparseImage.Chunk> chunks, List<ByteSource> sources,
      long maxDownloadSize, KnownCrc known) throws IOException {
    if (maxDownloadSize > 0xffffffffL || maxDownloadSize < OVERHEAD + 3L * CHUNK + 2L * bs) {
      throw new IllegalArgumentException("max-download-size " + maxDownloadSize + " out of range for blocks of " + bs);
    }
    List<Piece> runs = backedBlocks(chunks, bs);
    List<List<Piece>> groups = new ArrayList<>();
    if (sparseLength(runs, bs, totalBlocks) <= maxDownloadSize) {
      groups.add(runs);
    } else {
      int next = 0;
      while (next < runs.size()) {
        List<Piece> part = new ArrayList<>();
        next = moveUpTo(runs, next, maxDownloadSize - OVERHEAD, bs, part);
        groups.add(part);
      }
      if (groups.isEmpty()) {
        groups.add(List.of());
      }
    }
    List<Part> parts = new ArrayList<>();
    for (List<Piece> g : groups) {
      parts.add(new Part(parts.size(), List.copyOf(g), sparseLength(g, bs, totalBlocks), crc(bs, sources, g, known)));
    }
    return parts;
  }

  /** Just the CRCs, in part order, as {@code sparsecrclist.txt} lists them. */
  public static List<Long> partCrcs(SparseImage image, long maxDownloadSize) throws IOException {
    return crcsOf(plan(image, maxDownloadSize));
  }

  static List<Long> partCrcs(int bs, long totalBlocks, List<SparseImage.Chunk> chunks, List<ByteSource> sources,
      long maxDownloadSize, KnownCrc known) throws IOException {
    return crcsOf(plan(bs, totalBlocks, chunks, sources, maxDownloadSize, known));
  }

  private static List<Long> crcsOf(List<Part> parts) {
    List<Long> out = new ArrayList<>();
    for (Part p : parts) {
      out.add(p.crc32());
    }
    return out;
  }

  /** Writes {@code part} as the standalone sparse file fastboot sends: its runs, with DONT_CARE around them. */
  public static long writePart(SparseImage image, Part part, SeekableByteChannel out) throws IOException {
    ChunkOutput chunks = new ChunkOutput(out, image.blockSize());
    long block = 0;
    List<ByteSource> sources = image.sources();
    for (Piece p : part.pieces()) {
      if (p.startBlock() > block) {
        chunks.dontCare(p.startBlock() - block);
      }
      if (p.type() == SparseImage.ChunkType.RAW) {
        chunks.raw(p.blocks(), sources.get(p.source()), p.fileOffset());
      } else {
        chunks.fill(p.blocks(), p.fillValue());
      }
      block = p.endBlock();
    }
    if (block < image.totalBlocks()) {
      chunks.dontCare(image.totalBlocks() - block);
    }
    return chunks.finish();
  }

  /** What {@code sparse_file_import} makes of the chunks: RAW chunks stay separate, equal FILLs merge. */
  private static List<Piece> backedBlocks(List<SparseImage.Chunk> chunks, long bs) {
    List<Piece> runs = new ArrayList<>();
    for (SparseImage.Chunk c : chunks) {
      if (!runs.isEmpty() && c.type() == SparseImage.ChunkType.FILL) {
        Piece last = runs.get(runs.size() - 1);
        if (last.type() == SparseImage.ChunkType.FILL && last.fillValue() == c.fillValue()
            && last.endBlock() == c.startBlock() && (last.blocks() + c.blocks()) * bs <= 0xffffffffL) {
          runs.set(runs.size() - 1, new Piece(last.type(), last.startBlock(), last.blocks() + c.blocks(),
              last.source(), last.fileOffset(), last.fillValue()));
          continue;
        }
      }
      runs.add(new Piece(c.type(), c.startBlock(), c.blocks(), c.source(), c.fileOffset(), c.fillValue()));
    }
    return runs;
  }

  /** libsparse {@code move_chunks_up_to_len}: fills {@code part} from {@code runs[from..]}, maybe splitting one. */
  private static int moveUpTo(List<Piece> runs, int from, long len, int bs, List<Piece> part) {
    long fileLen = 0;
    long lastBlock = 0;
    boolean any = false;
    for (int i = from; i < runs.size(); i++) {
      Piece p = runs.get(i);
      long count = 0;
      if (p.startBlock() > lastBlock) {
        count += CHUNK;
      }
      lastBlock = p.endBlock();
      count += chunkBytes(p, bs);
      if (fileLen + count > len) {
        fileLen += CHUNK;
        if (!any || len - fileLen > len / 8) {
          long maxBytes = len - fileLen;
          if (maxBytes >= 0) {
            long maxBlocks = maxBytes / bs;
            if (p.blocks() > maxBlocks) {
              Piece head = new Piece(p.type(), p.startBlock(), maxBlocks, p.source(), p.fileOffset(), p.fillValue());
              Piece tail = new Piece(p.type(), p.startBlock() + maxBlocks, p.blocks() - maxBlocks, p.source(),
                  p.type() == SparseImage.ChunkType.RAW ? p.fileOffset() + maxBlocks * bs : p.fileOffset(),
                  p.fillValue());
              runs.set(i, head);
              runs.add(i + 1, tail);
              p = head;
            }
          }
          part.add(p);
          return i + 1;
        }
        return i;
      }
      fileLen += count;
      part.add(p);
      any = true;
    }
    return runs.size();
  }

  private static long chunkBytes(Piece p, int bs) {
    return CHUNK + (p.type() == SparseImage.ChunkType.RAW ? p.blocks() * bs : 4);
  }

  private static long sparseLength(List<Piece> runs, int bs, long totalBlocks) {
    long len = HDR;
    long block = 0;
    for (Piece p : runs) {
      if (p.startBlock() > block) {
        len += CHUNK;
      }
      len += chunkBytes(p, bs);
      block = p.endBlock();
    }
    if (block < totalBlocks) {
      len += CHUNK;
    }
    return len;
  }

  private static long crc(int bs, List<ByteSource> sources, List<Piece> pieces, KnownCrc known) throws IOException {
    long v = 0;
    byte[] buf = new byte[1 << 16];
    for (Piece p : pieces) {
      long len = p.blocks() * bs;
      CRC32 crc = new CRC32();
      if (p.type() == SparseImage.ChunkType.FILL) {
        ByteBuffer b = ByteBuffer.allocate(bs).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
          b.putInt(p.fillValue());
        }
        crc.update(b.array());
        v = Crc32Math.combine(v, Crc32Math.repeat(crc.getValue(), bs, p.blocks()), len);
      } else if (known.of(p.startBlock(), p.blocks()) >= 0) {
        v = Crc32Math.combine(v, known.of(p.startBlock(), p.blocks()), len);
      } else {
        ByteSource s = sources.get(p.source());
        long at = p.fileOffset();
        long left = len;
        while (left > 0) {
          int n = (int) Math.min(buf.length, left);
          s.readFully(at, buf, 0, n);
          crc.update(buf, 0, n);
          at += n;
          left -= n;
        }
        v = Crc32Math.combine(v, crc.getValue(), len);
      }
    }
    return v;
  }
}
