package dev.untrack.checker.input;

import java.io.IOException;
import java.util.List;

/**
 * A stream of files to scan. A directory tree, a single APK or dex, and (from the pipeline) a firmware image's
 * filesystems all feed the scanner through this interface, so the scanning core does not care where the bytes
 * come from.
 */
public interface ScanSource {
  /** What this source reads, for the report header. */
  List<String> describe();

  /**
   * Hands every item to {@code sink}, in a deterministic order. The sink may block (the scanner bounds the
   * number of items in flight), and the source must not close what an item's opener returns.
   */
  void forEach(Sink sink) throws IOException;

  /** Receives items. */
  @FunctionalInterface
  interface Sink {
    void accept(ScanItem item) throws IOException;
  }
}
