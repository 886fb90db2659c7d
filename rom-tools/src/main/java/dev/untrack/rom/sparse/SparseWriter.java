package dev.untrack.rom.sparse;

import dev.untrack.rom.io.AtomicOutput;
import dev.untrack.rom.io.ByteSource;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Writes Android sparse images, streaming, in one pass over the input with a fixed 4 MiB window. Blocks whose
 * 32-bit words are all equal become FILL chunks (zeros included, as {@code img2simg} does, unless
 * {@link Options#zeroAsDontCare}), don't-care regions become DONT_CARE chunks, everything else RAW chunks. RAW
 * chunks are cut at window boundaries; the output depends only on the input and the options.
 *
 * <p>The file header holds the chunk count, so the output is a {@link SeekableByteChannel}: the header is
 * rewritten at the end. An image whose size is not a multiple of the block size is padded with zeros.
 */
public final class SparseWriter {
  private static final int WINDOW_BLOCKS_BYTES = 4 << 20;
  /** libsparse keeps a fill length in a 32-bit byte count; longer FILL chunks break fastboot's importer. */
  private static final long MAX_FILL_BYTES = 0xffffffffL;

  /**
   * @param blockSize the sparse block size (4096 everywhere in Android)
   * @param zeroAsDontCare write all-zero blocks as DONT_CARE instead of FILL 0 (smaller, but flashing leaves the
   *     old bytes there)
   * @param crc32 append a CRC32 chunk with the CRC-32 of the whole image
   */
  public record Options(int blockSize, boolean zeroAsDontCare, boolean crc32) {
    public static final Options DEFAULT = new Options(SparseFormat.DEFAULT_BLOCK_SIZE, false, false);

    public Options {
      if (blockSize < 512 || blockSize % 512 != 0 || blockSize > (1 << 20)) {
        throw new IllegalArgumentException("block size " + blockSize + " must be a multiple of 512 up to 1 MiB");
      }
    }
  }

  /** What was written. */
  public record Result(long totalBlocks, int chunks, long bytes) {}

  private SparseWriter() {}

  /** A sparse image of {@code image}. */
  public static Result write(ByteSource image, SeekableByteChannel out, Options options) throws IOException {
    return write(List.of(ImageRegion.data(0, image)), image.size(), out, options);
  }

  /**
   * A sparse image of {@code imageSize} bytes made of {@code regions} (in any order, not overlapping; gaps are
   * don't care).
   */
  public static Result write(List<ImageRegion> regions, long imageSize, SeekableByteChannel out, Options options)
      throws IOException {
    return new Run(sorted(regions, imageSize), imageSize, new ChunkOutput(out, options.blockSize()), options).run();
  }

  /**
   * Re-sparses a sparse image keeping its DONT_CARE regions as they are (re-reading it as a plain
   * {@link ByteSource} would turn them into zero FILL chunks).
   */
  public static Result write(SparseImage image, SeekableByteChannel out, Options options) throws IOException {
    return write(regionsOf(image), image.size(), out, options);
  }

  /** Writes to {@code target} atomically. */
  public static Result writeTo(Path target, List<ImageRegion> regions, long imageSize, Options options)
      throws IOException {
    try (AtomicOutput out = AtomicOutput.create(target)) {
      Result r = write(regions, imageSize, out.channel(), options);
      out.commit();
      return r;
    }
  }

  /**
   * Decides the chunks {@link #write(List, long, SeekableByteChannel, Options)} would write, without writing
   * them: one pass over the regions, keeping only the chunk list and the CRCs of the RAW chunks.
   */
  public static SparsePlan plan(List<ImageRegion> regions, long imageSize, Options options) throws IOException {
    SparsePlan.Recorder rec = new SparsePlan.Recorder(options.blockSize());
    new Run(sorted(regions, imageSize), imageSize, rec, options).run();
    return rec.plan(imageSize);
  }

  /** The RAW and FILL chunks of {@code image} as regions (RAW as slices of the sparse file). */
  public static List<ImageRegion> regionsOf(SparseImage image) {
    List<ImageRegion> out = new ArrayList<>();
    List<ByteSource> sources = image.sources();
    long bs = image.blockSize();
    for (SparseImage.Chunk c : image.dataChunks()) {
      long off = c.startBlock() * bs;
      long len = c.blocks() * bs;
      if (c.type() == SparseImage.ChunkType.RAW) {
        ByteSource s = sources.get(c.source());
        out.add(new ImageRegion(off, len, ImageRegion.Kind.DATA, s.slice(c.fileOffset(), len, s.name()), 0));
      } else {
        out.add(ImageRegion.fill(off, len, c.fillValue()));
      }
    }
    return out;
  }

  private static List<ImageRegion> sorted(List<ImageRegion> regions, long imageSize) {
    List<ImageRegion> list = new ArrayList<>(regions);
    list.sort(Comparator.comparingLong(ImageRegion::offset));
    long end = 0;
    for (ImageRegion r : list) {
      if (r.offset() < end) {
        throw new IllegalArgumentException("regions overlap at offset " + r.offset());
      }
      end = r.end();
    }
    if (end > imageSize) {
      throw new IllegalArgumentException("regions end at " + end + ", past the image size " + imageSize);
    }
    list.removeIf(r -> r.length() == 0 || r.kind() == ImageRegion.Kind.DONT_CARE);
    return list;
  }

  private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** One write: the window loop and the pending run. */
  private static final class Run {
    private static final int NONE = 0;
    private static final int DC = 1;
    private static final int FILL = 2;
    private static final int RAW = 3;

    private final List<ImageRegion> regions;
    private final int bs;
    private final long totalBlocks;
    private final Options options;
    private final ChunkSink out;
    private final int windowBlocks;
    private final byte[] window;
    private final boolean[] touched;
    private final CRC32 crc = new CRC32();
    private int cursor;

    // the pending run
    private int runType = NONE;
    private long runStart;
    private long runBlocks;
    private int runFill;
    private int rawFrom; // first window block of a pending RAW run

    Run(List<ImageRegion> regions, long imageSize, ChunkSink out, Options options) {
      this.regions = regions;
      this.bs = options.blockSize();
      this.totalBlocks = (imageSize + bs - 1) / bs;
      if (totalBlocks > 0xffffffffL) {
        throw new IllegalArgumentException("image of " + imageSize + " bytes has more than 2^32 blocks");
      }
      this.options = options;
      this.out = out;
      this.windowBlocks = Math.max(1, WINDOW_BLOCKS_BYTES / bs);
      this.window = new byte[windowBlocks * bs];
      this.touched = new boolean[windowBlocks];
    }

    Result run() throws IOException {
      for (long w = 0; w < totalBlocks; w += windowBlocks) {
        int n = (int) Math.min(windowBlocks, totalBlocks - w);
        if (!options.crc32() && nothingIn(w, n)) {
          // a window of pure don't care (unused space in a super): no bytes to look at
          if (runType != DC) {
            flush();
            runType = DC;
            runStart = w;
          }
          runBlocks += n;
          continue;
        }
        load(w, n);
        for (int k = 0; k < n; k++) {
          classify(w, k);
        }
        if (runType == RAW) {
          flush();
        }
      }
      flush();
      if (options.crc32()) {
        out.crc((int) crc.getValue());
      }
      long bytes = out.finish();
      return new Result(out.blocks(), out.chunks(), bytes);
    }

    private boolean nothingIn(long firstBlock, int n) {
      long wStart = firstBlock * bs;
      long wEnd = wStart + (long) n * bs;
      while (cursor < regions.size() && regions.get(cursor).end() <= wStart) {
        cursor++;
      }
      return cursor >= regions.size() || regions.get(cursor).offset() >= wEnd;
    }

    /** Assembles window bytes: data read, fills expanded, don't care zeroed. */
    private void load(long firstBlock, int n) throws IOException {
      long wStart = firstBlock * bs;
      long wEnd = wStart + (long) n * bs;
      java.util.Arrays.fill(touched, 0, n, false);
      int set = 0; // window bytes before this are written; only the gaps between regions are zeroed
      while (cursor < regions.size() && regions.get(cursor).end() <= wStart) {
        cursor++;
      }
      for (int i = cursor; i < regions.size(); i++) {
        ImageRegion r = regions.get(i);
        if (r.offset() >= wEnd) {
          break;
        }
        long from = Math.max(r.offset(), wStart);
        long to = Math.min(r.end(), wEnd);
        int at = (int) (from - wStart);
        int len = (int) (to - from);
        if (at > set) {
          java.util.Arrays.fill(window, set, at, (byte) 0);
        }
        set = at + len;
        if (r.kind() == ImageRegion.Kind.DATA) {
          r.data().readFully(from - r.offset(), window, at, len);
        } else {
          for (int j = 0; j < len; j++) {
            long abs = from + j;
            window[at + j] = (byte) (r.fillValue() >>> (8 * (int) (abs & 3)));
          }
        }
        for (int b = at / bs; b <= (at + len - 1) / bs; b++) {
          touched[b] = true;
        }
      }
      if (set < n * bs) {
        java.util.Arrays.fill(window, set, n * bs, (byte) 0);
      }
    }

    private void classify(long firstBlock, int k) throws IOException {
      long block = firstBlock + k;
      int type;
      int value = 0;
      if (!touched[k]) {
        type = DC;
      } else {
        int at = k * bs;
        value = (int) INT_LE.get(window, at);
        // all 32-bit words equal: compared 8 bytes at a time (the block size is a multiple of 512)
        long pair = (value & 0xffffffffL) | ((long) value << 32);
        boolean uniform = true;
        for (int j = at; j < at + bs; j += 8) {
          if ((long) LONG_LE.get(window, j) != pair) {
            uniform = false;
            break;
          }
        }
        type = uniform ? (value == 0 && options.zeroAsDontCare() ? DC : FILL) : RAW;
      }
      if (options.crc32()) {
        crc.update(window, k * bs, bs);
      }
      boolean extend = type == runType
          && (type != FILL || (value == runFill && (runBlocks + 1) * bs <= MAX_FILL_BYTES))
          && runBlocks < 0xffffffffL;
      if (extend) {
        runBlocks++;
        return;
      }
      flush();
      runType = type;
      runStart = block;
      runBlocks = 1;
      runFill = value;
      rawFrom = k;
    }

    private void flush() throws IOException {
      switch (runType) {
        case DC -> out.dontCare(runBlocks);
        case FILL -> out.fill(runBlocks, runFill);
        case RAW -> out.raw(runBlocks, window, rawFrom * bs, (int) (runBlocks * bs));
        default -> {}
      }
      runType = NONE;
      runBlocks = 0;
    }
  }
}
