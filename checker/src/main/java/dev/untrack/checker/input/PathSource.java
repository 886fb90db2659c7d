package dev.untrack.checker.input;

import dev.untrack.checker.CheckerException;
import dev.untrack.rom.io.FileByteSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A file or directory tree on disk as a {@link ScanSource}. A single file must be an APK, JAR, zip or dex
 * (firmware images are read by {@link FirmwareScanSource});
 * a directory is walked in sorted order without following symbolic links, and every file in it becomes an
 * item (apps by magic, hosts and config files by name, the rest only digested when digests are on).
 */
public final class PathSource implements ScanSource {
  private static final int MAX_DEPTH = 64;

  private final Path root;

  private PathSource(Path root) {
    this.root = root;
  }

  public static PathSource of(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      throw new NoSuchFileException(root.toString());
    }
    return new PathSource(root);
  }

  @Override
  public List<String> describe() {
    return List.of(root.toString());
  }

  @Override
  public void forEach(Sink sink) throws IOException {
    if (Files.isDirectory(root)) {
      walk(root, "", 0, sink);
      return;
    }
    long size = Files.size(root);
    ItemKind kind = ItemKind.classify(root.getFileName().toString(), head(root), size);
    if (kind != ItemKind.ARCHIVE && kind != ItemKind.DEX) {
      throw CheckerException.corrupt(root.toString(), "input", CheckerException.NO_OFFSET,
          "not an APK, JAR, zip or dex file, nor a firmware image untrack can read (fastboot package, OTA zip, "
              + "super, sparse, ext4 or EROFS image)");
    }
    sink.accept(new ScanItem(root.getFileName().toString(), kind, size, () -> FileByteSource.open(root), root));
  }

  private void walk(Path dir, String rel, int depth, Sink sink) throws IOException {
    if (depth > MAX_DEPTH) {
      throw CheckerException.corrupt(dir.toString(), "directory tree", CheckerException.NO_OFFSET,
          "nested deeper than " + MAX_DEPTH + " levels");
    }
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        children.add(p);
      }
    }
    children.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
    for (Path p : children) {
      String name = p.getFileName().toString();
      String path = rel.isEmpty() ? name : rel + "/" + name;
      if (Files.isSymbolicLink(p)) {
        continue; // links point at files that are scanned where they really are (or outside the tree)
      }
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        walk(p, path, depth + 1, sink);
      } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        long size = Files.size(p);
        ItemKind kind = ItemKind.classify(path, head(p), size);
        sink.accept(new ScanItem(path, kind, size, () -> FileByteSource.open(p), p));
      }
    }
  }

  private static byte[] head(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      return in.readNBytes(4);
    }
  }
}
