package dev.untrack.pipeline.repack;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What one repack holds until its output is written: the sources replacements stream from, and the temporary
 * files in the work directory. Closing releases the sources, then deletes the files.
 */
final class Scratch implements Closeable {
  private final Path workDir;
  private final List<Closeable> held = new ArrayList<>();
  private final List<Path> files = new ArrayList<>();

  Scratch(Path workDir) {
    this.workDir = workDir;
  }

  /** A new empty file in the work directory, named after {@code hint}. */
  Path file(String hint) throws IOException {
    Path p = Files.createTempFile(workDir, "repack-" + hint.replaceAll("[^A-Za-z0-9_.-]", "_") + "-", ".tmp");
    p.toFile().deleteOnExit();
    files.add(p);
    return p;
  }

  /** Keeps {@code c} open until this scratch is closed. */
  <T extends Closeable> T hold(T c) {
    held.add(c);
    return c;
  }

  @Override
  public void close() throws IOException {
    try {
      for (Closeable c : held) {
        c.close();
      }
    } finally {
      for (Path p : files) {
        Files.deleteIfExists(p);
      }
    }
  }
}
