package dev.untrack.pipeline.repack;

import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.FileByteSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** New content for one member of a container: a file on disk or a small text in memory. */
record Replacement(Path file, byte[] data) {
  static Replacement file(Path p) {
    return new Replacement(p, null);
  }

  static Replacement bytes(byte[] b) {
    return new Replacement(null, b);
  }

  long size() throws IOException {
    return data != null ? data.length : Files.size(file);
  }

  /** The content; the caller closes it. */
  ByteSource open(String name) throws IOException {
    return data != null ? new ArrayByteSource(data, name) : FileByteSource.open(file);
  }
}
