package dev.untrack.rom.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.io.FileByteSource;
import dev.untrack.testkit.Oracle;
import dev.untrack.testkit.OracleImages;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our sparse reader and writer against AOSP libsparse's img2simg / simg2img / simg_dump. */
class SparseOracleTest {
  static final int BS = 4096;

  @TempDir
  Path dir;

  /** 24 MiB of random runs, zero runs, patterned runs and nearly-empty blocks. */
  static byte[] mixedImage(int blocks, long seed) {
    Random r = new Random(seed);
    byte[] img = new byte[blocks * BS];
    int b = 0;
    while (b < blocks) {
      int run = 1 + r.nextInt(Math.min(300, blocks - b));
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
            int v = 0x01010101 * (1 + kind + (b & 7));
            while (bb.hasRemaining()) {
              bb.putInt(v);
            }
          }
          default -> img[at + r.nextInt(BS)] = (byte) (1 + r.nextInt(255));
        }
      }
      b += run;
    }
    return img;
  }

  Path rawImage() throws IOException {
    return Files.write(dir.resolve("raw.img"), mixedImage(6144, 42));
  }

  @Test
  void readsWhatImg2simgWrites() throws IOException {
    Path raw = rawImage();
    Path simg = OracleImages.img2simg(raw, dir.resolve("img2simg.img"));
    try (FileByteSource src = FileByteSource.open(simg)) {
      SparseImage s = SparseImage.open(src);
      assertEquals(Files.size(raw), s.size());
      assertArrayEquals(Files.readAllBytes(raw), s.readFully(0, (int) s.size()));
      assertTrue(s.dataChunks().stream().anyMatch(c -> c.type() == SparseImage.ChunkType.FILL));
    }
  }

  @Test
  void simg2imgExpandsWhatWeWrite() throws IOException {
    Path raw = rawImage();
    Path ours = dir.resolve("ours.img");
    try (FileByteSource in = FileByteSource.open(raw);
        FileChannel ch = FileChannel.open(ours, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      SparseWriter.write(in, ch, new SparseWriter.Options(BS, false, true));
    }
    Path back = OracleImages.simg2img(dir.resolve("back.img"), ours);
    assertEquals(-1, Files.mismatch(raw, back), "simg2img(our sparse) must equal the raw image");
    assertTrue(Files.size(ours) < Files.size(raw));
    Path dump = Oracle.require("simg_dump", "android-sdk-libsparse-utils");
    Oracle.Result r = Oracle.run(dir, Duration.ofMinutes(1), List.of(dump.toString(), "-v", ours.toString()))
        .assertOk("simg_dump");
    assertTrue(r.stdout().contains("Total of"), r.stdout());
  }

  @Test
  void fastbootPartsExpandTogether() throws IOException {
    Path raw = rawImage();
    Path simg = OracleImages.img2simg(raw, dir.resolve("super.img"));
    try (FileByteSource src = FileByteSource.open(simg)) {
      SparseImage s = SparseImage.open(src);
      List<FastbootSplit.Part> parts = FastbootSplit.plan(s, 4L << 20);
      assertTrue(parts.size() >= 3, "parts: " + parts.size());
      List<Path> files = new ArrayList<>();
      for (FastbootSplit.Part p : parts) {
        Path f = dir.resolve("super_" + p.index() + ".img");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          FastbootSplit.writePart(s, p, ch);
        }
        assertTrue(Files.size(f) <= 4L << 20);
        files.add(f);
      }
      Path back = OracleImages.simg2img(dir.resolve("joined.img"), files.toArray(Path[]::new));
      assertEquals(-1, Files.mismatch(raw, back));
    }
  }
}
