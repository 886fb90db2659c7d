package dev.untrack.rom.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.erofs.ErofsExtent;
import dev.untrack.rom.erofs.ErofsImage;
import dev.untrack.rom.erofs.ErofsInode;
import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.testkit.FsFixtures;
import dev.untrack.testkit.Oracle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Edits EROFS images made by mkfs.erofs (uncompressed, lz4hc, big pclusters, tail packing, full indexes,
 * extended inodes, no inline data) and checks the result with {@code fsck.erofs} (with and without
 * {@code --extract}), {@code dump.erofs} (untouched entries print exactly as before) and our reader.
 */
class ErofsEditOracleTest {
  @TempDir static Path work;
  static FsFixtures.Tree tree;
  static final int BIGGER = 2_000_000;
  static final int SMALLER = 100_000;

  @BeforeAll
  static void tree() {
    tree = FsEditChecks.tree(1_500_000);
  }

  static Stream<Arguments> variants() {
    return Stream.of(
        Arguments.of("plain", List.of("-T0")),
        Arguments.of("lz4hc", List.of("-zlz4hc", "-T0")),
        Arguments.of("lz4hc-big", List.of("-zlz4hc", "-C65536", "-T0")),
        Arguments.of("ztailpacking", List.of("-zlz4hc", "-C65536", "-Eztailpacking", "-T0")),
        Arguments.of("legacy", List.of("-zlz4hc", "-Elegacy-compress", "-T1600000000")),
        Arguments.of("extended", List.of("-zlz4", "-Eforce-inode-extended", "-T0")),
        Arguments.of("noinline", List.of("-Enoinline_data", "-T0")));
  }

  private static final List<String> DUMP_SAMPLE = List.of("/system/bin/tool", "/system/bin/tool-hardlink",
      "/system/sparse.img", "/system/tiny.txt", "/system/onepage", "/system/lib", "/system/longlink", "/dev/null",
      "/dev/fifo", "/system/etc/many/entry_with_a_fairly_long_name_0000.xml", "/system/a/b/c/d/e/f/deep.txt",
      "/system/empty", "/system/etc/many", "/data", "/dev");

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void scenarioPassesFsckAndKeepsEverythingElse(String name, List<String> options) throws IOException {
    Path image = FsFixtures.erofs(tree, work, name, options);
    Path out = work.resolve(name + ".edited.erofs");
    EditResult result;
    try (FileByteSource in = FileByteSource.open(image)) {
      result = FileSystemEditor.apply(in, FsEditChecks.edits(BIGGER, SMALLER), out,
          FileSystemEditor.Limits.none());
    }
    assertEquals(Files.size(out), result.outputSize());
    assertEquals(Files.size(image), result.inputSize());
    assertTrue(result.appendedBytes() >= BIGGER + SMALLER, "appended " + result.appendedBytes());
    assertEquals(result.outputSize() - result.inputSize(), result.appendedBytes());

    Oracle.require("fsck.erofs", "erofs-utils");
    Oracle.run(work, Duration.ofMinutes(5), List.of("fsck.erofs", out.toString())).assertOk("fsck.erofs");
    Path extract = work.resolve(name + ".edited.extract");
    Oracle.run(work, Duration.ofMinutes(5), List.of("fsck.erofs", "--extract=" + extract, out.toString()))
        .assertOk("fsck.erofs --extract");

    try (ErofsImage before = ErofsImage.open(FileByteSource.open(image));
        ErofsImage after = ErofsImage.open(FileByteSource.open(out))) {
      FsEditChecks.checkScenario(before, after, BIGGER, SMALLER, Set.of());
      Map<String, FsEntry> now = FsEditChecks.walk(after);
      FsAssertions.matchesExtraction(after, now, extract, false);
      Map<String, FsEntry> old = FsEditChecks.walk(before);
      untouchedInodesAreByteIdentical(before, after, old);
      // a rewritten inode keeps its xattr area byte for byte (shared xattr ids included)
      for (String p : List.of(FsEditChecks.BROWSER_APK, FsEditChecks.FOO_APK, FsEditChecks.HOSTS)) {
        ErofsInode a = before.inode(old.get(p).inode());
        ErofsInode b = after.inode(now.get(p).inode());
        assertEquals(ErofsInode.FLAT_PLAIN, b.layout(), p + " written plain");
        assertArrayEquals(rawXattrs(before, a), rawXattrs(after, b), p + " xattr area");
        assertTrue(rawXattrs(after, b)[4] > 0, p + " refers to shared xattrs (mkfs.erofs shares repeated labels)");
      }
      for (String p : DUMP_SAMPLE) {
        assertEquals(dump(image, p), dump(out, p), "dump.erofs --path=" + p + " unchanged");
      }
      assertTrue(dump(out, FsEditChecks.BROWSER_APK).contains("Timestamp: 2025-06-15 15:06:41"),
          dump(out, FsEditChecks.BROWSER_APK));
    }

    Path again = work.resolve(name + ".again.erofs");
    try (FileByteSource in = FileByteSource.open(image)) {
      FileSystemEditor.apply(in, FsEditChecks.edits(BIGGER, SMALLER), again, FileSystemEditor.Limits.none());
    }
    assertEquals(-1, Files.mismatch(out, again), "two runs give the same bytes");
  }

