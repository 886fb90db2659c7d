package dev.untrack.rom.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.testkit.FsFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/** The edit scenario shared by the ext4 and EROFS editor tests, and the checks on its result. */
final class FsEditChecks {
  static final long T = 1_750_000_000L;
  static final String BROWSER = "/system/app/Browser";
  static final String BROWSER_APK = BROWSER + "/Browser.apk";
  static final String FOO_APK = "/system/app/Foo/Foo.apk";
  static final String HOSTS = "/system/etc/hosts";
  static final String NEW_FILE = "/system/etc/untrack.conf";
  static final String LABEL = "u:object_r:system_file:s0";

  private FsEditChecks() {}

  /** The sample tree plus an app with an oat folder and a hosts file, as on a system partition. */
  static FsFixtures.Tree tree(long apkSize) {
    FsFixtures.Tree t = FsFixtures.sampleTree(false)
        .file("system/app/Browser/Browser.apk", apkSize, 11)
        .file("system/app/Browser/oat/arm64/Browser.odex", 70_000, 12)
        .file("system/app/Browser/oat/arm64/Browser.vdex", 9_000, 13)
        .file("system/etc/hosts", "127.0.0.1 localhost\n::1 ip6-localhost\n".getBytes(StandardCharsets.UTF_8));
    for (String p : new String[] {"system/app", "system/app/Browser", "system/app/Browser/Browser.apk",
        "system/app/Browser/oat", "system/app/Browser/oat/arm64", "system/app/Browser/oat/arm64/Browser.odex",
        "system/app/Browser/oat/arm64/Browser.vdex", "system/etc", "system/etc/hosts"}) {
      t.label(p, LABEL);
    }
    t.label("system/app/Browser/Browser.apk", "u:object_r:system_file:s0")
        .capability("system/app/Browser/Browser.apk", 1 << 7);
    return t;
  }

