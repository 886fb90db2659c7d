package dev.untrack.rom.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.io.ByteSource;
import dev.untrack.testkit.FsFixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** Checks shared by the ext4 and EROFS oracle tests. */
final class FsAssertions {
  private FsAssertions() {}

  static Map<String, FsEntry> walk(FileSystemImage fs) throws IOException {
    Map<String, FsEntry> all = new LinkedHashMap<>();
    fs.walk(e -> {
      all.put(e.path(), e);
      return true;
    });
    return all;
  }

  static byte[] readAll(ByteSource s) throws IOException {
    assertTrue(s.size() < Integer.MAX_VALUE);
    byte[] out = new byte[(int) s.size()];
    try (InputStream in = s.openStream()) {
      int off = 0;
      int n;
      while (off < out.length && (n = in.read(out, off, out.length - off)) > 0) {
        off += n;
      }
      assertEquals(out.length, off, "bytes read from " + s.name());
    }
    return out;
  }

  /** Every spec node is present with the type, owner, mode, xattrs, target, device and content asked for. */
  static void matchesSpec(FileSystemImage fs, Map<String, FsEntry> all, FsFixtures.Tree tree, boolean allRoot)
      throws IOException {
    for (FsFixtures.Node n : tree.nodes()) {
      String path = "/" + n.path;
      FsEntry e = all.get(path);
      assertNotNull(e, path + " missing");
      FsFixtures.Node owner = n.kind == FsFixtures.Kind.HARDLINK ? tree.node(n.target) : n;
      int expectedType = FsFixtures.typeBits(owner.kind);
      assertEquals(expectedType, typeBits(e.type()), path + " type");
      assertEquals(allRoot ? 0 : owner.uid, e.uid(), path + " uid");
      assertEquals(allRoot ? 0 : owner.gid, e.gid(), path + " gid");
      if (owner.kind != FsFixtures.Kind.SYMLINK) {
        assertEquals(Integer.toOctalString(owner.mode), Integer.toOctalString(e.mode()), path + " mode");
      }
      assertEquals(owner.xattrs.keySet(), e.xattrs().keySet(), path + " xattr names");
      for (Map.Entry<String, byte[]> x : owner.xattrs.entrySet()) {
        assertArrayEquals(x.getValue(), e.xattrs().get(x.getKey()), path + " " + x.getKey());
      }
      switch (owner.kind) {
        case SYMLINK -> assertEquals(owner.target, e.symlinkTarget(), path + " target");
        case CHAR_DEVICE, BLOCK_DEVICE -> {
          assertEquals(owner.major, e.rdevMajor(), path + " major");
          assertEquals(owner.minor, e.rdevMinor(), path + " minor");
        }
        case FILE -> {
          assertEquals(owner.size, e.size(), path + " size");
          assertArrayEquals(FsFixtures.expectedContent(owner), readAll(fs.content(e)), path + " content");
        }
        default -> { }
      }
    }
    FsEntry link = all.get("/system/bin/tool-hardlink");
    if (link != null) {
      FsEntry tool = all.get("/system/bin/tool");
      assertEquals(tool.inode(), link.inode(), "hard link shares the inode");
      assertEquals(2, link.links(), "hard link count");
    }
    assertEquals("u:object_r:system_exec:s0", all.get("/system/bin/tool").selinuxLabel());
  }

  /**
   * Our content of every regular file equals the file the native tool extracted under {@code root}. With
   * {@code zeroPaddedTail}, a native file may be longer than ours by zeros only: debugfs 1.47 dumps inline-data
   * files as the whole 60-byte i_block.
   */
  static int matchesExtraction(FileSystemImage fs, Map<String, FsEntry> all, Path root, boolean zeroPaddedTail)
      throws IOException {
    int files = 0;
    for (FsEntry e : all.values()) {
      Path p = e.path().equals("/") ? root : root.resolve(e.path().substring(1));
      if (e.isRegular()) {
        assertTrue(Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS), p + " extracted");
        byte[] ours = readAll(fs.content(e));
        byte[] theirs = Files.readAllBytes(p);
        if (zeroPaddedTail && theirs.length > ours.length && theirs.length <= 60
            && java.util.Arrays.mismatch(ours, java.util.Arrays.copyOf(theirs, ours.length)) < 0
            && allZero(theirs, ours.length)) {
          theirs = ours;
        }
        if (!java.util.Arrays.equals(theirs, ours)) {
          throw new AssertionError(e.path() + " differs from the native extraction (" + ours.length + " vs "
              + theirs.length + " bytes, first difference at " + java.util.Arrays.mismatch(ours, theirs) + ")");
        }
        files++;
      } else if (e.isDirectory()) {
        assertTrue(Files.isDirectory(p), p + " extracted as a directory");
      }
    }
    return files;
  }

  private static boolean allZero(byte[] b, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  static int typeBits(FileType t) {
    return switch (t) {
      case DIRECTORY -> 0040000;
      case REGULAR -> 0100000;
      case SYMLINK -> 0120000;
      case FIFO -> 0010000;
      case CHAR_DEVICE -> 0020000;
      case BLOCK_DEVICE -> 0060000;
      case SOCKET -> 0140000;
    };
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
