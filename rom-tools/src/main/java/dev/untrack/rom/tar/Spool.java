package dev.untrack.rom.tar;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.FileByteSource;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Temporary copies of members that can only be read sequentially (a member of a gzip-compressed tar, a deflated
 * zip entry), written once into a caller-given work directory so they can be read at random. Each copy is
 * unlinked as soon as it is open where the OS allows it (Linux, macOS), so nothing is left behind even if the
 * process dies; elsewhere it is deleted on {@link #close()}. The total is capped.
 */
public final class Spool implements Closeable {
  private final Path workDir;
  private final long maxBytes;
  private final List<SpooledFile> files = new ArrayList<>();
  private long used;

  public Spool(Path workDir, long maxBytes) {
    this.workDir = workDir;
    this.maxBytes = maxBytes;
  }

  public Path workDir() {
    return workDir;
  }

  /** Bytes spooled so far. */
  public synchronized long used() {
    return used;
  }

  /**
   * Copies exactly {@code size} bytes of {@code in} into a temporary file and returns it as a random-access
   * source named {@code name}.
   */
  public synchronized ByteSource spool(InputStream in, long size, String name) throws IOException {
    if (size > maxBytes - used) {
      throw RomFormatException.unsupported(name, "spool", RomFormatException.NO_OFFSET,
          "spooling " + size + " more bytes would exceed the " + maxBytes + "-byte spool limit");
    }
    Path temp;
    FileChannel ch = null;
    try {
      Files.createDirectories(workDir);
      FileStore store = Files.getFileStore(workDir);
      long free = store.getUsableSpace();
      if (free < size) {
        throw new IOException(free + " bytes free, " + size + " needed");
      }
      temp = Files.createTempFile(workDir, "untrack-spool-", ".tmp");
    } catch (IOException e) {
      throw new SpoolWriteException(workDir + ": cannot spool " + name + ": " + e.getMessage(), e);
    }
    boolean ok = false;
    try {
      try {
        ch = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE);
      } catch (IOException e) {
        throw new SpoolWriteException(temp + ": " + e.getMessage(), e);
      }
      byte[] buf = new byte[1 << 20];
      long done = 0;
      while (done < size) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, size - done));
        if (n < 0) {
          throw RomFormatException.corrupt(name, "spool", done, "ended after " + done + " of " + size + " bytes");
        }
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
        try {
          while (bb.hasRemaining()) {
            ch.write(bb);
          }
        } catch (IOException e) {
          throw new SpoolWriteException(workDir + ": writing the copy of " + name + " failed: " + e.getMessage(), e);
        }
        done += n;
      }
      boolean unlinked;
      try {
        Files.delete(temp);
        unlinked = true;
      } catch (IOException e) {
        unlinked = false; // Windows: an open file cannot be deleted; close() does it
      }
      SpooledFile f = new SpooledFile(ch, size, name, unlinked ? null : temp);
      files.add(f);
      used += size;
      ok = true;
      return f;
    } finally {
      if (!ok) {
        if (ch != null) {
          ch.close();
        }
        Files.deleteIfExists(temp);
      }
    }
  }

  @Override
  public synchronized void close() throws IOException {
    IOException first = null;
    for (SpooledFile f : files) {
      try {
        f.release();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    files.clear();
    if (first != null) {
      throw first;
    }
  }

  private static final class SpooledFile implements ByteSource {
    private final FileChannel channel;
    private final long size;
    private final String name;
    private final Path pathToDelete;

    SpooledFile(FileChannel channel, long size, String name, Path pathToDelete) {
      this.channel = channel;
      this.size = size;
      this.name = name;
      this.pathToDelete = pathToDelete;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int read(long position, ByteBuffer dst) throws IOException {
      return FileByteSource.read(channel, size, position, dst);
    }

    /** Closing a view is a no-op: the spool owns the file. */
    @Override
    public void close() {}

    void release() throws IOException {
      try {
        channel.close();
      } finally {
        if (pathToDelete != null) {
          Files.deleteIfExists(pathToDelete);
        }
      }
    }
  }
}