  private static void untouchedInodesAreByteIdentical(ErofsImage before, ErofsImage after,
      Map<String, FsEntry> old) throws IOException {
    Set<String> changed = Set.of(FsEditChecks.BROWSER_APK, FsEditChecks.FOO_APK, FsEditChecks.HOSTS);
    int n = 0;
    for (FsEntry e : old.values()) {
      if (e.isDirectory() || changed.contains(e.path()) || e.path().startsWith(FsEditChecks.BROWSER + "/oat")) {
        continue;
      }
      ErofsInode vi = before.inode(e.inode());
      long len = before.slotEnd(vi) - vi.offset();
      assertArrayEquals(before.source().readFully(vi.offset(), (int) len),
          after.source().readFully(vi.offset(), (int) len), e.path() + " inode slot");
      if (vi.compressed()) {
        List<ErofsExtent> a = before.extents(vi);
        List<ErofsExtent> b = after.extents(after.inode(e.inode()));
        assertEquals(a, b, e.path() + " compressed extents");
        for (ErofsExtent x : a) {
          if (x.kind() == ErofsExtent.Kind.COMPRESSED) {
            assertArrayEquals(before.source().readFully(x.physicalOffset(), x.physicalLength()),
                after.source().readFully(x.physicalOffset(), x.physicalLength()), e.path() + " pcluster");
          }
        }
      }
      n++;
    }
    assertTrue(n > 300, "inodes compared: " + n);
  }

  private static byte[] rawXattrs(ErofsImage fs, ErofsInode vi) throws IOException {
    return fs.source().readFully(vi.offset() + vi.inodeSize(), vi.xattrSize());
  }

  static String dump(Path image, String path) throws IOException {
    Oracle.require("dump.erofs", "erofs-utils");
    return Oracle.run(work, "dump.erofs", "--path=" + path, image.toString())
        .assertOk("dump.erofs --path=" + path).stdout();
  }

  @Test
  void tooLargeForTheLimitWritesNothing() throws IOException {
    Path image = FsFixtures.erofs(tree, work, "limit", List.of("-zlz4hc", "-T0"));
    long size;
    try (FileByteSource in = FileByteSource.open(image)) {
      size = FileSystemEditor.plan(in, FsEditChecks.edits(BIGGER, SMALLER), FileSystemEditor.Limits.none()).size();
    }
    Path out = work.resolve("limit.edited.erofs");
    try (FileByteSource in = FileByteSource.open(image)) {
      FsEditException e = assertThrows(FsEditException.class, () -> FileSystemEditor.apply(in,
          FsEditChecks.edits(BIGGER, SMALLER), out, FileSystemEditor.Limits.maxSize(size - 5000)));
      assertEquals(FsEditException.Reason.OVER_SIZE_LIMIT, e.reason());
      assertEquals(5000, e.shortfall());
      assertTrue(e.getMessage().contains("5000 more"), e.getMessage());
    }
    assertFalse(Files.exists(out));
    assertEquals(0, FsEditChecks.leftovers(work, "limit.edited"));
  }

  @Test
  void deletingOneNameOfAHardLinkKeepsTheFileWithOneLinkLess() throws IOException {
    Path image = FsFixtures.erofs(tree, work, "unlink", List.of("-zlz4hc", "-T0"));
    Path out = work.resolve("unlink.edited.erofs");
    try (FileByteSource in = FileByteSource.open(image)) {
      FileSystemEditor.apply(in, new FileSystemEdits(FsEditChecks.T).delete("/system/bin/tool-hardlink"), out,
          FileSystemEditor.Limits.none());
    }
    Oracle.run(work, Duration.ofMinutes(1), List.of("fsck.erofs", "--extract=" + work.resolve("unlink.x"),
        out.toString())).assertOk("fsck.erofs");
    assertTrue(dump(out, "/system/bin/tool").contains("Links: 1"), dump(out, "/system/bin/tool"));
    try (ErofsImage before = ErofsImage.open(FileByteSource.open(image));
        ErofsImage after = ErofsImage.open(FileByteSource.open(out))) {
      FsEntry a = before.lookup("/system/bin/tool").orElseThrow();
      FsEntry b = after.lookup("/system/bin/tool").orElseThrow();
      assertEquals(a.inode(), b.inode());
      assertEquals(1, b.links());
      assertArrayEquals(FsAssertions.readAll(before.content(a)), FsAssertions.readAll(after.content(b)));
      assertFalse(after.lookup("/system/bin/tool-hardlink").isPresent());
      assertEquals(before.superblock().inodeCount(), after.superblock().inodeCount(), "no inode was freed");
    }
  }