  static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    Random r = new Random(seed);
    for (int i = 0; i < size; ) {
      boolean noise = r.nextInt(4) != 0;
      int run = Math.min(size - i, 1 + r.nextInt(20_000));
      for (int k = 0; k < run; k++, i++) {
        b[i] = noise ? (byte) r.nextInt() : (byte) ('a' + (i % 23));
      }
    }
    return b;
  }

  static final byte[] HOSTS_CONTENT =
      "127.0.0.1 localhost\n0.0.0.0 tracking.miui.com\n0.0.0.0 data.mistat.xiaomi.com\n"
          .getBytes(StandardCharsets.UTF_8);
  static final byte[] NEW_CONTENT = bytes(5000, 99);

  static SortedMap<String, byte[]> newFileXattrs() {
    SortedMap<String, byte[]> x = new TreeMap<>();
    x.put("security.selinux", ("u:object_r:system_file:s0\0").getBytes(StandardCharsets.UTF_8));
    return x;
  }

  /** The standard scenario: bigger APK, smaller APK, delete oat/, touch the app folder, hosts, a new file. */
  static FileSystemEdits edits(int biggerApk, int smallerApk) {
    return new FileSystemEdits(T)
        .replace(BROWSER_APK, new ArrayByteSource(bytes(biggerApk, 1), "new Browser.apk"), T + 1)
        .delete(BROWSER + "/oat")
        .touchDirectory(BROWSER, T + 2)
        .replace(FOO_APK, new ArrayByteSource(bytes(smallerApk, 2), "new Foo.apk"), T + 3)
        .replace(HOSTS, new ArrayByteSource(HOSTS_CONTENT, "hosts"), T + 4)
        .create(NEW_FILE, new ArrayByteSource(NEW_CONTENT, "conf"), 1000, 2000, 0640, newFileXattrs(), T + 5);
  }

  static Map<String, FsEntry> walk(FileSystemImage fs) throws IOException {
    return FsAssertions.walk(fs);
  }

  /**
   * Every entry of {@code before} that the scenario did not touch is in {@code after} with the same inode number,
   * attributes, time and content; the changed ones have their new content, old owner/mode/xattrs and new time.
   */
  static void checkScenario(FileSystemImage before, FileSystemImage after, int biggerApk, int smallerApk,
      Set<String> movedOk) throws IOException {
    Map<String, FsEntry> old = walk(before);
    Map<String, FsEntry> now = walk(after);
    Set<String> changed = Set.of(BROWSER_APK, FOO_APK, HOSTS, BROWSER);
    int compared = 0;
    for (FsEntry e : old.values()) {
      String p = e.path();
      if (p.startsWith(BROWSER + "/oat")) {
        assertFalse(now.containsKey(p), p + " deleted");
        continue;
      }
      FsEntry n = now.get(p);
      assertNotNull(n, p + " still there");
      assertTrue(e.sameAttributes(n), p + " attributes kept: " + e + " vs " + n);
      if (changed.contains(p)) {
        continue;
      }
      if (!e.isDirectory() && !movedOk.contains(p)) {
        assertEquals(e.inode(), n.inode(), p + " inode number kept");
      }
      if (!e.isDirectory()) {
        assertEquals(e.links(), n.links(), p + " links");
      }
      assertEquals(e.mtime(), n.mtime(), p + " mtime kept");
      assertEquals(e.mtimeNanos(), n.mtimeNanos(), p + " mtime nanos kept");
      if (!e.isDirectory()) {
        assertEquals(e.size(), n.size(), p + " size kept");
      }
      if (e.isRegular()) {
        assertArrayEquals(FsAssertions.readAll(before.content(e)), FsAssertions.readAll(after.content(n)),
            p + " content kept");
      }
      compared++;
    }
    assertTrue(compared > 300, "entries compared: " + compared);
    assertChanged(after, now.get(BROWSER_APK), bytes(biggerApk, 1), T + 1, old.get(BROWSER_APK));
    assertChanged(after, now.get(FOO_APK), bytes(smallerApk, 2), T + 3, old.get(FOO_APK));
    assertChanged(after, now.get(HOSTS), HOSTS_CONTENT, T + 4, old.get(HOSTS));
    assertEquals(T + 2, now.get(BROWSER).mtime(), "app folder touched");
    assertEquals(old.get(BROWSER).links() - 1, now.get(BROWSER).links(), "app folder lost its oat subdirectory");
    FsEntry created = now.get(NEW_FILE);
    assertNotNull(created, "created file");
    assertEquals(1000, created.uid());
    assertEquals(2000, created.gid());
    assertEquals(0640, created.mode());
    assertEquals(T + 5, created.mtime());
    assertEquals(LABEL, created.selinuxLabel());
    assertArrayEquals(NEW_CONTENT, FsAssertions.readAll(after.content(created)));
    assertEquals(old.size() - 4 + 1, now.size(), "entry count: oat tree (4) gone, one file created");
  }

  private static void assertChanged(FileSystemImage fs, FsEntry e, byte[] content, long mtime, FsEntry was)
      throws IOException {
    assertArrayEquals(content, FsAssertions.readAll(fs.content(e)), e.path() + " new content");
    assertEquals(mtime, e.mtime(), e.path() + " new mtime");
    assertEquals(was.uid(), e.uid());
    assertEquals(was.gid(), e.gid());
    assertEquals(was.mode(), e.mode());
    assertEquals(was.selinuxLabel(), e.selinuxLabel());
    assertArrayEquals(was.capabilities(), e.capabilities());
    assertEquals(was.xattrs().keySet(), e.xattrs().keySet());
  }

  /** Files left in {@code dir} whose names contain {@code part} (temporary outputs after a failure). */
  static long leftovers(Path dir, String part) throws IOException {
    try (var s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().contains(part)).count();
    }
  }

  static ByteSource source(byte[] b, String name) {
    return new ArrayByteSource(b, name);
  }
}
