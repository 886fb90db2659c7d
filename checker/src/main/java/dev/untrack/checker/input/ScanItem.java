package dev.untrack.checker.input;

import dev.untrack.rom.io.ByteSource;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One file to scan: where it is (relative path, forward slashes), what it is, and how to open it. Sources that
 * walk firmware images create items whose opener returns a view into the image; the scanner closes what it
 * opens.
 *
 * @param file the file on disk, when there is one (signature verification needs it), or null
 */
public record ScanItem(String path, ItemKind kind, long size, Opener opener, Path file) {
  /** An item that is not a file on disk (a view into an image, bytes in memory). */
  public ScanItem(String path, ItemKind kind, long size, Opener opener) {
    this(path, kind, size, opener, null);
  }

  /** Opens the bytes of the item. */
  @FunctionalInterface
  public interface Opener {
    ByteSource open() throws IOException;
  }
}