  @Test
  void anEditedImageEditsAgain() throws IOException {
    Path image = FsFixtures.erofs(tree, work, "twice", List.of("-zlz4hc", "-Eztailpacking", "-T0"));
    Path once = work.resolve("twice.1.erofs");
    Path twice = work.resolve("twice.2.erofs");
    try (FileByteSource in = FileByteSource.open(image)) {
      FileSystemEditor.apply(in, FsEditChecks.edits(BIGGER, SMALLER), once, FileSystemEditor.Limits.none());
    }
    byte[] again = FsEditChecks.bytes(50_000, 42);
    try (FileByteSource in = FileByteSource.open(once)) {
      FileSystemEditor.apply(in, new FileSystemEdits(FsEditChecks.T + 10)
          .replace(FsEditChecks.BROWSER_APK, new ArrayByteSource(again, "again"))
          .delete(FsEditChecks.NEW_FILE)
          .touchDirectory(FsEditChecks.BROWSER), twice, FileSystemEditor.Limits.none());
    }
    Oracle.run(work, Duration.ofMinutes(1), List.of("fsck.erofs", "--extract=" + work.resolve("twice.x"),
        twice.toString())).assertOk("fsck.erofs");
    try (ErofsImage fs = ErofsImage.open(FileByteSource.open(twice))) {
      FsEntry apk = fs.lookup(FsEditChecks.BROWSER_APK).orElseThrow();
      assertArrayEquals(again, FsAssertions.readAll(fs.content(apk)));
      assertEquals(FsEditChecks.T + 10, apk.mtime());
      assertEquals(FsEditChecks.T + 10, fs.lookup(FsEditChecks.BROWSER).orElseThrow().mtime());
      assertFalse(fs.lookup(FsEditChecks.NEW_FILE).isPresent());
      assertArrayEquals(FsEditChecks.HOSTS_CONTENT,
          FsAssertions.readAll(fs.content(fs.lookup(FsEditChecks.HOSTS).orElseThrow())));
    }
  }

  @Test
  void movingAHardLinkedFileIsRefused() throws IOException {
    Path image = FsFixtures.erofs(tree, work, "hardlink", List.of("-Enoinline_data", "-T0"));
    FileSystemEdits edits = new FileSystemEdits(FsEditChecks.T)
        .replace("/system/bin/tool", new ArrayByteSource(new byte[10], "x"));
    try (FileByteSource in = FileByteSource.open(image)) {
      FsEditException e = assertThrows(FsEditException.class,
          () -> FileSystemEditor.plan(in, edits, FileSystemEditor.Limits.none()));
      assertEquals(FsEditException.Reason.UNSUPPORTED, e.reason());
      assertTrue(e.getMessage().contains("hard-linked"), e.getMessage());
    }
  }

  @Test
  void badPathsAreRefusedWithTheirReason() throws IOException {
    Path image = FsFixtures.erofs(tree, work, "paths", List.of("-T0"));
    try (FileByteSource in = FileByteSource.open(image)) {
      assertEquals(FsEditException.Reason.NO_SUCH_PATH, refusal(in, new FileSystemEdits(0).delete("/nope/x")));
      assertEquals(FsEditException.Reason.WRONG_TYPE, refusal(in,
          new FileSystemEdits(0).replace("/system/app", new ArrayByteSource(new byte[1], "x"))));
      assertEquals(FsEditException.Reason.ALREADY_EXISTS, refusal(in, new FileSystemEdits(0)
          .create(FsEditChecks.HOSTS, new ArrayByteSource(new byte[1], "x"), 0, 0, 0644,
              new java.util.TreeMap<>(), 0)));
      assertEquals(FsEditException.Reason.WRONG_TYPE, refusal(in,
          new FileSystemEdits(0).touchDirectory(FsEditChecks.HOSTS)));
    }
  }

  private static FsEditException.Reason refusal(FileByteSource in, FileSystemEdits edits) {
    return assertThrows(FsEditException.class,
        () -> FileSystemEditor.plan(in, edits, FileSystemEditor.Limits.none())).reason();
  }
}
