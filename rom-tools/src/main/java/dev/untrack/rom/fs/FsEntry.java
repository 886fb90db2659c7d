package dev.untrack.rom.fs;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One file, directory, link or node of a filesystem image, with every attribute Android cares about. The same
 * model serves ext4 and EROFS, so code above this layer never asks which one it is reading.
 *
 * @param path absolute path inside the filesystem ("/" for the root, "/app/Foo/Foo.apk")
 * @param inode the inode number (ext4) or nid (EROFS): stable identity inside this image
 * @param mode permission bits including setuid/setgid/sticky ({@code 07777}); the type is in {@code type}
 * @param mtime modification time, seconds since the epoch
 * @param mtimeNanos the sub-second part of the modification time (0..999,999,999), 0 when not recorded
 * @param links hard link count
 * @param rdev device number for character and block devices as a Linux user-space {@code dev_t}
 *     ({@link #makedev}), else 0
 * @param symlinkTarget for symlinks, the target as stored; else null
 * @param xattrs every extended attribute, full names ("security.selinux"), values as stored
 */
public record FsEntry(
    String path,
    long inode,
    FileType type,
    long size,
    int uid,
    int gid,
    int mode,
    long mtime,
    int mtimeNanos,
    int links,
    long rdev,
    String symlinkTarget,
    SortedMap<String, byte[]> xattrs) {

  public static final String SELINUX = "security.selinux";
  public static final String CAPABILITY = "security.capability";

  public FsEntry {
    xattrs = Collections.unmodifiableSortedMap(new TreeMap<>(xattrs));
  }

  /** Without sub-second time (kept for callers written before {@code mtimeNanos} existed). */
  public FsEntry(String path, long inode, FileType type, long size, int uid, int gid, int mode, long mtime,
      int links, long rdev, String symlinkTarget, SortedMap<String, byte[]> xattrs) {
    this(path, inode, type, size, uid, gid, mode, mtime, 0, links, rdev, symlinkTarget, xattrs);
  }

  /** A Linux user-space device number (glibc {@code makedev}), the form {@link #rdev} uses. */
  public static long makedev(long major, long minor) {
    return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8)
        | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
  }

  public long rdevMajor() {
    return ((rdev >>> 32) & 0xfffff000L) | ((rdev >>> 8) & 0xfffL);
  }

  public long rdevMinor() {
    return ((rdev >>> 12) & 0xffffff00L) | (rdev & 0xffL);
  }

  public String name() {
    if (path.equals("/")) {
      return "";
    }
    return path.substring(path.lastIndexOf('/') + 1);
  }

  public boolean isDirectory() {
    return type == FileType.DIRECTORY;
  }

  public boolean isRegular() {
    return type == FileType.REGULAR;
  }

  /** The SELinux label without its trailing NUL, or null when the file has none. */
  public String selinuxLabel() {
    byte[] v = xattrs.get(SELINUX);
    if (v == null) {
      return null;
    }
    int n = v.length;
    while (n > 0 && v[n - 1] == 0) {
      n--;
    }
    return new String(v, 0, n, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The raw {@code security.capability} value (a vfs_cap_data struct), or null. */
  public byte[] capabilities() {
    byte[] v = xattrs.get(CAPABILITY);
    return v == null ? null : v.clone();
  }

  /** Same attributes (ignoring path and inode number): what "metadata kept" means after an edit. */
  public boolean sameAttributes(FsEntry o) {
    if (type != o.type || uid != o.uid || gid != o.gid || mode != o.mode || rdev != o.rdev
        || !java.util.Objects.equals(symlinkTarget, o.symlinkTarget)
        || xattrs.size() != o.xattrs.size()) {
      return false;
    }
    for (Map.Entry<String, byte[]> e : xattrs.entrySet()) {
      if (!Arrays.equals(e.getValue(), o.xattrs.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
