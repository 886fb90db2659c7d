package dev.untrack.rom.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.io.ArrayByteSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.Test;

class SparseWriterTest {
  static final int BS = 4096;

  /** An image with random, zero, patterned and partly-patterned blocks. */
  static byte[] mixedImage(int blocks, long seed) {
    Random r = new Random(seed);
    byte[] img = new byte[blocks * BS];
    int b = 0;
    while (b < blocks) {
      int run = 1 + r.nextInt(Math.min(40, blocks - b));
      int kind = r.nextInt(4);
      for (int k = b; k < b + run; k++) {
        int at = k * BS;
        switch (kind) {
          case 0 -> {
            byte[] x = new byte[BS];
            r.nextBytes(x);
            System.arraycopy(x, 0, img, at, BS);
          }
          case 1 -> {}
          case 2 -> {
            ByteBuffer bb = ByteBuffer.wrap(img, at, BS).order(ByteOrder.LITTLE_ENDIAN);
            while (bb.hasRemaining()) {
              bb.putInt(0xDEADBEEF);
            }
          }
          default -> img[at + r.nextInt(BS)] = 1;
        }
      }
      b += run;
    }
    return img;
  }

  static byte[] write(List<ImageRegion> regions, long size, SparseWriter.Options o) throws IOException {
    SeekableInMemoryByteChannel ch = new SeekableInMemoryByteChannel();
    SparseWriter.write(regions, size, ch, o);
    return Arrays.copyOf(ch.array(), (int) ch.size());
  }

  @Test
  void roundTripsThroughOwnReader() throws IOException {
    byte[] img = mixedImage(3000, 1);
    byte[] sparse = write(List.of(ImageRegion.data(0, new ArrayByteSource(img, "img"))), img.length,
        SparseWriter.Options.DEFAULT);
    SparseImage s = SparseImage.open(new ArrayByteSource(sparse, "out"));
    assertArrayEquals(img, s.readFully(0, img.length));
    assertTrue(sparse.length < img.length, "sparse output should be smaller than a mixed image");
    // deterministic
    assertArrayEquals(sparse, write(List.of(ImageRegion.data(0, new ArrayByteSource(img, "img"))), img.length,
        SparseWriter.Options.DEFAULT));
    // zero blocks are FILL 0 chunks by default, so nothing is don't care
    for (long blk = 0; blk < s.totalBlocks(); blk++) {
      assertTrue(!s.isDontCare(blk));
    }
  }

  @Test
  void regionsGapsAndUnalignedEdges() throws IOException {
    byte[] a = new byte[5000];
    new Random(2).nextBytes(a);
    List<ImageRegion> regions = new ArrayList<>();
    regions.add(ImageRegion.fill(0, 4096, 0));
    regions.add(ImageRegion.data(10_000, new ArrayByteSource(a, "a")));
    regions.add(ImageRegion.fill(40960, 8192, 0x01020304));
    long size = 20 * BS + 100; // padded up to 21 blocks
    byte[] sparse = write(regions, size, new SparseWriter.Options(BS, false, true));
    SparseImage s = SparseImage.open(new ArrayByteSource(sparse, "out"));
    assertEquals(21, s.totalBlocks());
    s.verifyChecksums();
    byte[] all = s.readFully(0, (int) s.size());
    assertArrayEquals(a, Arrays.copyOfRange(all, 10_000, 15_000));
    assertEquals(4, all[40960]);
    assertEquals(1, all[40963]);
    assertTrue(s.isDontCare(1));
    assertTrue(!s.isDontCare(0));
    assertTrue(s.isDontCare(20));
    assertEquals(SparseImage.ChunkType.FILL, s.dataChunks().get(0).type());
  }

