package dev.untrack.pipeline.repack;

import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.sparse.SparsePlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * New content for one member of a container: a file on disk, a small text in memory, or a sparse image planned
 * in advance ({@code plan} over the lazy raw {@code image}) that is written straight into the container.
 */
record Replacement(Path file, byte[] data, SparsePlan plan, ByteSource image) {
  static Replacement file(Path p) {
    return new Replacement(p, null, null, null);
  }

  static Replacement bytes(byte[] b) {
    return new Replacement(null, b, null, null);
  }

  /** Sparse data streamed from {@code image}, which must stay open until the container is written. */
  static Replacement sparse(SparsePlan plan, ByteSource image) {
    return new Replacement(null, null, plan, image);
  }

  long size() throws IOException {
    return plan != null ? plan.bytes() : data != null ? data.length : Files.size(file);
  }

  /** The content; the caller closes it. Not for a planned sparse image, which is only streamed. */
  ByteSource open(String name) throws IOException {
    if (plan != null) {
      throw new IllegalStateException(name + ": a planned sparse image is written with its plan, not opened");
    }
    return data != null ? new ArrayByteSource(data, name) : FileByteSource.open(file);
  }
}
