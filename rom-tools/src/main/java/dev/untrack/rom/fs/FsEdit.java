package dev.untrack.rom.fs;

import dev.untrack.rom.io.ByteSource;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/** One change to a filesystem image; see {@link FileSystemEdits} for the meaning of each kind. */
public sealed interface FsEdit {

  /** The absolute path the edit applies to. */
  String path();

  /** New content for an existing regular file; owner, mode and every xattr of the file are kept. */
  record Replace(String path, ByteSource content, long mtime) implements FsEdit {
    public Replace {
      path = FileSystemEdits.normalize(path);
      Objects.requireNonNull(content, "content");
    }
  }

  /** Removes a file, link, node or a whole directory tree. */
  record Delete(String path) implements FsEdit {
    public Delete {
      path = FileSystemEdits.normalize(path);
      if (path.equals("/")) {
        throw new IllegalArgumentException("cannot delete the root directory");
      }
    }
  }

  /**
   * A new regular file in an existing directory.
   *
   * @param mode permission bits ({@code 07777}); the file type is always "regular"
   * @param xattrs full names ("security.selinux") to values as stored (labels with their trailing NUL)
   */
  record Create(String path, ByteSource content, int uid, int gid, int mode, SortedMap<String, byte[]> xattrs,
      long mtime) implements FsEdit {
    public Create {
      path = FileSystemEdits.normalize(path);
      if (path.equals("/")) {
        throw new IllegalArgumentException("cannot create the root directory");
      }
      Objects.requireNonNull(content, "content");
      if ((mode & ~07777) != 0) {
        throw new IllegalArgumentException(String.format("mode 0%o has bits outside 07777", mode));
      }
      TreeMap<String, byte[]> copy = new TreeMap<>();
      for (var e : xattrs.entrySet()) {
        copy.put(Objects.requireNonNull(e.getKey()), e.getValue().clone());
      }
      xattrs = Collections.unmodifiableSortedMap(copy);
    }
  }

  /** A new modification time for a directory (Android's package cache compares an app folder's mtime). */
  record TouchDirectory(String path, long mtime) implements FsEdit {
    public TouchDirectory {
      path = FileSystemEdits.normalize(path);
    }
  }
}
