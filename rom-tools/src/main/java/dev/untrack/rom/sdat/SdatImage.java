package dev.untrack.rom.sdat;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.io.Zeros;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.brotli.dec.BrotliInputStream;

/**
 * A partition from a non-A/B block OTA ({@code <part>.transfer.list} + {@code <part>.new.dat[.br]}) as
 * random-access bytes. Commands apply in order, so a later command wins where two touch the same block (full
 * OTAs typically {@code erase} everything, then write {@code new} and {@code zero} over it); blocks that read as
 * zeros: {@code zero}, {@code erase}, and any block no command touches.
 *
 * <p>Plain {@code new.dat} is read in place. Brotli can only be decoded sequentially, so {@link #openBrotli}
 * decodes it once into a temporary file in a caller-given work directory (deleted on {@link #close}); to go
 * straight to an image file without that copy, use {@link #extract} with a stream.
 */
public final class SdatImage implements ByteSource {
  private static final int BS = TransferList.BLOCK_SIZE;

  private final ByteSource newData;
  private final String name;
  private final long size;
  private final long[] segStart;
  private final long[] segEnd;
  private final long[] segSource; // block in new.dat, or -1 for zeros
  private final Path spool;

  private SdatImage(ByteSource newData, String name, long size, List<long[]> segments, Path spool) {
    this.newData = newData;
    this.name = name;
    this.size = size;
    this.spool = spool;
    int n = segments.size();
    segStart = new long[n];
    segEnd = new long[n];
    segSource = new long[n];
    for (int i = 0; i < n; i++) {
      long[] s = segments.get(i);
      segStart[i] = s[0];
      segEnd[i] = s[1];
      segSource[i] = s[2];
    }
  }

  /**
   * Reads a partition whose {@code new.dat} is uncompressed. {@code imageBlocks} is the partition size in
   * blocks, or 0 for {@link TransferList#imageBlocks()}.
   */
  public static SdatImage open(TransferList list, ByteSource newData, long imageBlocks) throws RomFormatException {
    long expected = list.totalBlocks() * BS;
    if (newData.size() != expected) {
      throw RomFormatException.corrupt(newData.name(), "sdat", Math.min(newData.size(), expected),
          "new.dat holds " + newData.size() + " bytes, the transfer list writes " + expected);
    }
    long blocks = blocks(list, imageBlocks, newData.name());
    return new SdatImage(newData, newData.name(), blocks * BS, resolve(list), null);
  }

