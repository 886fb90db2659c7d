package dev.untrack.checker.input;

import dev.untrack.checker.CheckerException;
import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.firmware.Firmware;
import dev.untrack.rom.firmware.FirmwareKind;
import dev.untrack.rom.firmware.FirmwareReader;
import dev.untrack.rom.firmware.Partition;
import dev.untrack.rom.fs.FileSystemImage;
import dev.untrack.rom.fs.FileSystems;
import dev.untrack.rom.fs.FileType;
import dev.untrack.rom.fs.FsEntry;
import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.ByteSource;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A firmware image as a {@link ScanSource}: every file in every ext4/EROFS partition of anything
 * {@link FirmwareReader} opens (fastboot tgz/tar/zip/directory, OTA zip with {@code payload.bin} or
 * {@code *.new.dat[.br]}, sparse or raw super, sparse or raw partition image), read in place through the
 * filesystem views — nothing is extracted. Items are named {@code partition:/path/in/fs}
 * ({@code system_a:/system/priv-app/Browser/Browser.apk}), the names {@code untrack inspect} uses, so a scan of
 * a patched image and of its original match file by file.
 *
 * <p>What becomes an item: every regular file (APK/JAR/dex by magic, hosts and config files by name, the rest
 * only digested when digests are on); every symbolic link, as an item whose bytes are {@code "-> target"} (so a
 * changed link shows up in a baseline comparison); per filesystem, one item {@code partition:(attributes)}
 * listing every entry's owner, mode, SELinux label and other attributes (so a baseline comparison also proves
 * the metadata unchanged); and every partition without a filesystem (boot, vbmeta, ...) as one item named
 * {@code partition:} holding its raw bytes. A super is not an item itself: its logical
 * partitions are. A partition whose filesystem cannot be read becomes one error item ({@code partition:/}) and
 * the scan goes on with the other partitions; an unreadable file becomes an error entry of its own.
 *
 * <p>Use it like this (the firmware stays open until {@link #close}, which the scan needs, since items are read
 * by the scanner's threads after {@link #forEach} has handed them over):
 *
 * <pre>{@code
 * try (FirmwareScanSource out = FirmwareScanSource.open(patchedRom, workDir);
 *     FirmwareScanSource in = FirmwareScanSource.open(originalRom, workDir)) {
 *   Checker checker = new Checker(ScanOptions.defaults().withDigests(true));
 *   ScanReport report = checker.scan(out).comparedWith(checker.scan(in));
 * }
 * }</pre>
 *
 * <p>{@code workDir} is where the firmware reader spools what cannot be read in place (the images of a gzip
 * package, a deflated {@code payload.bin}); the spools are deleted on {@link #close}. APK signatures are
 * verified from a per-app temporary copy made by the scanner (deleted right after), since apksig reads files.
 */
public final class FirmwareScanSource implements ScanSource, Closeable {
  /** The name suffix of a partition's attribute listing item ({@code system_a:(attributes)}). */
  public static final String ATTRIBUTES = "(attributes)";

  private final Path path;
  private final Firmware firmware;
  private final boolean ownsFirmware;
  private final List<FileSystemImage> opened = new ArrayList<>();
  private String singleName;

  private FirmwareScanSource(Path path, Firmware firmware, boolean ownsFirmware) {
    this.path = path;
    this.firmware = firmware;
    this.ownsFirmware = ownsFirmware;
  }

  /**
   * Opens {@code firmware} for scanning, spooling into {@code workDir} only what cannot be read in place.
   *
   * @throws RomFormatException when it is not a firmware the reader supports, or its container is corrupt
   */
  public static FirmwareScanSource open(Path firmware, Path workDir) throws IOException {
    if (!Files.exists(firmware, LinkOption.NOFOLLOW_LINKS)) {
      throw new NoSuchFileException(firmware.toString());
    }
    return new FirmwareScanSource(firmware, FirmwareReader.open(firmware, FirmwareReader.Options.in(workDir)),
        true);
  }

  /**
   * Scans a firmware the caller already holds open; {@link #close} then closes only what this source opened
   * (the filesystem views), not {@code firmware}, which must stay open until the scan is over.
   */
  public static FirmwareScanSource of(Firmware firmware) {
    return new FirmwareScanSource(firmware.path(), firmware, false);
  }

  /** As {@link #open(Path, Path)}, spooling into the JVM's temporary directory. */
  public static FirmwareScanSource open(Path firmware) throws IOException {
    return open(firmware, Path.of(System.getProperty("java.io.tmpdir")));
  }

  /**
   * Whether {@code input} is a firmware image rather than something {@link PathSource} scans: a fastboot
   * package directory (with {@code images/}) or a file that is a container or partition image. An APK, JAR,
   * dex, plain zip or a directory tree is not. Reads only the first bytes (and a zip's central directory).
   */
  public static boolean isFirmware(Path input) throws IOException {
    if (Files.isDirectory(input)) {
      return Files.isDirectory(input.resolve("images"));
    }
    if (!Files.isRegularFile(input)) {
      return false;
    }
    FirmwareKind kind;
    try {
      kind = FirmwareReader.detect(input);
    } catch (RomFormatException e) {
      return false; // not a firmware: a dex, a zip of other things, or garbage, which PathSource judges
    }
    return kind != FirmwareKind.APK && kind != FirmwareKind.JAR;
  }

  /**
   * When this and {@code other} are each one loose partition image ({@code system.img} against
   * {@code system-patched.img}, raw or sparse), names this one's partition as {@code other}'s, so a baseline
   * comparison pairs their files although the file names differ. Otherwise does nothing: inside containers the
   * partition names come from the container and already match. Call before {@link #forEach}.
   */
  public void nameLike(FirmwareScanSource other) {
    if (isSingleImage() && other.isSingleImage()) {
      singleName = other.partitionName(other.firmware.partitions().get(0));
    }
  }

  private boolean isSingleImage() {
    return (firmware.kind() == FirmwareKind.PARTITION_IMAGE || firmware.kind() == FirmwareKind.SPARSE_IMAGE)
        && firmware.partitions().size() == 1;
  }

  private String partitionName(Partition p) {
    return singleName != null ? singleName : p.name();
  }

  /** What the firmware is (fastboot package, OTA, super, ...). */
  public FirmwareKind kind() {
    return firmware.kind();
  }

  @Override
  public List<String> describe() {
    return List.of(path.toString());
  }

  @Override
  public void forEach(Sink sink) throws IOException {
    if (firmware.kind() == FirmwareKind.APK || firmware.kind() == FirmwareKind.JAR) {
      ByteSource src = firmware.source().orElseThrow();
      String name = path.getFileName().toString();
      sink.accept(new ScanItem(name, ItemKind.ARCHIVE, src.size(), () -> view(src), path));
      return;
    }
    for (Partition p : firmware.partitions()) {
      switch (p.type()) {
        case EXT4:
        case EROFS:
          filesystem(p, sink);
          break;
        case SUPER:
        case EMPTY:
          break; // a super is read through its logical partitions; an empty slot has nothing
        default:
          ByteSource raw = p.content();
          sink.accept(new ScanItem(partitionName(p) + ":", ItemKind.OTHER, p.size(), () -> view(raw)));
          break;
      }
    }
  }

  private void filesystem(Partition p, Sink sink) throws IOException {
    FileSystemImage fs;
    try {
      fs = FileSystems.open(view(p.content()));
    } catch (IOException | RuntimeException e) {
      sink.accept(unreadable(p, e));
      return;
    }
    synchronized (opened) {
      opened.add(fs);
    }
    String prefix = partitionName(p) + ":";
    sink.accept(new ScanItem(prefix + ATTRIBUTES, ItemKind.OTHER, 0, () -> attributes(fs, prefix + ATTRIBUTES)));
    try {
      fs.walk(entry -> {
        if (entry.type() == FileType.REGULAR) {
          sink.accept(file(fs, prefix + entry.path(), entry));
        } else if (entry.type() == FileType.SYMLINK) {
          byte[] target = ("-> " + entry.symlinkTarget()).getBytes(StandardCharsets.UTF_8);
          String name = prefix + entry.path();
          sink.accept(new ScanItem(name, ItemKind.OTHER, target.length,
              () -> new ArrayByteSource(target, name)));
        }
        return true;
      });
    } catch (java.io.InterruptedIOException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // a corrupt directory: what was walked is scanned, the rest of this partition is reported as unreadable
      sink.accept(unreadable(p, e));
    }
  }

  /**
   * Every entry's path, type, owner, mode, device number, link target and extended attributes (SELinux label,
   * capabilities), one line each in walk order: digested like a file, so a baseline comparison notices a
   * changed label or mode, and an added or removed directory, link or device node. Sizes, times and inode
   * numbers are left out: a patched app changes all three by design; so are compiled {@code oat/},
   * {@code .odex}, {@code .vdex} and {@code .art} files, which a patched app makes stale (the comparison lists
   * them as removed without calling that unexpected).
   */
  private static ByteSource attributes(FileSystemImage fs, String name) throws IOException {
    StringBuilder sb = new StringBuilder();
    fs.walk(e -> {
      if (isCompiledArtifact(e.path())) {
        return true; // stale ahead-of-time output goes with a patched app; its files are compared one by one
      }
      sb.append(e.path()).append(' ').append(e.type().name().toLowerCase(java.util.Locale.ROOT)).append(' ')
          .append(e.uid()).append(':').append(e.gid()).append(' ').append(Integer.toOctalString(e.mode()));
      if (e.rdev() != 0) {
        sb.append(" dev=").append(e.rdevMajor()).append(',').append(e.rdevMinor());
      }
      if (e.symlinkTarget() != null) {
        sb.append(" -> ").append(e.symlinkTarget());
      }
      for (var x : e.xattrs().entrySet()) {
        sb.append(' ').append(x.getKey()).append('=').append(HexFormat.of().formatHex(x.getValue()));
      }
      sb.append('\n');
      return true;
    });
    return new ArrayByteSource(sb.toString().getBytes(StandardCharsets.UTF_8), name);
  }

  private static boolean isCompiledArtifact(String p) {
    return p.endsWith("/oat") || p.contains("/oat/") || p.endsWith(".odex") || p.endsWith(".vdex")
        || p.endsWith(".art");
  }

  private static ScanItem file(FileSystemImage fs, String name, FsEntry entry) {
    byte[] head = new byte[0];
    if (entry.size() > 0) {
      try {
        ByteSource c = fs.content(entry);
        head = c.readFully(0, (int) Math.min(4, c.size()));
      } catch (IOException | RuntimeException e) {
        // classified by name; opening it again for the scan reports the error against this file
      }
    }
    ItemKind kind = ItemKind.classify(name, head, entry.size());
    return new ScanItem(name, kind, entry.size(), () -> view(fs.content(entry)));
  }

  /** An error item for a partition whose filesystem cannot be read (the scanner reports it as unanalysable). */
  private ScanItem unreadable(Partition p, Exception cause) {
    String name = partitionName(p) + ":/";
    String detail = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return new ScanItem(name, ItemKind.ARCHIVE, p.size(), () -> {
      throw CheckerException.corrupt(p.origin(), p.type().name().toLowerCase(java.util.Locale.ROOT),
          CheckerException.NO_OFFSET, "filesystem unreadable: " + detail);
    });
  }

  /** A view the scanner may close without closing what the firmware owns. */
  private static ByteSource view(ByteSource s) {
    return s.slice(0, s.size(), s.name());
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    synchronized (opened) {
      for (FileSystemImage fs : opened) {
        try {
          fs.close();
        } catch (IOException e) {
          first = first == null ? e : first;
        }
      }
      opened.clear();
    }
    if (ownsFirmware) {
      try {
        firmware.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
