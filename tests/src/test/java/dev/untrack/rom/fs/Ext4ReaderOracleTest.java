package dev.untrack.rom.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.ext4.Ext4Extent;
import dev.untrack.rom.ext4.Ext4Image;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.testkit.FsFixtures;
import dev.untrack.testkit.FsFixtures.Ext4Options;
import dev.untrack.testkit.Oracle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * Builds ext4 images with mke2fs + debugfs and compares every entry our reader returns with what debugfs
 * reports ({@code stat}, {@code ea_list}) and what it extracts ({@code rdump}).
 */
class Ext4ReaderOracleTest {
  @TempDir static Path work;
  static FsFixtures.Tree tree;

  @BeforeAll
  static void tree() {
    tree = FsFixtures.sampleTree(true);
  }

  static Stream<Arguments> variants() {
    Ext4Options d = Ext4Options.defaults();
    return Stream.of(
        Arguments.of("default", d.withLabel("system")),
        Arguments.of("nocsum", d.withFeatures("^metadata_csum")),
        Arguments.of("inline", d.withFeatures("inline_data")),
        Arguments.of("htree", d.withHtree().withSharedBlocks()),
        Arguments.of("bs1k", d.withBlockSize(1024).withFeatures("^metadata_csum", "^64bit")),
        Arguments.of("ext2ish", d.withFeatures("^extent", "^64bit", "^flex_bg", "^has_journal", "^metadata_csum")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void everyEntryMatchesDebugfs(String name, Ext4Options options) throws IOException {
    Path image = FsFixtures.ext4(tree, work, name, options);
    try (Ext4Image fs = Ext4Image.open(FileByteSource.open(image))) {
      Map<String, FsEntry> all = FsAssertions.walk(fs);
      FsAssertions.matchesSpec(fs, all, tree, false);
      assertEquals("/system", fs.superblock().lastMounted());
      assertEquals(options.label().isEmpty() ? "/system" : options.label(), fs.volumeName());
      assertEquals(options.sharedBlocks(), fs.hasSharedBlocks());
      compareWithDebugfs(fs, image, all);
      Path out = work.resolve(name + ".rdump");
      Files.createDirectories(out);
      Oracle.run(work, Duration.ofMinutes(5), List.of("debugfs", "-R", "rdump / " + out, image.toString()))
          .assertOk("debugfs rdump");
      int files = FsAssertions.matchesExtraction(fs, all, out, options.features().contains("inline_data"));
      assertTrue(files >= 310, "files compared: " + files);
    }
  }

  @Test
  void htreeDirectoryIsReallyIndexedAndReadsCompletely() throws IOException {
    Path image = FsFixtures.ext4(tree, work, "htree-check", Ext4Options.defaults().withHtree());
    Oracle.Result r = Oracle.run(work, "debugfs", "-R", "htree /system/etc/many", image.toString());
    assertTrue(r.stdout().contains("Root node dump"), "e2fsck -D built an htree:\n" + r.stdout() + r.stderr());
    try (Ext4Image fs = Ext4Image.open(FileByteSource.open(image))) {
      FsEntry many = fs.lookup("/system/etc/many").orElseThrow();
      assertEquals(300, fs.list(many).size());
      assertTrue(fs.lookup("/system/etc/many/entry_with_a_fairly_long_name_0299.xml").isPresent());
      assertFalse(fs.lookup("/system/etc/many/nope").isPresent());
    }
  }

  @Test
  void sparseFileMapsOnlyItsDataBlocks() throws IOException {
    Path image = FsFixtures.ext4(tree, work, "sparse-check", Ext4Options.defaults());
    try (Ext4Image fs = Ext4Image.open(FileByteSource.open(image))) {
      FsEntry e = fs.lookup("/system/sparse.img").orElseThrow();
      List<Ext4Extent> extents = fs.mapping(fs.inode(e.inode()));
      long mapped = extents.stream().mapToLong(Ext4Extent::length).sum();
      assertTrue(mapped > 0 && mapped < (20L << 20) / 4096 / 10, "mapped blocks: " + mapped);
    }
  }

  private static final Pattern INODE = Pattern.compile("Inode: (\\d+)\\s+Type: (.+?)\\s+Mode:\\s+(\\d+)");
  private static final Pattern USER = Pattern.compile("User:\\s+(\\d+)\\s+Group:\\s+(\\d+).*Size: (\\d+)");
  private static final Pattern LINKS = Pattern.compile("Links: (\\d+)");
  private static final Pattern MTIME = Pattern.compile(" mtime: 0x([0-9a-f]+)(?::([0-9a-f]+))?");
  private static final Pattern DEVICE = Pattern.compile("Device major/minor number: (\\d+):(\\d+)");
  private static final Pattern FAST = Pattern.compile("Fast link dest: \"(.*)\"");
  private static final Pattern EA = Pattern.compile("^  (\\S+) \\((\\d+)\\)(?: = (.*))?$");

  /** Runs one debugfs session with a stat and an ea_list per path; returns output per command. */
  private static Map<String, String> debugfs(Path image, List<String> commands) throws IOException {
    Path script = Files.createTempFile(work, "cmds", ".txt");
    Files.write(script, commands);
    Oracle.Result r = Oracle.run(work, Duration.ofMinutes(5), List.of("debugfs", "-f", script.toString(),
        image.toString())).assertOk("debugfs");
    Map<String, String> out = new HashMap<>();
    String current = null;
    StringBuilder sb = new StringBuilder();
    for (String line : r.stdout().split("\n", -1)) {
      if (line.startsWith("debugfs: ")) {
        if (current != null) {
          out.put(current, sb.toString());
        }
        current = line.substring("debugfs: ".length());
        sb.setLength(0);
      } else {
        sb.append(line).append('\n');
      }
    }
    if (current != null) {
      out.put(current, sb.toString());
    }
    return out;
  }

  private static void compareWithDebugfs(Ext4Image fs, Path image, Map<String, FsEntry> all) throws IOException {
    List<String> cmds = new ArrayList<>();
    for (String p : all.keySet()) {
      cmds.add("stat " + p);
      cmds.add("ea_list " + p);
    }
    Map<String, String> out = debugfs(image, cmds);
    for (FsEntry e : all.values()) {
      String stat = out.get("stat " + e.path());
      assertNotNull(stat, "debugfs stat output for " + e.path());
      Matcher m = INODE.matcher(stat);
      assertTrue(m.find(), e.path() + ": " + stat);
      assertEquals(Long.parseLong(m.group(1)), e.inode(), e.path() + " inode");
      assertEquals(Integer.parseInt(m.group(3), 8), e.mode(), e.path() + " mode");
      m = USER.matcher(stat);
      assertTrue(m.find());
      assertEquals(Integer.parseUnsignedInt(m.group(1)), e.uid(), e.path() + " uid");
      assertEquals(Integer.parseUnsignedInt(m.group(2)), e.gid(), e.path() + " gid");
      if (e.isRegular() || e.isDirectory() || e.type() == FileType.SYMLINK) {
        assertEquals(Long.parseLong(m.group(3)), e.size(), e.path() + " size");
      }
      m = LINKS.matcher(stat);
      assertTrue(m.find());
      assertEquals(Integer.parseInt(m.group(1)), e.links(), e.path() + " links");
      m = MTIME.matcher(stat);
      assertTrue(m.find(), e.path() + " mtime in " + stat);
      long secs = (int) Long.parseLong(m.group(1), 16);
      if (m.group(2) != null) {
        long extra = Long.parseLong(m.group(2), 16);
        secs += (extra & 3) << 32;
        assertEquals(extra >>> 2, e.mtimeNanos(), e.path() + " mtime nanos");
      }
      assertEquals(secs, e.mtime(), e.path() + " mtime");
      if (e.type() == FileType.CHAR_DEVICE || e.type() == FileType.BLOCK_DEVICE) {
        m = DEVICE.matcher(stat);
        assertTrue(m.find(), stat);
        assertEquals(Long.parseLong(m.group(1)), e.rdevMajor());
        assertEquals(Long.parseLong(m.group(2)), e.rdevMinor());
      }
      m = FAST.matcher(stat);
      if (m.find()) {
        assertEquals(m.group(1), e.symlinkTarget(), e.path() + " fast symlink");
      }
      Map<String, Integer> eaSizes = new TreeMap<>();
      for (String line : out.getOrDefault("ea_list " + e.path(), "").split("\n")) {
        Matcher x = EA.matcher(line);
        if (x.matches() && !x.group(1).equals("system.data")) {
          eaSizes.put(x.group(1), Integer.parseInt(x.group(2)));
        }
      }
      Map<String, Integer> ours = new TreeMap<>();
      e.xattrs().forEach((k, v) -> ours.put(k, v.length));
      assertEquals(eaSizes, ours, e.path() + " xattrs (name and size) per debugfs ea_list");
    }
  }
}
