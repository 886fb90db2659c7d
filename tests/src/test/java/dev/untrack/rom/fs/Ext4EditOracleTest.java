package dev.untrack.rom.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.ext4.Ext4Extent;
import dev.untrack.rom.ext4.Ext4Image;
import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.testkit.FsFixtures;
import dev.untrack.testkit.FsFixtures.Ext4Options;
import dev.untrack.testkit.Oracle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Edits ext4 images made by mke2fs + debugfs (metadata_csum and not, inline data, htree, shared blocks, 1 KiB
 * blocks, nearly full) and checks the result with {@code e2fsck -fn}, {@code debugfs} (untouched inodes print
 * exactly as before, {@code rdump} content) and our reader (untouched inodes byte-identical, same blocks).
 */
class Ext4EditOracleTest {
  @TempDir static Path work;
  static FsFixtures.Tree tree;
  static final int BIGGER = 2_000_000;
  static final int SMALLER = 100_000;

  @BeforeAll
  static void tree() {
    tree = FsEditChecks.tree(1_500_000)
        .file("system/dup/a.bin", 3 * 4096, 77)
        .file("system/dup/b.bin", 3 * 4096, 77);
  }

  static Stream<Arguments> variants() {
    Ext4Options d = Ext4Options.defaults();
    return Stream.of(
        Arguments.of("default", d, List.of()),
        Arguments.of("uninit-bg", d.withBlockSize(1024).withFeatures("^metadata_csum", "^64bit", "uninit_bg"),
            List.of()),
        Arguments.of("inode128", d, List.of("-I", "128")),
        Arguments.of("nocsum", d.withFeatures("^metadata_csum"), List.of()),
        Arguments.of("inline", d.withFeatures("inline_data"), List.of()),
        Arguments.of("htree", d.withHtree(), List.of()),
        Arguments.of("bs1k", d.withBlockSize(1024).withFeatures("^metadata_csum", "^64bit"), List.of()),
        Arguments.of("nojournal", d.withFeatures("^has_journal", "^resize_inode"), List.of()));
  }

  static void e2fsck(Path image) throws IOException {
    Oracle.require("e2fsck", "e2fsprogs");
    Oracle.Result r = Oracle.run(work, Duration.ofMinutes(5), List.of("e2fsck", "-fn", image.toString()));
    if (r.exitCode() != 0) {
      throw new AssertionError("e2fsck -fn " + image.getFileName() + " exited " + r.exitCode() + ":\n" + r.stdout()
          + r.stderr());
    }
  }

