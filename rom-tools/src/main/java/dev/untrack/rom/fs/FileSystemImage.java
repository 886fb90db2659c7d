package dev.untrack.rom.fs;

import dev.untrack.rom.io.ByteSource;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * A read-only view of a filesystem image (ext4 or EROFS) on top of a {@link ByteSource}. Nothing is extracted:
 * directories are read when listed, file content is decoded when read. Implementations are safe for
 * concurrent reads.
 */
public interface FileSystemImage extends AutoCloseable {

  /** "ext4" or "erofs". */
  String format();

  /** Block size in bytes. */
  int blockSize();

  /** The volume label or last mount point as recorded in the superblock ("/system", "product"...), or "". */
  String volumeName();

  FsEntry root() throws IOException;

  /** Children of a directory, sorted by name, without "." and "..". */
  List<FsEntry> list(FsEntry directory) throws IOException;

  /** Looks up an absolute path ("/system/app/X/X.apk"); symlinks are not followed. */
  Optional<FsEntry> lookup(String path) throws IOException;

  /** The content of a regular file, random access (decompressed on demand for compressed files). */
  ByteSource content(FsEntry file) throws IOException;

  /**
   * Visits every entry depth-first in name order, the root first. A directory reached twice (a directory hard
   * link or a cycle, which no valid image has) is an error rather than an endless or exponential walk.
   */
  default void walk(Visitor visitor) throws IOException {
    walk(root(), visitor, 0, new java.util.HashSet<>());
  }

  private void walk(FsEntry dir, Visitor visitor, int depth, java.util.Set<Long> seenDirs) throws IOException {
    if (depth > 4096) {
      throw dev.untrack.rom.RomFormatException.corrupt(
          format(), format(), dev.untrack.rom.RomFormatException.NO_OFFSET,
          "directory tree deeper than 4096 levels at " + dir.path() + " (a cycle?)");
    }
    if (!visitor.visit(dir) || !dir.isDirectory()) {
      return;
    }
    if (!seenDirs.add(dir.inode())) {
      throw dev.untrack.rom.RomFormatException.corrupt(
          format(), format(), dev.untrack.rom.RomFormatException.NO_OFFSET,
          "directory inode " + dir.inode() + " is reached twice (at " + dir.path() + "): a directory cycle");
    }
    for (FsEntry child : list(dir)) {
      if (child.isDirectory()) {
        walk(child, visitor, depth + 1, seenDirs);
      } else {
        visitor.visit(child);
      }
    }
  }

  @Override
  void close() throws IOException;

  /** Return false from {@link #visit} on a directory to skip its contents. */
  @FunctionalInterface
  interface Visitor {
    boolean visit(FsEntry entry) throws IOException;
  }
}
