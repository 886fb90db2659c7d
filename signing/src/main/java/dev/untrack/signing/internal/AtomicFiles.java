package dev.untrack.signing.internal;

import dev.untrack.signing.SigningException;
import dev.untrack.signing.SigningException.Kind;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Output that appears all at once or not at all: written to a temporary file beside the target, forced to disk,
 * then moved into place. The signing module depends on no other untrack module, so this is its own small copy of
 * the rule the rest of the project follows with {@code AtomicOutput}. Without {@code overwrite} an existing target
 * is never replaced, not even by a race: the final step is a hard link, which fails if the name exists.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes the file behind {@code target}'s back. */
  @FunctionalInterface
  public interface Writer {
    void write(Path temp) throws IOException;
  }

  public static void write(Path target, byte[] content, boolean overwrite, boolean secret) throws SigningException {
    write(target, overwrite, secret, temp -> Files.write(temp, content));
  }

  /**
   * Lets {@code writer} fill a temporary file beside {@code target}, then moves it into place. {@code secret}
   * makes the file readable by its owner only (where the file system has POSIX permissions).
   */
  public static void write(Path target, boolean overwrite, boolean secret, Writer writer) throws SigningException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw SigningException.of(Kind.IO, target, "output directory does not exist");
    }
    if (!overwrite && Files.exists(abs, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw SigningException.of(Kind.OUTPUT_EXISTS, target, "already exists (use --force to overwrite)");
    }
    Path temp = null;
    try {
      temp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".untrack-tmp");
      if (secret) {
        restrict(temp);
      }
      writer.write(temp);
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      if (overwrite) {
        try {
          Files.move(temp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, abs, StandardCopyOption.REPLACE_EXISTING);
        }
      } else {
        boolean linked = false;
        try {
          Files.createLink(abs, temp);
          linked = true;
        } catch (FileAlreadyExistsException e) {
          throw e;
        } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
          // no hard links here (some FUSE and network file systems): a plain move still refuses to replace
          Files.move(temp, abs);
        }
        if (linked) {
          Files.delete(temp);
        }
      }
      temp = null;
    } catch (FileAlreadyExistsException e) {
      throw SigningException.of(Kind.OUTPUT_EXISTS, target, "already exists (use --force to overwrite)", e);
    } catch (SigningException e) {
      throw e;
    } catch (IOException e) {
      throw SigningException.of(Kind.IO, target, "cannot write: " + e.getMessage(), e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // the original failure is what matters
        }
      }
    }
  }

  private static void restrict(Path p) throws IOException {
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: nothing portable to do
    }
  }
}
