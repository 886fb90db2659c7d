package dev.untrack.rom.fs;

import dev.untrack.rom.io.ByteSource;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

/**
 * An ordered list of changes to make to one filesystem image, format-neutral (ext4 and EROFS). Edits apply in
 * order against the tree as changed so far: a file can be deleted and created again, a created file can be
 * replaced. Times are seconds since the epoch and always come from the caller (no clocks: the same edits give
 * the same image).
 *
 * <pre>{@code
 * FileSystemEdits edits = new FileSystemEdits(mtime)
 *     .replace("/system/app/Browser/Browser.apk", newApk)
 *     .delete("/system/app/Browser/oat")
 *     .touchDirectory("/system/app/Browser")
 *     .replace("/system/etc/hosts", hosts);
 * }</pre>
 */
public final class FileSystemEdits {
  private final long time;
  private final List<FsEdit> edits = new ArrayList<>();

  /**
   * @param time the time used where an edit gives none: {@link #replace(String, ByteSource)}, and the deletion
   *     time ext4 records in freed inodes
   */
  public FileSystemEdits(long time) {
    this.time = time;
  }

  /** The default time of these edits. */
  public long time() {
    return time;
  }

  public List<FsEdit> edits() {
    return List.copyOf(edits);
  }

  public boolean isEmpty() {
    return edits.isEmpty();
  }

  /** Replaces the content of a regular file (uid, gid, mode, SELinux label, capabilities kept). */
  public FileSystemEdits replace(String path, ByteSource content, long mtime) {
    edits.add(new FsEdit.Replace(path, content, mtime));
    return this;
  }

  public FileSystemEdits replace(String path, ByteSource content) {
    return replace(path, content, time);
  }

  /** Deletes a file, symlink, node or directory (recursively). */
  public FileSystemEdits delete(String path) {
    edits.add(new FsEdit.Delete(path));
    return this;
  }

  /** Creates a regular file in an existing directory; the path must not exist yet. */
  public FileSystemEdits create(String path, ByteSource content, int uid, int gid, int mode,
      SortedMap<String, byte[]> xattrs, long mtime) {
    edits.add(new FsEdit.Create(path, content, uid, gid, mode, xattrs, mtime));
    return this;
  }

  public FileSystemEdits touchDirectory(String path, long mtime) {
    edits.add(new FsEdit.TouchDirectory(path, mtime));
    return this;
  }

  public FileSystemEdits touchDirectory(String path) {
    return touchDirectory(path, time);
  }

  public FileSystemEdits add(FsEdit edit) {
    edits.add(edit);
    return this;
  }

  /** "/a/b/" → "/a/b"; rejects relative paths, empty, "." and ".." components. */
  static String normalize(String path) {
    if (path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException("not an absolute path: " + path);
    }
    List<String> parts = split(path);
    return parts.isEmpty() ? "/" : "/" + String.join("/", parts);
  }

  /** The components of an absolute path, each checked with {@link SafeNames#isSafeComponent}. */
  public static List<String> split(String path) {
    List<String> parts = new ArrayList<>();
    for (String p : path.split("/")) {
      if (p.isEmpty()) {
        continue;
      }
      if (!SafeNames.isSafeComponent(p)) {
        throw new IllegalArgumentException("bad path component \"" + p + "\" in " + path);
      }
      parts.add(p);
    }
    return parts;
  }
}