  /**
   * Decodes {@code <part>.new.dat.br} once into a temporary file in {@code workDir}, refusing to write more than
   * the transfer list announces, and reads the partition from there. Closing the image deletes the file.
   */
  public static SdatImage openBrotli(TransferList list, ByteSource compressed, long imageBlocks, Path workDir)
      throws IOException {
    long blocks = blocks(list, imageBlocks, compressed.name());
    long expected = list.totalBlocks() * BS;
    Path tmp = Files.createTempFile(workDir, ".sdat-", ".new.dat");
    try {
      try (InputStream in = brotli(compressed);
          OutputStream out = Files.newOutputStream(tmp)) {
        long copied = copyExactly(in, out, expected, compressed.name());
        if (copied != expected) {
          throw RomFormatException.corrupt(compressed.name(), "sdat", RomFormatException.NO_OFFSET,
              "new.dat.br decodes to " + copied + " bytes, the transfer list writes " + expected);
        }
      }
      FileByteSource data = FileByteSource.open(tmp);
      return new SdatImage(data, compressed.name(), blocks * BS, resolve(list), tmp);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
  }

  /**
   * Writes the partition into {@code out} (positional writes; the file is extended to the image size) straight
   * from a sequential {@code new.dat} stream, e.g. a brotli decoder, with no temporary copy. Commands are
   * applied in order, exactly as the updater does.
   */
  public static void extract(TransferList list, InputStream newData, String source, FileChannel out,
      long imageBlocks) throws IOException {
    long blocks = blocks(list, imageBlocks, source);
    byte[] buf = new byte[BS * 256];
    byte[] zeros = new byte[BS * 256];
    for (TransferList.Command c : list.commands()) {
      RangeSet r = c.ranges();
      for (int i = 0; i < r.rangeCount(); i++) {
        long pos = r.start(i) * BS;
        long end = r.end(i) * BS;
        while (pos < end) {
          int n = (int) Math.min(buf.length, end - pos);
          ByteBuffer b;
          if (c.kind() == TransferList.Kind.NEW) {
            int got = newData.readNBytes(buf, 0, n);
            if (got != n) {
              throw RomFormatException.corrupt(source, "sdat", RomFormatException.NO_OFFSET,
                  "new.dat ends before the transfer list's " + list.totalBlocks() + " blocks");
            }
            b = ByteBuffer.wrap(buf, 0, n);
          } else {
            b = ByteBuffer.wrap(zeros, 0, n);
          }
          while (b.hasRemaining()) {
            pos += out.write(b, pos);
          }
        }
      }
    }
    if (newData.read() >= 0) {
      throw RomFormatException.corrupt(source, "sdat", list.totalBlocks() * BS,
          "new.dat is longer than the transfer list's " + list.totalBlocks() + " blocks");
    }
    if (out.size() < blocks * BS) {
      out.write(ByteBuffer.allocate(1), blocks * BS - 1);
    }
  }

  /** A brotli decoder over {@code compressed}, for {@link #extract}. */
  public static InputStream brotli(ByteSource compressed) throws IOException {
    return new BrotliInputStream(compressed.openStream());
  }

  private static long copyExactly(InputStream in, OutputStream out, long limit, String source)
      throws IOException {
    byte[] buf = new byte[1 << 16];
    long total = 0;
    try {
      while (true) {
        int want = (int) Math.min(buf.length, limit + 1 - total);
        if (want <= 0) {
          return total;
        }
        int n = in.read(buf, 0, want);
        if (n < 0) {
          return total;
        }
        int keep = (int) Math.min(n, limit - total);
        out.write(buf, 0, keep);
        total += n;
      }
    } catch (RomFormatException e) {
      throw e;
    } catch (IOException e) {
      throw RomFormatException.corrupt(source, "sdat", total, "bad brotli data: " + e.getMessage(), e);
    }
  }

  private static long blocks(TransferList list, long imageBlocks, String source) throws RomFormatException {
    long needed = list.imageBlocks();
    if (imageBlocks != 0 && imageBlocks < needed) {
      throw RomFormatException.corrupt(source, "sdat", RomFormatException.NO_OFFSET, "transfer list writes block "
          + (needed - 1) + ", beyond the " + imageBlocks + "-block partition");
    }
    return imageBlocks == 0 ? needed : imageBlocks;
  }

  /** Which source each block ends up with: walk commands backwards, keeping only blocks not yet claimed. */
  private static List<long[]> resolve(TransferList list) {
    List<TransferList.Command> cmds = list.commands();
    long[][] newBase = new long[cmds.size()][];
    long next = 0;
    for (int i = 0; i < cmds.size(); i++) {
      TransferList.Command c = cmds.get(i);
      if (c.kind() == TransferList.Kind.NEW) {
        RangeSet r = c.ranges();
        newBase[i] = new long[r.rangeCount()];
        for (int k = 0; k < r.rangeCount(); k++) {
          newBase[i][k] = next;
          next += r.end(k) - r.start(k);
        }
      }
    }
    TreeMap<Long, Long> claimed = new TreeMap<>();
    List<long[]> segments = new ArrayList<>();
    for (int i = cmds.size() - 1; i >= 0; i--) {
      TransferList.Command c = cmds.get(i);
      RangeSet r = c.ranges();
      for (int k = r.rangeCount() - 1; k >= 0; k--) {
        long a = r.start(k);
        long b = r.end(k);
        long cursor = a;
        Map.Entry<Long, Long> e = claimed.floorEntry(a);
        if (e == null || e.getValue() <= a) {
          e = claimed.higherEntry(a);
        }
        while (cursor < b) {
          long freeEnd = e == null ? b : Math.min(b, e.getKey());
          if (freeEnd > cursor) {
            long src = c.kind() == TransferList.Kind.NEW ? newBase[i][k] + (cursor - a) : -1;
            segments.add(new long[] {cursor, freeEnd, src});
          }
          if (e == null) {
            break;
          }
          cursor = Math.max(cursor, e.getValue());
          e = claimed.higherEntry(e.getKey());
        }
        // claim [a, b), merging with neighbours
        long start = a;
        long end = b;
        Map.Entry<Long, Long> left = claimed.floorEntry(a);
        if (left != null && left.getValue() >= a) {
          start = left.getKey();
          end = Math.max(end, left.getValue());
          claimed.remove(left.getKey());
        }
        Map.Entry<Long, Long> right = claimed.ceilingEntry(start);
        while (right != null && right.getKey() <= end) {
          end = Math.max(end, right.getValue());
          claimed.remove(right.getKey());
          right = claimed.ceilingEntry(start);
        }
        claimed.put(start, end);
      }
    }
    segments.sort((x, y) -> Long.compare(x[0], y[0]));
    return segments;
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
    long block = position / BS;
    int lo = 0;
    int hi = segStart.length - 1;
    int i = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (segStart[mid] <= block) {
        i = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (i >= 0 && block < segEnd[i] && segSource[i] >= 0) {
      int n = (int) Math.min(dst.remaining(), segEnd[i] * BS - position);
      long from = (segSource[i] + block - segStart[i]) * BS + position % BS;
      ByteBuffer limited = dst.duplicate();
      limited.limit(limited.position() + n);
      int got = newData.read(from, limited);
      if (got > 0) {
        dst.position(dst.position() + got);
      }
      return got;
    }
    long zeroEnd;
    if (i >= 0 && block < segEnd[i]) {
      zeroEnd = segEnd[i] * BS;
    } else {
      zeroEnd = i + 1 < segStart.length ? segStart[i + 1] * BS : size;
    }
    int n = (int) Math.min(dst.remaining(), Math.min(zeroEnd, size) - position);
    Zeros.put(dst, n);
    return n;
  }

  @Override
  public void close() throws IOException {
    if (spool != null) {
      try {
        newData.close();
      } finally {
        Files.deleteIfExists(spool);
      }
    }
  }
}
