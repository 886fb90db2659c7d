package dev.untrack.rom.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.FileByteSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A planned sparse image is the same file {@link SparseWriter#write} makes, with the same CRCs. */
class SparsePlanTest {
  @TempDir Path dir;

  /** Random, text-like, zero and fill blocks in runs of varying length, an odd tail, and a don't-care gap. */
  private static List<ImageRegion> regions(long[] size) {
    Random rnd = new Random(7);
    byte[] a = new byte[(9 << 20) + 1000];
    int at = 0;
    while (at < a.length) {
      int len = Math.min(a.length - at, 4096 * (1 + rnd.nextInt(300)) + (rnd.nextBoolean() ? 0 : 100));
      switch (rnd.nextInt(4)) {
        case 0 -> {
          byte[] r = new byte[len];
          rnd.nextBytes(r);
          System.arraycopy(r, 0, a, at, len);
        }
        case 1 -> Arrays.fill(a, at, at + len, (byte) 'q');
        case 2 -> Arrays.fill(a, at, at + len, (byte) 0);
        default -> {
          for (int i = 0; i < len; i++) {
            a[at + i] = (byte) (i % 7 == 0 ? 'x' : 'y');
          }
        }
      }
      at += len;
    }
    byte[] b = new byte[3 << 20];
    rnd.nextBytes(b);
    long gap = 5L << 20;
    size[0] = a.length + gap + b.length + 123;
    return List.of(ImageRegion.data(0, new ArrayByteSource(a, "a")),
        ImageRegion.fill(a.length + 4096 - a.length % 4096, 8192, 0x01020304),
        ImageRegion.data(a.length + gap, new ArrayByteSource(b, "b")));
  }

  @Test
  void sameBytesSizeAndCrcsAsTheWrittenFile() throws IOException {
    long[] size = new long[1];
    List<ImageRegion> regions = regions(size);
    Path file = dir.resolve("x.img");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      SparseWriter.write(regions, size[0], ch, SparseWriter.Options.DEFAULT);
    }
    byte[] want = Files.readAllBytes(file);
    SparsePlan plan = SparseWriter.plan(regions, size[0], SparseWriter.Options.DEFAULT);
    ByteSource image = new RegionImage(regions, size[0], "x");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(want.length, plan.writeTo(image, out));
    assertEquals(want.length, plan.bytes());
    assertArrayEquals(want, out.toByteArray());
    CRC32 crc = new CRC32();
    crc.update(want);
    assertEquals(crc.getValue(), plan.fileCrc32());
    try (FileByteSource src = FileByteSource.open(file)) {
      SparseImage s = SparseImage.open(src);
      // sizes that cut the file into several parts, some through RAW and FILL chunks
      for (long max : new long[] {FastbootSplit.DEFAULT_MAX_DOWNLOAD_SIZE, 3L << 20, (1L << 20) + 12345, 300_000}) {
        assertEquals(FastbootSplit.partCrcs(s, max), plan.partCrcs(image, max), "max " + max);
      }
    }
  }
}