  @Test
  void zeroAsDontCare() throws IOException {
    byte[] img = new byte[4 * BS];
    img[3 * BS] = 9;
    byte[] sparse = write(List.of(ImageRegion.data(0, new ArrayByteSource(img, "img"))), img.length,
        new SparseWriter.Options(BS, true, false));
    SparseImage s = SparseImage.open(new ArrayByteSource(sparse, "out"));
    assertTrue(s.isDontCare(0) && s.isDontCare(2) && !s.isDontCare(3));
    assertArrayEquals(img, s.readFully(0, img.length));
  }

  @Test
  void resparseKeepsDontCare() throws IOException {
    byte[] src = new SparseBytes(BS).raw(new byte[BS]).dontCare(5).fill(2, 3).build();
    SparseImage in = SparseImage.open(new ArrayByteSource(src, "in"));
    SeekableInMemoryByteChannel ch = new SeekableInMemoryByteChannel();
    SparseWriter.write(in, ch, SparseWriter.Options.DEFAULT);
    SparseImage out = SparseImage.open(new ArrayByteSource(Arrays.copyOf(ch.array(), (int) ch.size()), "o"));
    for (int b = 1; b < 6; b++) {
      assertTrue(out.isDontCare(b));
    }
    assertArrayEquals(in.readFully(0, (int) in.size()), out.readFully(0, (int) out.size()));
  }

  @Test
  void fastbootSplitCoversTheImageAndKeepsPartsSmall() throws IOException {
    byte[] img = mixedImage(2000, 3);
    byte[] sparse = write(List.of(ImageRegion.data(0, new ArrayByteSource(img, "img"))), img.length,
        SparseWriter.Options.DEFAULT);
    SparseImage s = SparseImage.open(new ArrayByteSource(sparse, "super.img"));
    long max = 1 << 20;
    List<FastbootSplit.Part> parts = FastbootSplit.plan(s, max);
    assertTrue(parts.size() >= 4, "expected several parts, got " + parts.size());
    List<SparseImage> written = new ArrayList<>();
    for (FastbootSplit.Part p : parts) {
      SeekableInMemoryByteChannel ch = new SeekableInMemoryByteChannel();
      long len = FastbootSplit.writePart(s, p, ch);
      assertEquals(p.sparseSize(), len, "planned size of part " + p.index());
      assertTrue(len <= max, "part " + p.index() + " is " + len + " bytes");
      SparseImage part = SparseImage.open(new ArrayByteSource(Arrays.copyOf(ch.array(), (int) len), "p" + p.index()));
      written.add(part);
      // the part's CRC is the CRC of its data chunks
      CRC32 crc = new CRC32();
      for (SparseImage.Chunk c : part.dataChunks()) {
        crc.update(part.readFully(c.startBlock() * BS, (int) (c.blocks() * BS)));
      }
      assertEquals(crc.getValue(), p.crc32());
    }
    SparseImage combined = SparseImage.combine(written, "combined");
    assertArrayEquals(img, combined.readFully(0, img.length));
    // a file below max-download-size is one part whose CRC covers all data
    List<Long> one = FastbootSplit.partCrcs(s, FastbootSplit.DEFAULT_MAX_DOWNLOAD_SIZE);
    assertEquals(1, one.size());
  }

  @Test
  void fastbootSplitFollowsLibsparseBudget() throws IOException {
    // Two RAW chunks of 3 blocks each, max-download-size just big enough for header + one chunk + budget.
    byte[] file = new SparseBytes(BS).raw(new byte[3 * BS]).dontCare(1).raw(new byte[3 * BS]).build();
    SparseImage s = SparseImage.open(new ArrayByteSource(file, "x"));
    long max = 28 + 24 + 4 + 12 + 12 + 3L * BS + 12;
    List<FastbootSplit.Part> parts = FastbootSplit.plan(s, max);
    assertEquals(2, parts.size());
    assertEquals(1, parts.get(0).pieces().size());
    assertEquals(3, parts.get(0).pieces().get(0).blocks());
    assertEquals(4, parts.get(1).pieces().get(0).startBlock());
  }
}
