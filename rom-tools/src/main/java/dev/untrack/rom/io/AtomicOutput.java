package dev.untrack.rom.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Output that appears all at once or not at all: written to a temporary file beside the target, forced to
 * disk, then moved into place. Until {@link #commit()} the target is untouched; {@link #close()} without
 * commit deletes the temporary file, so a failure (full disk, bad input found halfway) leaves nothing behind.
 *
 * <pre>{@code
 * try (AtomicOutput out = AtomicOutput.create(target)) {
 *   write(out.stream());
 *   out.commit();
 * }
 * }</pre>
 */
public final class AtomicOutput implements AutoCloseable {
  private final Path target;
  private final Path temp;
  private final FileChannel channel;
  private final OutputStream stream;
  private boolean committed;

  private AtomicOutput(Path target, Path temp, FileChannel channel) {
    this.target = target;
    this.temp = temp;
    this.channel = channel;
    this.stream = new java.io.BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
  }

  public static AtomicOutput create(Path target) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir != null && !Files.isDirectory(dir)) {
      throw new java.nio.file.NoSuchFileException(dir.toString(), null, "output directory does not exist");
    }
    Path temp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".untrack-tmp");
    // an interrupted run (Ctrl-C, SIGTERM) leaves no half-written file either; after commit() it is gone anyway
    temp.toFile().deleteOnExit();
    try {
      FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
      return new AtomicOutput(abs, temp, ch);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  /** The temporary file (for writers that need random access or a path). */
  public Path tempPath() {
    return temp;
  }

  public FileChannel channel() {
    return channel;
  }

  public OutputStream stream() {
    return stream;
  }

  public Path target() {
    return target;
  }

  /** Flushes, syncs and moves the file into place. */
  public void commit() throws IOException {
    stream.flush();
    channel.force(true);
    channel.close();
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    committed = true;
  }

  @Override
  public void close() throws IOException {
    if (!committed) {
      try {
        channel.close();
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }
}
