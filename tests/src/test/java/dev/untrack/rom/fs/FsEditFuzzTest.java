package dev.untrack.rom.fs;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.testkit.FsFixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Hostile-input tests for the edit path: small oracle-built images are mutated, then edited (replace, delete a
 * directory, create, touch) and written; only {@link RomFormatException} (the image is bad) and
 * {@link FsEditException} (the edit cannot be made) may escape. The readers are fuzzed on their own in
 * {@link FsReaderFuzzTest}; this covers what the editors add: allocation, bitmaps, slots, directory rewrites.
 */
class FsEditFuzzTest {
  private static byte[] ext4Seed;
  private static byte[] erofsSeed;

  private static FsFixtures.Tree seedTree() {
    FsFixtures.Tree t = new FsFixtures.Tree()
        .file("a/small.txt", "small file".getBytes(StandardCharsets.UTF_8))
        .file("a/b/compressible.bin", 70_000, 7)
        .hardlink("a/hard", "a/small.txt")
        .symlink("a/link", "small.txt")
        .label("a/small.txt", "u:object_r:system_file:s0")
        .label("a", "u:object_r:system_file:s0");
    for (int i = 0; i < 40; i++) {
      t.file("many/entry_number_" + i, new byte[] {(byte) i});
    }
    return t;
  }

  private static synchronized byte[] seed(boolean ext4) throws IOException {
    if (ext4Seed == null) {
      Path work = Files.createTempDirectory(
          Files.createDirectories(Path.of("target").toAbsolutePath()), "fuzz-edit");
      byte[] e = Files.readAllBytes(FsFixtures.ext4(seedTree(), work, "seed-ext4", new FsFixtures.Ext4Options(
          List.of("^has_journal", "^resize_inode"), 1024, 1L << 20, "seed", "/seed", false, true)));
      erofsSeed = Files.readAllBytes(FsFixtures.erofs(seedTree(), work, "seed-erofs",
          List.of("-zlz4hc", "-C16384", "-Eztailpacking", "-T0")));
      ext4Seed = e;
    }
    return ext4 ? ext4Seed : erofsSeed;
  }

  static FileSystemEdits edits() {
    TreeMap<String, byte[]> label = new TreeMap<>();
    label.put(FsEntry.SELINUX, "u:object_r:system_file:s0\0".getBytes(StandardCharsets.UTF_8));
    return new FileSystemEdits(1_700_000_000L)
        .replace("/a/b/compressible.bin", new ArrayByteSource(new byte[5000], "new"))
        .delete("/many")
        .create("/a/new", new ArrayByteSource(new byte[300], "created"), 0, 0, 0644, label, 1_700_000_001L)
        .touchDirectory("/a");
  }

  static void editEverything(byte[] image) throws IOException {
    EditPlan plan = FileSystemEditor.plan(new ArrayByteSource(image, "fuzz.img"), edits(),
        FileSystemEditor.Limits.maxSize(64L << 20));
    plan.writeTo(OutputStream.nullOutputStream());
  }

  static void expectOnlyOurExceptions(byte[] image) {
    try {
      editEverything(image);
    } catch (RomFormatException | FsEditException expected) {
      // refused
    } catch (IOException | RuntimeException | StackOverflowError e) {
      throw new AssertionError("escaped: " + e, e);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void ext4(FuzzedDataProvider data) throws IOException {
    expectOnlyOurExceptions(FsReaderFuzzTest.mutate(seed(true), data));
  }

  @FuzzTest(maxDuration = "60s")
  void erofs(FuzzedDataProvider data) throws IOException {
    expectOnlyOurExceptions(FsReaderFuzzTest.mutate(seed(false), data));
  }

  /** Mutations concentrated in the first 16 KiB, where the metadata an edit touches lives, plus truncations. */
  private static void fixedMutations(byte[] seed, long randomSeed, int rounds) throws IOException {
    editEverything(seed); // the unmodified seed must edit cleanly
    FsReaderFuzzTest.checkMutants(seed, randomSeed, rounds, 16 * 1024, FsEditFuzzTest::expectOnlyOurExceptions);
  }

  @Test
  void ext4FixedMutations() throws IOException {
    fixedMutations(seed(true), 11, 400);
  }

  @Test
  void erofsFixedMutations() throws IOException {
    fixedMutations(seed(false), 12, 400);
  }
}
