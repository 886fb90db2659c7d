package dev.untrack.rom.fs;

/**
 * One thing an edit did to the image, for the report.
 *
 * @param path the path in the image ("" for the filesystem as a whole)
 * @param detail a short, human-readable account (inode numbers, sizes)
 */
public record FsChange(Kind kind, String path, String detail) {

  /** What happened. */
  public enum Kind {
    REPLACED,
    CREATED,
    DELETED,
    TOUCHED,
    /** A directory whose entries changed was written again (its children are untouched). */
    DIRECTORY_REWRITTEN,
    /** An inode moved to a new slot (EROFS: it no longer fit in place); its directory entry points there now. */
    INODE_MOVED,
    /** The filesystem grew (ext4: the last group was extended or groups were added). */
    GREW
  }

  @Override
  public String toString() {
    return kind + " " + path + (detail.isEmpty() ? "" : " (" + detail + ")");
  }
}
