package dev.untrack.rom.fs;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.erofs.ErofsEditor;
import dev.untrack.rom.erofs.ErofsImage;
import dev.untrack.rom.ext4.Ext4Editor;
import dev.untrack.rom.ext4.Ext4Image;
import dev.untrack.rom.io.AtomicOutput;
import dev.untrack.rom.io.ByteSource;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Surgical edits of ext4 and EROFS images: the output is the input copied as it is, with the few metadata blocks
 * an edit involves rewritten and new content appended (EROFS) or written into free blocks (ext4). Every file the
 * edits do not name keeps its bytes, its inode and all its attributes.
 *
 * <pre>{@code
 * try (ByteSource in = FileByteSource.open(systemImg)) {
 *   EditResult r = FileSystemEditor.apply(in, edits, outPath, Limits.maxSize(partitionBytes));
 * }
 * }</pre>
 *
 * <p>Everything is decided before the first byte is written: a refused edit, or a result larger than
 * {@link Limits#maxSize()}, throws {@link FsEditException} and writes nothing. Memory holds only the changed
 * metadata; file content is streamed from the caller's sources while writing.
 */
public final class FileSystemEditor {
  private FileSystemEditor() {}

  /**
   * What the caller allows the image to become.
   *
   * @param maxSize the largest acceptable output in bytes (a partition's size, or the room left in the super
   *     group); {@link Long#MAX_VALUE} for no limit
   */
  public record Limits(long maxSize) {
    public Limits {
      if (maxSize <= 0) {
        throw new IllegalArgumentException("maxSize must be positive: " + maxSize);
      }
    }

    public static Limits none() {
      return new Limits(Long.MAX_VALUE);
    }

    public static Limits maxSize(long bytes) {
      return new Limits(bytes);
    }
  }

  /** Works out the edit; throws before anything is written when it is refused or does not fit. */
  public static EditPlan plan(ByteSource image, FileSystemEdits edits, Limits limits) throws IOException {
    String format = FileSystems.detect(image);
    EditPlan plan;
    if ("erofs".equals(format)) {
      plan = ErofsEditor.plan(ErofsImage.open(image), edits);
    } else if ("ext4".equals(format)) {
      plan = Ext4Editor.plan(Ext4Image.open(image), edits, limits);
    } else {
      throw RomFormatException.unsupported(image.name(), "filesystem", 1024,
          "neither an ext4 nor an EROFS image (no superblock magic at offset 1024)");
    }
    checkFits(image.name(), plan.size(), limits);
    return plan;
  }

  static void checkFits(String name, long size, Limits limits) throws FsEditException {
    if (size > limits.maxSize()) {
      long missing = size - limits.maxSize();
      throw new FsEditException(name, "", FsEditException.Reason.OVER_SIZE_LIMIT,
          "the edited image needs " + size + " bytes, " + missing + " more than the " + limits.maxSize()
              + " bytes available", missing);
    }
  }

  /** Plans, checks the limit, then streams the edited image to {@code out}. */
  public static EditResult apply(ByteSource image, FileSystemEdits edits, OutputStream out, Limits limits)
      throws IOException {
    EditPlan plan = plan(image, edits, limits);
    plan.writeTo(out);
    out.flush();
    return plan.result();
  }

  /** Plans, checks the limit, then writes the edited image at the channel's position, buffered. */
  public static EditResult apply(ByteSource image, FileSystemEdits edits, FileChannel out, Limits limits)
      throws IOException {
    EditPlan plan = plan(image, edits, limits);
    OutputStream stream = new BufferedOutputStream(Channels.newOutputStream(out), 1 << 20);
    plan.writeTo(stream);
    stream.flush();
    return plan.result();
  }

  /** Plans, checks the limit, then writes {@code target} atomically (nothing is left behind on failure). */
  public static EditResult apply(ByteSource image, FileSystemEdits edits, Path target, Limits limits)
      throws IOException {
    EditPlan plan = plan(image, edits, limits);
    try (AtomicOutput out = AtomicOutput.create(target)) {
      plan.writeTo(out.stream());
      out.commit();
    }
    return plan.result();
  }
}
