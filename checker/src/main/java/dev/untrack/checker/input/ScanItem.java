package dev.untrack.checker.input;

import dev.untrack.rom.io.ByteSource;
import java.io.IOException;

/**
 * One file to scan: where it is (relative path, forward slashes), what it is, and how to open it. Sources that
 * walk firmware images create items whose opener returns a view into the image; the scanner closes what it
 * opens.
 */
public record ScanItem(String path, ItemKind kind, long size, Opener opener) {
  /** Opens the bytes of the item. */
  @FunctionalInterface
  public interface Opener {
    ByteSource open() throws IOException;
  }
}
