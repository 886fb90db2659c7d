package dev.untrack.rom.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.erofs.ErofsExtent;
import dev.untrack.rom.erofs.ErofsImage;
import dev.untrack.rom.erofs.ErofsInode;
import dev.untrack.rom.erofs.ErofsSuperblock;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.testkit.FsFixtures;
import dev.untrack.testkit.Oracle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Builds EROFS images with mkfs.erofs under fakeroot (owners, modes, labels, capabilities, device nodes) and
 * compares every entry with the spec, with {@code dump.erofs} (inode attributes) and with
 * {@code fsck.erofs --extract} (content).
 */
class ErofsReaderOracleTest {
  @TempDir static Path work;
  static FsFixtures.Tree tree;

  @BeforeAll
  static void tree() {
    tree = FsFixtures.sampleTree(true);
  }

  static Stream<Arguments> variants() {
    return Stream.of(
        Arguments.of("plain", List.of("-T0")),
        Arguments.of("lz4", List.of("-zlz4", "-T1700000000")),
        Arguments.of("lz4hc", List.of("-zlz4hc", "-T0")),
        Arguments.of("lz4hc-big", List.of("-zlz4hc", "-C65536", "-T0")),
        Arguments.of("lz4hc-big16k", List.of("-zlz4hc,9", "-C16384")),
        Arguments.of("ztailpacking", List.of("-zlz4hc", "-Eztailpacking", "-T0")),
        Arguments.of("ztailpacking-big", List.of("-zlz4hc", "-C65536", "-Eztailpacking", "-T0")),
        Arguments.of("legacy", List.of("-zlz4hc", "-Elegacy-compress", "-T0")),
        Arguments.of("extended", List.of("-zlz4", "-Eforce-inode-extended", "-T0")),
        Arguments.of("noinline", List.of("-Enoinline_data", "-T0")),
        Arguments.of("chunked", List.of("--chunksize=8192", "-T0")),
        Arguments.of("allroot", List.of("-zlz4hc", "--all-root", "-T0")),
        Arguments.of("fragments", List.of("-zlz4hc", "-Efragments", "-T0")),
        Arguments.of("dedupe", List.of("-zlz4hc", "-Ededupe", "-T0")),
        Arguments.of("fragments-dedupe-big", List.of("-zlz4hc", "-C65536", "-Efragments,dedupe,ztailpacking")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void everyEntryMatchesTheErofsTools(String name, List<String> options) throws IOException {
    if (!FsFixtures.erofsSupports(work, options)) {
      Assumptions.abort("installed mkfs.erofs does not support " + options + " (needs a newer erofs-utils)");
    }
    Path image = FsFixtures.erofs(tree, work, name, options);
    try (ErofsImage fs = ErofsImage.open(FileByteSource.open(image))) {
      ErofsSuperblock sb = fs.superblock();
      String opts = String.join(" ", options);
      if ((opts.contains("fragments") || opts.contains("dedupe")) && !sb.has(ErofsSuperblock.INCOMPAT_FRAGMENTS)) {
        // erofs-utils 1.5 accepts and silently ignores these options
        Assumptions.abort("installed mkfs.erofs ignored " + options + " (fragments/dedupe need erofs-utils 1.6+)");
      }
      if (opts.contains("ztailpacking")) {
        assertTrue(sb.has(ErofsSuperblock.INCOMPAT_ZTAILPACKING), "ztailpacking feature set");
      }
      if (opts.contains("-C")) {
        assertTrue(sb.has(ErofsSuperblock.INCOMPAT_BIG_PCLUSTER), "big pcluster feature set");
      }
      if (opts.contains("--chunksize")) {
        assertTrue(sb.has(ErofsSuperblock.INCOMPAT_CHUNKED_FILE), "chunked file feature set");
      }
      Map<String, FsEntry> all = FsAssertions.walk(fs);
      FsAssertions.matchesSpec(fs, all, tree, options.contains("--all-root"));
      if (opts.contains("legacy-compress")) {
        assertEquals(ErofsInode.COMPRESSED_FULL, fs.inode(all.get("/system/framework/large.jar").inode()).layout());
      } else if (opts.contains("-z")) {
        assertEquals(ErofsInode.COMPRESSED_COMPACT,
            fs.inode(all.get("/system/framework/large.jar").inode()).layout());
      }
      if (opts.contains("--chunksize")) {
        assertEquals(ErofsInode.CHUNK_BASED, fs.inode(all.get("/system/sparse.img").inode()).layout());
      }
      compareWithDumpErofs(fs, image, all);
      Oracle.require("fsck.erofs", "erofs-utils");
      Path out = work.resolve(name + ".extract");
      Oracle.run(work, Duration.ofMinutes(5), List.of("fsck.erofs", "--extract=" + out, image.toString()))
          .assertOk("fsck.erofs --extract");
      int files = FsAssertions.matchesExtraction(fs, all, out, false);
      assertTrue(files >= 310, "files compared: " + files);
      if (options.stream().anyMatch(o -> o.startsWith("-z"))) {
        ErofsInode big = fs.inode(all.get("/system/framework/large.jar").inode());
        assertTrue(big.compressed(), "large file is compressed");
        List<ErofsExtent> extents = fs.extents(big);
        assertEquals(big.size(), extents.stream().mapToLong(ErofsExtent::logicalLength).sum());
        assertTrue(extents.stream().anyMatch(e -> e.kind() == ErofsExtent.Kind.COMPRESSED));
      }
    }
  }

  @Test
  void superblockChecksumIsVerified() throws IOException {
    Path image = FsFixtures.erofs(new FsFixtures.Tree().file("f", "x".getBytes()), work, "csum", List.of("-T0"));
    byte[] b = Files.readAllBytes(image);
    try (ErofsImage fs = ErofsImage.open(new dev.untrack.rom.io.ArrayByteSource(b, "ok"))) {
      assertEquals(1, fs.list(fs.root()).size());
    }
    b[1024 + 64] ^= 1; // volume name byte: covered by the checksum
    byte[] corrupt = b;
    dev.untrack.rom.RomFormatException e = org.junit.jupiter.api.Assertions.assertThrows(
        dev.untrack.rom.RomFormatException.class,
        () -> ErofsImage.open(new dev.untrack.rom.io.ArrayByteSource(corrupt, "bad.img")));
    assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    assertTrue(e.getMessage().startsWith("bad.img"), e.getMessage());
  }

  private static final Pattern NID = Pattern.compile("NID: (\\d+)\\s+Links: (\\d+)\\s+Layout: (\\d+)");
  private static final Pattern SIZE = Pattern.compile("Size: (\\d+)");
  private static final Pattern ISIZE = Pattern.compile("Inode size: (\\d+)\\s+Extent size: \\d+\\s+Xattr size: (\\d+)");
  private static final Pattern OWNER = Pattern.compile("Uid: (\\d+)\\s+Gid: (\\d+)\\s+Access: (\\d+)/");
  private static final Pattern TIME = Pattern.compile("Timestamp: (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d)\\.(\\d+)");

  private static void compareWithDumpErofs(ErofsImage fs, Path image, Map<String, FsEntry> all)
      throws IOException {
    Oracle.require("dump.erofs", "erofs-utils");
    int n = 0;
    for (FsEntry e : all.values()) {
      if (e.path().startsWith("/system/etc/many/") && n++ % 30 != 0) {
        continue; // one process per entry: sample the 300 look-alike files
      }
      Oracle.Result r = Oracle.run(work, "dump.erofs", "--path=" + e.path(), image.toString())
          .assertOk("dump.erofs --path=" + e.path());
      String out = r.stdout();
      Matcher m = NID.matcher(out);
      assertTrue(m.find(), e.path() + ": " + out);
      assertEquals(Long.parseLong(m.group(1)), e.inode(), e.path() + " nid");
      assertEquals(Integer.parseInt(m.group(2)), e.links(), e.path() + " links");
      ErofsInode vi = fs.inode(e.inode());
      assertEquals(Integer.parseInt(m.group(3)), vi.layout(), e.path() + " layout");
      m = SIZE.matcher(out);
      assertTrue(m.find());
      if (e.isRegular() || e.isDirectory() || e.type() == FileType.SYMLINK) {
        assertEquals(Long.parseLong(m.group(1)), e.size(), e.path() + " size");
      }
      m = ISIZE.matcher(out);
      assertTrue(m.find(), out);
      assertEquals(Integer.parseInt(m.group(1)), vi.inodeSize(), e.path() + " inode size");
      assertEquals(Integer.parseInt(m.group(2)), vi.xattrSize(), e.path() + " xattr size");
      m = OWNER.matcher(out);
      assertTrue(m.find(), out);
      assertEquals(Integer.parseUnsignedInt(m.group(1)), e.uid(), e.path() + " uid");
      assertEquals(Integer.parseUnsignedInt(m.group(2)), e.gid(), e.path() + " gid");
      // dump.erofs 1.5 prints only the rwx bits
      assertEquals(Integer.parseInt(m.group(3), 8), e.mode() & 0777, e.path() + " mode");
      m = TIME.matcher(out);
      assertTrue(m.find(), out);
      long secs = LocalDateTime.parse(m.group(1), DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"))
          .toEpochSecond(ZoneOffset.UTC);
      assertEquals(secs, e.mtime(), e.path() + " mtime");
      assertEquals(Integer.parseInt(m.group(2)), e.mtimeNanos(), e.path() + " mtime nanos");
      assertNotNull(e.xattrs());
    }
  }
}
