package dev.untrack.rom.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.testkit.FsFixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compressed EROFS content read the ways callers read it: whole extents straight into the caller's array
 * (offset or not), through the extent cache in small pieces, into direct buffers, and at random positions.
 * Each way must give the same bytes.
 */
class ErofsReadPatternsTest {
  @TempDir static Path work;

  @ParameterizedTest
  @ValueSource(strings = {"-zlz4hc", "-zlz4hc -C65536", "-zlz4 -Eztailpacking"})
  void everyReadPatternGivesTheSameBytes(String opts) throws IOException {
    FsFixtures.Tree tree = new FsFixtures.Tree()
        .file("big.apk", 3_000_000, 11)
        .file("mid.bin", 300_001, 12)
        .file("small.txt", 5_000, 13)
        .sparseFile("sparse.img", 700L * 4096 + 123, 14);
    List<String> options = new java.util.ArrayList<>(Arrays.asList(opts.split(" ")));
    options.add("-T0");
    Path image = FsFixtures.erofs(tree, work, opts.replaceAll("[^a-z0-9]", ""), options);
    try (FileSystemImage fs = FileSystems.open(FileByteSource.open(image))) {
      Map<String, FsEntry> all = FsAssertions.walk(fs);
      int files = 0;
      for (FsFixtures.Node n : tree.nodes()) {
        FsEntry e = all.get("/" + n.path);
        if (e == null || !e.isRegular()) {
          continue;
        }
        byte[] want = n.content();
        String what = n.path + " (" + opts + ")";
        assertArrayEquals(want, sequential(fs.content(e), 1 << 20, false, 0), what + ": 1 MiB heap reads");
        assertArrayEquals(want, sequential(fs.content(e), 1 << 20, false, 13), what + ": offset heap reads");
        assertArrayEquals(want, sequential(fs.content(e), 4096, false, 0), what + ": 4 KiB heap reads");
        assertArrayEquals(want, sequential(fs.content(e), 1000, true, 0), what + ": direct-buffer reads");
        randomReads(fs.content(e), want, what);
        files++;
      }
      assertEquals(4, files);
    }
  }

  private static byte[] sequential(ByteSource s, int chunk, boolean direct, int arrayOffset) throws IOException {
    byte[] out = new byte[(int) s.size()];
    ByteBuffer buf = direct ? ByteBuffer.allocateDirect(chunk)
        : ByteBuffer.wrap(new byte[chunk + arrayOffset + 5], arrayOffset, chunk).slice();
    long pos = 0;
    while (pos < out.length) {
      buf.clear();
      int n = s.read(pos, buf);
      assertTrue(n > 0, "read at " + pos);
      assertEquals(n, buf.position());
      buf.flip();
      buf.get(out, (int) pos, n);
      pos += n;
    }
    assertEquals(-1, s.read(pos, ByteBuffer.allocate(1)));
    return out;
  }

  private static void randomReads(ByteSource s, byte[] want, String what) throws IOException {
    Random r = new Random(want.length);
    for (int i = 0; i < 200; i++) {
      int pos = r.nextInt(want.length);
      int len = 1 + r.nextInt(i % 2 == 0 ? 100 : 200_000);
      ByteBuffer buf = ByteBuffer.allocate(len);
      int n = s.read(pos, buf);
      assertTrue(n > 0 && n <= len, what + ": read at " + pos);
      assertArrayEquals(Arrays.copyOfRange(want, pos, pos + n), Arrays.copyOf(buf.array(), n),
          what + ": " + len + " bytes at " + pos);
    }
  }
}
