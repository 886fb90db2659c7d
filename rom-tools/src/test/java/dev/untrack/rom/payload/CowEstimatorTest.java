package dev.untrack.rom.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CowEstimatorTest {
  private static final int BS = 4096;

  private static CowEstimator.Estimate estimate(String algo, int cowVersion, long factor, byte[] image,
      int payloadChunk) {
    CowEstimator e = CowEstimator.of(new Manifest.VabcSettings(true, algo, cowVersion, factor), BS);
    long bytes = 0;
    long ops = 0;
    int payloadOps = 0;
    for (int off = 0; off < image.length; off += payloadChunk) {
      long[] m = e.measure(image, off, Math.min(payloadChunk, image.length - off));
      bytes += m[0];
      ops += m[1];
      payloadOps++;
    }
    return e.finish(bytes, ops, payloadOps);
  }

  @Test
  void uncompressedV2MatchesTheFormatArithmetic() {
    byte[] zeros = new byte[4 << 20];
    CowEstimator.Estimate e = estimate("none", 2, 0, zeros, 64 * 1024);
    // 1024 block ops + 64 labels → 6 clusters of 200 ops × 20 bytes; header 38, footer 84, 2 MiB buffer; +1 %
    long raw = (4L << 20) + (2L << 20) + 38 + 6 * 200 * 20 + 84;
    assertEquals(raw + raw / 100, e.cowSize());
    assertNull(e.opCountMax());
  }

  @Test
  void v3CountsCompressionUnitsAndFloorsAt25() {
    byte[] zeros = new byte[4 << 20];
    CowEstimator.Estimate e = estimate("lz4", 3, 65536, zeros, 2 << 20);
    assertEquals(64L, e.opCountMax());
    assertTrue(e.cowSize() < (2L << 20) + 100_000, "zeros compress: " + e.cowSize());
    CowEstimator.Estimate small = estimate("lz4", 3, 65536, new byte[8 * BS], 2 << 20);
    assertEquals(25L, small.opCountMax());
    // a tail shorter than the factor is split into the largest powers of two that fit: 32K + 16K + 4K
    CowEstimator.Estimate tail = estimate("none", 3, 65536, new byte[13 * BS], 2 << 20);
    assertEquals(25L, tail.opCountMax());
    long[] m = CowEstimator.of(new Manifest.VabcSettings(true, "none", 3, 65536), BS).measure(new byte[13 * BS], 0,
        13 * BS);
    assertEquals(3, m[1]);
  }

  @Test
  void incompressibleDataIsNeverUnderestimated() {
    byte[] random = new byte[1 << 20];
    new Random(1).nextBytes(random);
    for (String algo : new String[] {"gz", "gz,9", "lz4", "zstd", "brotli", "none", ""}) {
      CowEstimator.Estimate e = estimate(algo, 2, 0, random, 2 << 20);
      assertTrue(e.cowSize() >= random.length + (2L << 20), algo + ": " + e.cowSize());
    }
  }
}
