package dev.untrack.rom.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.erofs.ErofsBuilder;
import dev.untrack.rom.erofs.ErofsImage;
import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.testkit.FsFixtures;
import dev.untrack.testkit.Oracle;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds the fixture tree with {@link ErofsBuilder} and checks it three ways: {@code fsck.erofs} (with
 * {@code --extract}), our reader against the tree spec, and our reader against mkfs.erofs's image of the same
 * tree (same attributes and content entry by entry).
 */
class ErofsBuilderOracleTest {
  @TempDir Path work;

  static ErofsBuilder fromTree(FsFixtures.Tree tree, long time) {
    ErofsBuilder b = new ErofsBuilder().buildTime(time).volumeName("system");
    for (FsFixtures.Node n : tree.nodes()) {
      String p = "/" + n.path;
      SortedMap<String, byte[]> x = new TreeMap<>(n.xattrs);
      switch (n.kind) {
        case DIR -> b.directory(p, n.uid, n.gid, n.mode, time, x);
        case FILE -> b.file(p, new ArrayByteSource(n.content(), p), n.uid, n.gid, n.mode, time, x);
        case SYMLINK -> b.symlink(p, n.target, n.uid, n.gid, time, x);
        case HARDLINK -> b.hardlink(p, "/" + n.target);
        case FIFO -> b.node(p, FileType.FIFO, 0, n.uid, n.gid, n.mode, time, x);
        case CHAR_DEVICE, BLOCK_DEVICE -> b.node(p, n.kind == FsFixtures.Kind.CHAR_DEVICE ? FileType.CHAR_DEVICE
            : FileType.BLOCK_DEVICE, FsEntry.makedev(n.major, n.minor), n.uid, n.gid, n.mode, time, x);
      }
    }
    return b;
  }

  @Test
  void builtImagePassesFsckAndMatchesMkfsErofs() throws IOException {
    FsFixtures.Tree tree = FsFixtures.sampleTree(true);
    Path ours = work.resolve("built.erofs");
    ErofsBuilder builder = fromTree(tree, 0);
    try (OutputStream out = Files.newOutputStream(ours)) {
      builder.writeTo(out);
    }
    assertEquals(builder.size(), Files.size(ours));
    Oracle.require("fsck.erofs", "erofs-utils");
    Oracle.run(work, Duration.ofMinutes(5), List.of("fsck.erofs", ours.toString())).assertOk("fsck.erofs");
    Path extract = work.resolve("built.extract");
    Oracle.run(work, Duration.ofMinutes(5), List.of("fsck.erofs", "--extract=" + extract, ours.toString()))
        .assertOk("fsck.erofs --extract");

    Path theirs = FsFixtures.erofs(tree, work, "mkfs", List.of("-T0"));
    try (ErofsImage fs = ErofsImage.open(FileByteSource.open(ours));
        ErofsImage ref = ErofsImage.open(FileByteSource.open(theirs))) {
      Map<String, FsEntry> all = FsAssertions.walk(fs);
      FsAssertions.matchesSpec(fs, all, tree, false);
      FsAssertions.matchesExtraction(fs, all, extract, false);
      assertEquals("system", fs.volumeName());
      Map<String, FsEntry> refAll = FsAssertions.walk(ref);
      assertEquals(refAll.keySet(), all.keySet());
      for (FsEntry r : refAll.values()) {
        FsEntry e = all.get(r.path());
        assertTrue(r.sameAttributes(e), r.path() + ": " + r + " vs " + e);
        assertEquals(r.size(), e.size(), r.path() + " size");
        assertEquals(r.links(), e.links(), r.path() + " links");
        assertEquals(r.mtime(), e.mtime(), r.path() + " mtime");
        if (r.isRegular()) {
          assertArrayEquals(FsAssertions.readAll(ref.content(r)), FsAssertions.readAll(fs.content(e)), r.path());
        }
      }
      String dump = Oracle.run(work, "dump.erofs", "--path=/system/bin/tool", ours.toString())
          .assertOk("dump.erofs").stdout();
      assertTrue(dump.contains("Links: 2"), dump);
      assertTrue(dump.contains("Uid: 0   Gid: 2000"), dump);
    }

    Path again = work.resolve("again.erofs");
    try (OutputStream out = Files.newOutputStream(again)) {
      fromTree(tree, 0).writeTo(out);
    }
    assertEquals(-1, Files.mismatch(ours, again), "deterministic");
  }

  @Test
  void timesOwnersAndTheBuiltImageCanBeEdited() throws IOException {
    long t = 1_700_000_000L;
    SortedMap<String, byte[]> label = new TreeMap<>();
    label.put(FsEntry.SELINUX, "u:object_r:system_file:s0\0".getBytes());
    ErofsBuilder b = new ErofsBuilder().buildTime(t)
        .directory("/system/app/X", 0, 0, 0755, t + 10, label)
        .file("/system/app/X/X.apk", new ArrayByteSource(FsEditChecks.bytes(300_000, 5), "x"), 1000, 70000, 0644,
            t + 20, label)
        .file("/system/empty", new ArrayByteSource(new byte[0], "e"), 0, 0, 0600, t, label)
        .symlink("/system/bin", "/system/xbin", 0, 2000, t, label);
    Path image = work.resolve("small.erofs");
    try (OutputStream out = Files.newOutputStream(image)) {
      b.writeTo(out);
    }
    Oracle.run(work, Duration.ofMinutes(1), List.of("fsck.erofs", "--extract=" + work.resolve("x1"),
        image.toString())).assertOk("fsck.erofs");
    try (ErofsImage fs = ErofsImage.open(FileByteSource.open(image))) {
      FsEntry apk = fs.lookup("/system/app/X/X.apk").orElseThrow();
      assertEquals(70000, apk.gid());
      assertEquals(t + 20, apk.mtime());
      assertEquals(t + 10, fs.lookup("/system/app/X").orElseThrow().mtime());
      assertEquals(t, fs.lookup("/system").orElseThrow().mtime());
      assertEquals("/system/xbin", fs.lookup("/system/bin").orElseThrow().symlinkTarget());
      assertEquals(0, fs.lookup("/system/empty").orElseThrow().size());
    }
    // the demo firmware path: a built image goes through the editor like a vendor one
    Path edited = work.resolve("small.edited.erofs");
    try (FileByteSource in = FileByteSource.open(image)) {
      FileSystemEditor.apply(in, new FileSystemEdits(t + 100)
          .replace("/system/app/X/X.apk", new ArrayByteSource(FsEditChecks.bytes(400_000, 6), "y"))
          .touchDirectory("/system/app/X"), edited, FileSystemEditor.Limits.none());
    }
    Oracle.run(work, Duration.ofMinutes(1), List.of("fsck.erofs", "--extract=" + work.resolve("x2"),
        edited.toString())).assertOk("fsck.erofs edited");
    try (ErofsImage fs = ErofsImage.open(FileByteSource.open(edited))) {
      FsEntry apk = fs.lookup("/system/app/X/X.apk").orElseThrow();
      assertNotNull(apk);
      assertEquals(t + 100, apk.mtime());
      assertEquals(70000, apk.gid());
      assertArrayEquals(FsEditChecks.bytes(400_000, 6), FsAssertions.readAll(fs.content(apk)));
    }
  }
}
