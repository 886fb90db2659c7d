package dev.untrack.rom.fs;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.testkit.FsFixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Hostile-input tests for both readers: small seed images (built by the oracles at test time) are mutated and
 * read completely (tree, xattrs, links, every file's content); only {@link RomFormatException} may escape.
 * The {@code @FuzzTest}s run their seeds in normal builds and fuzz with {@code JAZZER_FUZZ=1}; the
 * deterministic tests run a few hundred fixed mutations on every build.
 */
class FsReaderFuzzTest {
  private static final long READ_BUDGET = 8L << 20;
  private static byte[] ext4Seed;
  private static byte[] ext4CsumSeed;
  private static byte[] erofsSeed;

  private static FsFixtures.Tree seedTree() {
    FsFixtures.Tree t = new FsFixtures.Tree()
        .file("a/small.txt", "small file".getBytes(StandardCharsets.UTF_8))
        .file("a/b/compressible.bin", 70_000, 7)
        .file("empty", new byte[0])
        .symlink("a/link", "small.txt")
        .symlink("long", "/" + "z".repeat(90))
        .hardlink("a/hard", "a/small.txt")
        .sparseFile("sparse", 500_000, 3)
        .fifo("fifo")
        .label("a/small.txt", "u:object_r:system_file:s0")
        .capability("a/b/compressible.bin", 1 << 7)
        .xattr("empty", "user.k", "v".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 40; i++) {
      t.file("many/entry_number_" + i, new byte[] {(byte) i});
    }
    return t;
  }

  private static synchronized byte[] ext4Seed(boolean csum) throws IOException {
    if (ext4Seed == null) {
      Path work = Files.createTempDirectory(
          Files.createDirectories(Path.of("target").toAbsolutePath()), "fuzz-ext4");
      FsFixtures.Ext4Options o = new FsFixtures.Ext4Options(
          List.of("^has_journal", "^metadata_csum", "^resize_inode", "inline_data"), 1024, 1L << 20, "seed",
          "/seed", true, false);
      ext4Seed = Files.readAllBytes(FsFixtures.ext4(seedTree(), work, "seed", o));
      FsFixtures.Ext4Options c = new FsFixtures.Ext4Options(List.of("^has_journal", "^resize_inode"), 1024,
          1L << 20, "seed", "/seed", false, true);
      ext4CsumSeed = Files.readAllBytes(FsFixtures.ext4(seedTree(), work, "csum", c));
    }
    return csum ? ext4CsumSeed : ext4Seed;
  }

  private static synchronized byte[] erofsSeed() throws IOException {
    if (erofsSeed == null) {
      Path work = Files.createTempDirectory(
          Files.createDirectories(Path.of("target").toAbsolutePath()), "fuzz-erofs");
      erofsSeed = Files.readAllBytes(FsFixtures.erofs(seedTree(), work, "seed",
          List.of("-zlz4hc", "-C16384", "-Eztailpacking", "-T0")));
    }
    return erofsSeed;
  }

  /** Reads everything; returns normally or throws RomFormatException. */
  static void readEverything(byte[] image) throws IOException {
    try (FileSystemImage fs = FileSystems.open(new ArrayByteSource(image, "fuzz.img"))) {
      long[] budget = {READ_BUDGET};
      fs.walk(e -> {
        e.selinuxLabel();
        if (e.isRegular() && budget[0] > 0) {
          ByteSource c = fs.content(e);
          long n = Math.min(c.size(), Math.min(budget[0], 1 << 20));
          budget[0] -= n;
          byte[] buf = new byte[8192];
          try (InputStream in = c.openStream(0, n)) {
            while (in.read(buf) > 0) {
              // decode only
            }
          }
          if (c.size() > 0) {
            c.readFully(c.size() - 1, 1);
          }
        }
        return true;
      });
      fs.lookup("/a/b/compressible.bin");
      fs.lookup("/many/entry_number_7/x");
    }
  }

  static void expectOnlyOurException(byte[] image) {
    try {
      readEverything(image);
    } catch (RomFormatException expected) {
      // the reader noticed
    } catch (IOException | RuntimeException | StackOverflowError e) {
      throw new AssertionError("escaped: " + e, e);
    }
  }

  static byte[] mutate(byte[] seed, FuzzedDataProvider data) {
    byte[] b = seed.clone();
    int n = data.consumeInt(0, 32);
    for (int i = 0; i < n && data.remainingBytes() > 4; i++) {
      int at = data.consumeInt(0, b.length - 1);
      b[at] = data.consumeByte();
    }
    if (data.remainingBytes() > 0 && data.consumeBoolean()) {
      b = java.util.Arrays.copyOf(b, data.consumeInt(0, b.length));
    }
    return b;
  }

  @FuzzTest(maxDuration = "60s")
  void ext4(FuzzedDataProvider data) throws IOException {
    expectOnlyOurException(mutate(ext4Seed(data.consumeBoolean()), data));
  }

  @FuzzTest(maxDuration = "60s")
  void erofs(FuzzedDataProvider data) throws IOException {
    expectOnlyOurException(mutate(erofsSeed(), data));
  }

  /** Mutations concentrated where metadata lives (the first 64 KiB), plus truncations. */
  private static void fixedMutations(byte[] seed, long randomSeed, int rounds) throws IOException {
    readEverything(seed); // the unmodified seed must read cleanly
    checkMutants(seed, randomSeed, rounds, 64 * 1024, FsReaderFuzzTest::expectOnlyOurException);
  }

  /** What must hold for every mutant image. */
  interface MutantCheck {
    void check(byte[] image) throws IOException;
  }

  /**
   * {@code rounds} mutants of {@code seed}, each with 1 to 6 bytes flipped, randomized, set or cleared (half the
   * rounds only within the first {@code window} bytes) and one round in ten truncated, all checked by {@code check}.
   * The same {@code randomSeed} gives the same mutants.
   */
  static void checkMutants(byte[] seed, long randomSeed, int rounds, int window, MutantCheck check)
      throws IOException {
    Random r = new Random(randomSeed);
    for (int round = 0; round < rounds; round++) {
      byte[] b = seed.clone();
      int flips = 1 + r.nextInt(6);
      int within = Math.min(b.length, r.nextBoolean() ? window : b.length);
      for (int i = 0; i < flips; i++) {
        int at = r.nextInt(within);
        switch (r.nextInt(4)) {
          case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
          case 1 -> b[at] = (byte) r.nextInt();
          case 2 -> b[at] = (byte) 0xff;
          default -> b[at] = 0;
        }
      }
      if (r.nextInt(10) == 0) {
        b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
      }
      try {
        check.check(b);
      } catch (AssertionError e) {
        throw new AssertionError("round " + round + " of seed " + randomSeed + ": " + e.getMessage(), e);
      }
    }
  }

  @Test
  void ext4FixedMutations() throws IOException {
    fixedMutations(ext4Seed(false), 1, 400);
  }

  @Test
  void ext4WithChecksumsFixedMutations() throws IOException {
    fixedMutations(ext4Seed(true), 2, 150);
  }

  @Test
  void erofsFixedMutations() throws IOException {
    fixedMutations(erofsSeed(), 3, 400);
  }

}
