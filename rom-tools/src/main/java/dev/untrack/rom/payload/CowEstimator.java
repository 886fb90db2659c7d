package dev.untrack.rom.payload;

import io.airlift.compress.lz4.Lz4Compressor;
import io.airlift.compress.zstd.ZstdCompressor;
import java.util.Locale;
import java.util.zip.Deflater;

/**
 * Re-derives {@code estimate_cow_size} and {@code estimate_op_count_max} for a partition written as full
 * REPLACE operations, following what AOSP's {@code delta_generator} does ({@code cow_size_estimator.cc}: a dry
 * run of libsnapshot's CoW writer over the new image, then +1 % and, for CoW v3, at least 25 operations).
 *
 * <p>What the dry run counts, for a full payload: each new block's data as the CoW writer would compress it
 * (v2: block by block; v3: in power-of-two chunks up to {@code compression_factor}, never across an
 * operation's extents), one operation header per compressed unit, a label per payload operation (v2), the
 * fixed header, the 2 MiB scratch buffer, cluster padding (v2) or resume points (v3), and the footer. We
 * compress with Java implementations (JDK zlib for {@code gz}, aircompressor for {@code lz4}/{@code zstd}),
 * whose output differs from libsnapshot's by a few bytes per block; {@code brotli} (no Java encoder) and any
 * unknown algorithm count uncompressed data, an over-estimate. Over-estimating only reserves more snapshot
 * space; under-estimating makes update_engine run out of CoW space, so every approximation here errs upward.
 */
final class CowEstimator {
  private static final long BUFFER_REGION = 2L << 20;
  private static final long HEADER_V2 = 38;
  private static final long FOOTER_V2 = 84;
  private static final long OP_V2 = 20;
  private static final long CLUSTER_OPS_V2 = 200; // the smallest cluster size AOSP has used: more padding
  private static final long HEADER_V3 = 78; // CowHeaderV3 upper bound across AOSP releases
  private static final long OP_V3 = 16;
  private static final long RESUME_POINTS_V3 = 4 * 16;
  private static final int MIN_OP_COUNT_MAX = 25;

  enum Algorithm { NONE, GZ, LZ4, ZSTD, UNSUPPORTED }

  /** The result for one partition. {@code opCountMax} is null for CoW v2, which has no such field. */
  record Estimate(long cowSize, Long opCountMax) {}

  private final int blockSize;
  private final int cowVersion;
  private final int maxChunk;
  private final Algorithm algorithm;
  private final int level;

  private CowEstimator(int blockSize, int cowVersion, long compressionFactor, Algorithm algorithm, int level) {
    this.blockSize = blockSize;
    this.cowVersion = cowVersion;
    long factor = compressionFactor <= 0 ? blockSize : compressionFactor;
    factor = Long.highestOneBit(Math.max(blockSize, Math.min(factor, 1L << 20)));
    this.maxChunk = cowVersion >= 3 ? (int) factor : blockSize;
    this.algorithm = algorithm;
    this.level = level;
  }

  static CowEstimator of(Manifest.VabcSettings vabc, int blockSize) {
    String param = vabc.compressionParam() == null ? "" : vabc.compressionParam().trim().toLowerCase(Locale.ROOT);
    String name = param;
    int level = -1;
    int comma = param.indexOf(',');
    if (comma >= 0) {
      name = param.substring(0, comma);
      try {
        level = Integer.parseInt(param.substring(comma + 1).trim());
      } catch (NumberFormatException e) {
        level = -1;
      }
    }
    Algorithm a = switch (name) {
      case "", "none" -> Algorithm.NONE;
      case "gz" -> Algorithm.GZ;
      case "lz4" -> Algorithm.LZ4;
      case "zstd" -> Algorithm.ZSTD;
      default -> Algorithm.UNSUPPORTED;
    };
    int cow = vabc.cowVersion() <= 0 ? 2 : vabc.cowVersion();
    return new CowEstimator(blockSize, cow, vabc.compressionFactor(), a, level);
  }

  Algorithm algorithm() {
    return algorithm;
  }

  /**
   * CoW data bytes and CoW operations for the blocks of one payload operation ({@code len} a multiple of the
   * block size). Thread-safe.
   */
  long[] measure(byte[] data, int off, int len) {
    long bytes = 0;
    long ops = 0;
    int pos = off;
    int end = off + len;
    while (pos < end) {
      int chunk = maxChunk;
      while (chunk > blockSize && end - pos < chunk) {
        chunk >>= 1;
      }
      chunk = Math.min(chunk, end - pos);
      bytes += compressedSize(data, pos, chunk);
      ops++;
      pos += chunk;
    }
    return new long[] {bytes, ops};
  }

  private long compressedSize(byte[] data, int off, int len) {
    switch (algorithm) {
      case GZ -> {
        Deflater d = new Deflater(level < 0 || level > 9 ? Deflater.BEST_COMPRESSION : level);
        try {
          d.setInput(data, off, len);
          d.finish();
          byte[] out = new byte[len + len / 1000 + 64];
          long n = 0;
          while (!d.finished()) {
            n += d.deflate(out);
          }
          return n;
        } finally {
          d.end();
        }
      }
      case LZ4 -> {
        Lz4Compressor c = new Lz4Compressor();
        byte[] out = new byte[c.maxCompressedLength(len)];
        return c.compress(data, off, len, out, 0, out.length);
      }
      case ZSTD -> {
        ZstdCompressor c = new ZstdCompressor();
        byte[] out = new byte[c.maxCompressedLength(len)];
        return c.compress(data, off, len, out, 0, out.length);
      }
      default -> {
        return len;
      }
    }
  }

  /** Adds the format overhead and AOSP's margins to the summed {@link #measure} results. */
  Estimate finish(long dataBytes, long cowOps, long payloadOps) {
    long size = dataBytes + BUFFER_REGION;
    Long opCountMax = null;
    if (cowVersion >= 3) {
      size += HEADER_V3 + RESUME_POINTS_V3 + cowOps * OP_V3;
      opCountMax = Math.max(cowOps, MIN_OP_COUNT_MAX);
    } else {
      long ops = cowOps + payloadOps; // one label per payload operation
      long clusters = (ops + CLUSTER_OPS_V2 - 2) / (CLUSTER_OPS_V2 - 1);
      size += HEADER_V2 + clusters * CLUSTER_OPS_V2 * OP_V2 + FOOTER_V2;
    }
    size += size / 100;
    return new Estimate(size, opCountMax);
  }
}