  static EditResult edit(Path image, Path out, FileSystemEdits edits, FileSystemEditor.Limits limits)
      throws IOException {
    try (FileByteSource in = FileByteSource.open(image)) {
      return FileSystemEditor.apply(in, edits, out, limits);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void scenarioPassesE2fsckAndKeepsEverythingElse(String name, Ext4Options options, List<String> args)
      throws IOException {
    Path image = FsFixtures.ext4(tree, work, name, options, args);
    e2fsck(image);
    if (name.equals("uninit-bg")) {
      String h = Oracle.run(work, "dumpe2fs", image.toString()).assertOk("dumpe2fs").stdout();
      assertTrue(h.contains("uninit_bg") && h.contains("BLOCK_UNINIT"), "gdt_csum image with uninit groups");
    }
    Path out = work.resolve(name + ".edited.ext4");
    EditResult result = edit(image, out, FsEditChecks.edits(BIGGER, SMALLER), FileSystemEditor.Limits.none());
    assertEquals(Files.size(out), result.outputSize());
    e2fsck(out);
    try (Ext4Image before = Ext4Image.open(FileByteSource.open(image));
        Ext4Image after = Ext4Image.open(FileByteSource.open(out))) {
      FsEditChecks.checkScenario(before, after, BIGGER, SMALLER, Set.of());
      Map<String, FsEntry> old = FsEditChecks.walk(before);
      Map<String, FsEntry> now = FsEditChecks.walk(after);
      untouchedInodesAreByteIdentical(before, after, old);
      if (name.equals("inode128")) {
        assertTrue(after.inode(now.get(FsEditChecks.NEW_FILE).inode()).fileAcl() != 0,
            "128-byte inodes: the new file's label went to an xattr block");
      }
      Path rdump = work.resolve(name + ".edited.rdump");
      Files.createDirectories(rdump);
      Oracle.run(work, Duration.ofMinutes(5), List.of("debugfs", "-R", "rdump / " + rdump, out.toString()))
          .assertOk("debugfs rdump");
      FsAssertions.matchesExtraction(after, now, rdump, options.features().contains("inline_data"));
      for (String p : List.of("/system/bin/tool", "/system/sparse.img", "/system/tiny.txt", "/system/lib",
          "/system/longlink", "/dev/null", "/system/etc/many/entry_with_a_fairly_long_name_0007.xml",
          "/system/app/Foo", "/data")) {
        assertEquals(stat(image, p), stat(out, p), "debugfs stat " + p);
      }
    }
    Path again = work.resolve(name + ".again.ext4");
    edit(image, again, FsEditChecks.edits(BIGGER, SMALLER), FileSystemEditor.Limits.none());
    assertEquals(-1, Files.mismatch(out, again), "two runs give the same bytes");
  }

  private static void untouchedInodesAreByteIdentical(Ext4Image before, Ext4Image after, Map<String, FsEntry> old)
      throws IOException {
    Set<String> changed = Set.of(FsEditChecks.BROWSER_APK, FsEditChecks.FOO_APK, FsEditChecks.HOSTS);
    int n = 0;
    for (FsEntry e : old.values()) {
      if (e.isDirectory() || changed.contains(e.path()) || e.path().startsWith(FsEditChecks.BROWSER + "/oat")) {
        continue;
      }
      var a = before.inode(e.inode());
      var b = after.inode(e.inode());
      assertArrayEquals(a.raw(), b.raw(), e.path() + " inode bytes");
      List<Ext4Extent> ma = before.mapping(a);
      assertEquals(ma, after.mapping(b), e.path() + " blocks");
      for (Ext4Extent x : ma) {
        assertArrayEquals(before.source().readFully(x.physicalBlock() * before.blockSize(),
                (int) (x.length() * before.blockSize())),
            after.source().readFully(x.physicalBlock() * before.blockSize(), (int) (x.length() * before.blockSize())),
            e.path() + " data blocks");
      }
      n++;
    }
    assertTrue(n > 300, "inodes compared: " + n);
  }

  private static final Pattern CTIME_LINE = Pattern.compile("(?m)^.*(ctime|atime|crtime|dtime):.*$");

  /** {@code debugfs stat} without the access and change times (reading is not changing). */
  static String stat(Path image, String path) throws IOException {
    String s = Oracle.run(work, "debugfs", "-R", "stat " + path, image.toString()).assertOk("debugfs stat").stdout();
    return s;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("uninitVariants")
  void allocatesFromUninitializedGroups(String name, Ext4Options options) throws IOException {
    Path image = FsFixtures.ext4(tree, work, name, options);
    String before = Oracle.run(work, "dumpe2fs", image.toString()).assertOk("dumpe2fs").stdout();
    assertTrue(before.contains("Group 1: (Blocks 8193-16384)") && groupLine(before, 1).contains("BLOCK_UNINIT"),
        before);
    Path out = work.resolve(name + ".edited.ext4");
    // 7 MB in one piece only fits the untouched group 1
    edit(image, out, FsEditChecks.edits(7_000_000, SMALLER), FileSystemEditor.Limits.none());
    e2fsck(out);
    String after = Oracle.run(work, "dumpe2fs", out.toString()).assertOk("dumpe2fs").stdout();
    assertFalse(groupLine(after, 1).contains("BLOCK_UNINIT"), groupLine(after, 1));
    try (Ext4Image a = Ext4Image.open(FileByteSource.open(image));
        Ext4Image b = Ext4Image.open(FileByteSource.open(out))) {
      FsEditChecks.checkScenario(a, b, 7_000_000, SMALLER, Set.of());
      long first = b.mapping(b.inode(b.lookup(FsEditChecks.BROWSER_APK).orElseThrow().inode())).get(0).physicalBlock();
      assertTrue(first > 8192 && first <= 16384, "placed in group 1: " + first);
    }
  }

  static Stream<Arguments> uninitVariants() {
    Ext4Options d = Ext4Options.defaults().withBlockSize(1024);
    return Stream.of(
        Arguments.of("uninit-gdt", d.withFeatures("^metadata_csum", "^64bit", "uninit_bg", "^has_journal")),
        Arguments.of("uninit-csum", d.withFeatures("^has_journal")));
  }

  private static String groupLine(String dump, int g) {
    return dump.lines().filter(l -> l.startsWith("Group " + g + ":")).findFirst().orElse("");
  }

  @Test
  void deletingOneNameOfAHardLinkKeepsTheFileWithOneLinkLess() throws IOException {
    Path image = FsFixtures.ext4(tree, work, "unlink", Ext4Options.defaults());
    Path out = work.resolve("unlink.edited.ext4");
    edit(image, out, new FileSystemEdits(FsEditChecks.T).delete("/system/bin/tool-hardlink"),
        FileSystemEditor.Limits.none());
    e2fsck(out);
    try (Ext4Image before = Ext4Image.open(FileByteSource.open(image));
        Ext4Image after = Ext4Image.open(FileByteSource.open(out))) {
      FsEntry a = before.lookup("/system/bin/tool").orElseThrow();
      FsEntry b = after.lookup("/system/bin/tool").orElseThrow();
      assertEquals(a.inode(), b.inode());
      assertEquals(1, b.links());
      assertArrayEquals(FsAssertions.readAll(before.content(a)), FsAssertions.readAll(after.content(b)));
      assertFalse(after.lookup("/system/bin/tool-hardlink").isPresent());
    }
  }

  // ---- shared blocks -------------------------------------------------------------------------------

  /** Makes b.bin share a.bin's blocks (as e2fsdroid's deduplication does) and sets shared_blocks. */
  static Path sharedImage(String name) throws IOException {
    Path image = FsFixtures.ext4(tree, work, name, Ext4Options.defaults());
    long a = firstBlock(image, "/system/dup/a.bin");
    long b = firstBlock(image, "/system/dup/b.bin");
    Path script = work.resolve(name + ".share");
    Files.writeString(script, "sif /system/dup/b.bin block[5] " + a + "\nfreeb " + b + " 3\nfeature shared_blocks\n");
    Oracle.run(work, Duration.ofMinutes(1), List.of("debugfs", "-w", "-f", script.toString(), image.toString()))
        .assertOk("debugfs share");
    assertEquals(a, firstBlock(image, "/system/dup/b.bin"), "b.bin now shares a.bin's blocks");
    // debugfs freeb leaves the group's free count behind; e2fsck -fy brings the summary up to date
    Oracle.Result fix = Oracle.run(work, Duration.ofMinutes(1), List.of("e2fsck", "-fy", image.toString()));
    assertTrue(fix.exitCode() <= 1, fix.stdout() + fix.stderr());
    e2fsck(image);
    return image;
  }

  static long firstBlock(Path image, String path) throws IOException {
    String s = Oracle.run(work, "debugfs", "-R", "bmap " + path + " 0", image.toString()).assertOk("bmap").stdout();
    return Long.parseLong(s.trim());
  }

  @Test
  void sharedBlocksAreNeitherFreedNorWrittenWhileAnotherFileUsesThem() throws IOException {
    Path image = sharedImage("shared");
    byte[] dup = FsFixtures.expectedContent(tree.node("system/dup/a.bin"));
    Path out = work.resolve("shared.edited.ext4");
    edit(image, out, FsEditChecks.edits(BIGGER, SMALLER)
        .replace("/system/dup/a.bin", new ArrayByteSource(FsEditChecks.bytes(9000, 3), "a")),
        FileSystemEditor.Limits.none());
    e2fsck(out);
    long shared = firstBlock(image, "/system/dup/b.bin");
    try (Ext4Image after = Ext4Image.open(FileByteSource.open(out))) {
      FsEntry b = after.lookup("/system/dup/b.bin").orElseThrow();
      assertArrayEquals(dup, FsAssertions.readAll(after.content(b)), "b.bin keeps the shared content");
      assertArrayEquals(FsEditChecks.bytes(9000, 3),
          FsAssertions.readAll(after.content(after.lookup("/system/dup/a.bin").orElseThrow())));
      assertEquals(shared, after.mapping(after.inode(b.inode())).get(0).physicalBlock());
    }
    Oracle.Result test = Oracle.run(work, "debugfs", "-R", "testb " + shared + " 3", out.toString());
    assertTrue(test.stdout().contains("marked in use") && !test.stdout().contains("not in use"), test.stdout());

    // once neither file refers to them, the blocks are free again (a.bin becomes empty: nothing reuses them)
    Path out2 = work.resolve("shared.edited2.ext4");
    edit(image, out2, new FileSystemEdits(FsEditChecks.T)
        .replace("/system/dup/a.bin", new ArrayByteSource(new byte[0], "a"))
        .delete("/system/dup/b.bin"), FileSystemEditor.Limits.none());
    e2fsck(out2);
    Oracle.Result test2 = Oracle.run(work, "debugfs", "-R", "testb " + shared + " 3", out2.toString());
    assertTrue(test2.stdout().contains("not in use"), test2.stdout());
  }

  // ---- growth and limits ---------------------------------------------------------------------------

  /** An image with almost no free space (like Android's), no journal. */
  static Path nearlyFull(String name, int blockSize, List<String> features) throws IOException {
    return nearlyFull(tree, name, blockSize, features);
  }

  static Path nearlyFull(FsFixtures.Tree tree, String name, int blockSize, List<String> features)
      throws IOException {
    Ext4Options o = Ext4Options.defaults().withBlockSize(blockSize).withFeatures(features.toArray(String[]::new));
    Path image = FsFixtures.ext4(tree, work, name + "-probe", o);
    for (int round = 0; round < 3 && freeBytes(image) > 400_000; round++) {
      long size = Files.size(image) - freeBytes(image) + 200_000;
      image = FsFixtures.ext4(tree, work, name + (round == 2 ? "" : "-" + round),
          new Ext4Options(o.features(), blockSize, size, "", "/system", false, false));
    }
    return image;
  }

  private static final Pattern FREE = Pattern.compile("Free blocks:\\s+(\\d+)");
  private static final Pattern COUNT = Pattern.compile("Block count:\\s+(\\d+)");

  static long usedBytes(Path image) throws IOException {
    String s = Oracle.run(work, "dumpe2fs", "-h", image.toString()).assertOk("dumpe2fs").stdout();
    Matcher f = FREE.matcher(s);
    Matcher c = COUNT.matcher(s);
    assertTrue(f.find() && c.find(), s);
    long bs = s.contains("Block size:               1024") ? 1024 : 4096;
    return (Long.parseLong(c.group(1)) - Long.parseLong(f.group(1))) * bs;
  }

  static long freeBytes(Path image) throws IOException {
    String s = Oracle.run(work, "dumpe2fs", "-h", image.toString()).assertOk("dumpe2fs").stdout();
    Matcher f = FREE.matcher(s);
    assertTrue(f.find(), s);
    long bs = s.contains("Block size:               1024") ? 1024 : 4096;
    return Long.parseLong(f.group(1)) * bs;
  }

  @Test
  void nearlyFullImageGrowsItsLastGroup() throws IOException {
    Path image = nearlyFull("full", 4096, List.of("^has_journal"));
    long free = freeBytes(image);
    assertTrue(free < BIGGER, "free before: " + free);
    Path out = work.resolve("full.edited.ext4");
    EditResult r = edit(image, out, FsEditChecks.edits(BIGGER + 3_000_000, SMALLER), FileSystemEditor.Limits.none());
    assertTrue(r.outputSize() > Files.size(image), "grew: " + r);
    assertTrue(r.changes().stream().anyMatch(c -> c.kind() == FsChange.Kind.GREW), r.changes().toString());
    e2fsck(out);
    try (Ext4Image before = Ext4Image.open(FileByteSource.open(image));
        Ext4Image after = Ext4Image.open(FileByteSource.open(out))) {
      FsEditChecks.checkScenario(before, after, BIGGER + 3_000_000, SMALLER, Set.of());
    }
  }

  /** 1 KiB blocks, 9 MiB: a full group 0 and a small group 1; group 2 could be added, group 3 needs a backup. */
  static Path twoGroups(String name) throws IOException {
    return twoGroups(name, List.of("^has_journal", "^metadata_csum", "^64bit"));
  }

  static Path twoGroups(String name, List<String> features) throws IOException {
    Path image = FsFixtures.ext4(tree, work, name, new Ext4Options(features, 1024, 9L << 20, "", "/system", false,
        false));
    try (Ext4Image fs = Ext4Image.open(FileByteSource.open(image))) {
      assertEquals(2, fs.superblock().groupCount(), "fixture has two groups");
    }
    return image;
  }

  @Test
  void fragmentedFreeSpaceGivesADeeperExtentTreeAndEditedImagesEditAgain() throws IOException {
    FsFixtures.Tree t = new FsFixtures.Tree().file("system/big.bin", 4096, 5);
    for (int i = 0; i < 200; i++) {
      t.file(String.format("system/many/f%03d", i), 8192, 1000 + i);
    }
    Path image = nearlyFull(t, "frag", 4096, List.of("^has_journal"));
    FileSystemEdits holes = new FileSystemEdits(FsEditChecks.T);
    for (int i = 0; i < 200; i += 2) {
      holes.delete(String.format("/system/many/f%03d", i));
    }
    Path out1 = work.resolve("frag.holes.ext4");
    edit(image, out1, holes, FileSystemEditor.Limits.none());
    e2fsck(out1);
    long free = freeBytes(out1);
    byte[] big = FsEditChecks.bytes((int) Math.min(free - 8192, 700_000), 8);
    Path out2 = work.resolve("frag.big.ext4");
    edit(out1, out2, new FileSystemEdits(FsEditChecks.T).replace("/system/big.bin", new ArrayByteSource(big, "big")),
        FileSystemEditor.Limits.none());
    e2fsck(out2);
    assertEquals(Files.size(image), Files.size(out2), "no growth was needed");
    try (Ext4Image fs = Ext4Image.open(FileByteSource.open(out2))) {
      FsEntry e = fs.lookup("/system/big.bin").orElseThrow();
      var inode = fs.inode(e.inode());
      assertTrue(fs.mapping(inode).size() > 4, "extents: " + fs.mapping(inode).size());
      assertTrue(dev.untrack.rom.io.LittleEndian.u16(inode.raw(), 0x28 + 6) >= 1, "extent tree has a leaf level");
      assertArrayEquals(big, FsAssertions.readAll(fs.content(e)));
      assertEquals(100, fs.list(fs.lookup("/system/many").orElseThrow()).size());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("growthVariants")
  void growingAddsBlockGroupsWhereTheLayoutAllows(String name, List<String> features) throws IOException {
    Path image = twoGroups(name, features);
    Path out = work.resolve(name + ".edited.ext4");
    EditResult r = edit(image, out, FsEditChecks.edits(20_000_000, SMALLER), FileSystemEditor.Limits.none());
    e2fsck(out);
    assertTrue(r.changes().stream().anyMatch(c -> c.kind() == FsChange.Kind.GREW
        && c.detail().contains("(1 groups added)")), r.changes().toString());
    try (Ext4Image before = Ext4Image.open(FileByteSource.open(image));
        Ext4Image after = Ext4Image.open(FileByteSource.open(out))) {
      assertEquals(3, after.superblock().groupCount());
      FsEditChecks.checkScenario(before, after, 20_000_000, SMALLER, Set.of());
    }
  }

  static Stream<Arguments> growthVariants() {
    return Stream.of(
        Arguments.of("groups1k", List.of("^has_journal", "^metadata_csum", "^64bit")),
        Arguments.of("groups1k-csum", List.of("^has_journal")),
        Arguments.of("groups1k-uninit", List.of("^has_journal", "^metadata_csum", "^64bit", "uninit_bg")));
  }

  @Test
  void notEnoughSpaceSaysHowMuchIsMissingAndWritesNothing() throws IOException {
    Path image = nearlyFull("tight", 4096, List.of("^has_journal"));
    Path out = work.resolve("tight.edited.ext4");
    long limit = Files.size(image) + 1_000_000;
    FsEditException e = assertThrows(FsEditException.class, () -> edit(image, out,
        FsEditChecks.edits(BIGGER + 3_000_000, SMALLER), FileSystemEditor.Limits.maxSize(limit)));
    assertEquals(FsEditException.Reason.NOT_ENOUGH_SPACE, e.reason());
    assertTrue(e.shortfall() > 1_000_000, e.getMessage());
    assertTrue(e.getMessage().contains("not enough space: need"), e.getMessage());
    assertTrue(e.getMessage().contains("can grow by at most"), e.getMessage());
    assertFalse(Files.exists(out));
    assertEquals(0, FsEditChecks.leftovers(work, "tight.edited"));
  }

  @Test
  void growthStopsWhereABackupSuperblockWouldBeDue() throws IOException {
    Path image = twoGroups("cap1k");
    FsEditException e = assertThrows(FsEditException.class, () -> edit(image, work.resolve("cap1k.edited"),
        FsEditChecks.edits(40_000_000, SMALLER), FileSystemEditor.Limits.none()));
    assertEquals(FsEditException.Reason.NOT_ENOUGH_SPACE, e.reason());
    assertTrue(e.getMessage().contains("can grow by at most"), e.getMessage());
  }
}
