package dev.untrack.pipeline;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.firmware.Firmware;
import dev.untrack.rom.firmware.FirmwareReader;
import dev.untrack.rom.firmware.ImageType;
import dev.untrack.rom.firmware.Partition;
import dev.untrack.rom.fs.FileSystemImage;
import dev.untrack.rom.fs.FileSystems;
import dev.untrack.rom.fs.FsEntry;
import dev.untrack.rom.fs.SafeNames;
import dev.untrack.rom.io.ByteSource;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes a firmware's partitions out as images and/or file trees, with a metadata manifest per partition that
 * keeps what a host filesystem may lose (owner, mode, SELinux label, capabilities, symlinks, device numbers).
 * Everything is written into a temporary directory beside the target and renamed into place at the end: on any
 * error nothing is left behind. Names that would escape the tree are refused; links pointing outside it are
 * recorded in the manifest but not created.
 */
public final class Unpacker {
  /**
   * @param partitions partition names to unpack (empty: all)
   * @param images write raw partition images ({@code images/NAME.img})
   * @param files write file trees of ext4/EROFS partitions ({@code NAME/...} + {@code NAME.files.jsonl})
   * @param maxEntries refuse a filesystem with more entries than this
   * @param maxBytes refuse to write more than this many bytes in all
   */
  public record Options(Set<String> partitions, boolean images, boolean files, long maxEntries, long maxBytes,
      Path workDir) {}

  /** What was written. */
  public record Result(String directory, List<String> partitions, long files, long bytes, List<String> notes) {}

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private final Options options;
  private long bytes;
  private long files;
  private final List<String> notes = new ArrayList<>();

  public Unpacker(Options options) {
    this.options = options;
  }

  public Result unpack(Path input, Path target, Progress progress) throws IOException {
    if (Files.exists(target) && !(Files.isDirectory(target) && isEmpty(target))) {
      throw new FileAlreadyExistsException(target.toString(), null, "output exists and is not an empty directory");
    }
    Path parent = target.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".");
    try (Firmware fw = FirmwareReader.open(input, FirmwareReader.Options.in(options.workDir()))) {
      List<String> done = new ArrayList<>();
      List<Map<String, Object>> table = new ArrayList<>();
      for (Partition p : fw.partitions()) {
        if (!options.partitions().isEmpty() && !options.partitions().contains(p.name())) {
          continue;
        }
        if (!SafeNames.isSafeComponent(p.name())) {
          throw RomFormatException.corrupt(p.origin(), "firmware", RomFormatException.NO_OFFSET,
              "partition name '" + p.name() + "' is not a safe file name");
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", p.name());
        row.put("size", p.size());
        row.put("type", p.type().name());
        row.put("origin", p.origin());
        row.put("parent", p.parent());
        table.add(row);
        if (options.images() && p.type() != ImageType.SUPER) {
          Files.createDirectories(tmp.resolve("images"));
          progress.begin("image " + p.name(), p.size());
          copy(p.content(), tmp.resolve("images").resolve(p.name() + ".img"), progress);
          progress.end();
        }
        if (options.files() && (p.type() == ImageType.EXT4 || p.type() == ImageType.EROFS)) {
          try (FileSystemImage fs = FileSystems.open(p.content())) {
            tree(fs, p, tmp, progress);
          } catch (RomFormatException e) {
            throw e.within(p.origin());
          }
        }
        done.add(p.name());
      }
      if (!options.partitions().isEmpty()) {
        for (String want : options.partitions()) {
          if (!done.contains(want)) {
            throw RomFormatException.unsupported(input.toString(), "firmware", RomFormatException.NO_OFFSET,
                "no partition named '" + want + "' (see: untrack inspect " + input + ")");
          }
        }
      }
      Files.writeString(tmp.resolve("partitions.json"), GSON.toJson(table) + "\n", StandardCharsets.UTF_8);
      if (Files.exists(target)) {
        Files.delete(target);
      }
      Files.move(tmp, target);
      return new Result(target.toString(), done, files, bytes, List.copyOf(notes));
    } catch (IOException | RuntimeException e) {
      deleteTree(tmp);
      throw e;
    }
  }

  private void tree(FileSystemImage fs, Partition p, Path root, Progress progress) throws IOException {
    Path base = root.resolve(p.name());
    Files.createDirectories(base);
    progress.begin("files of " + p.name(), -1);
    long[] entries = {0};
    try (BufferedWriter meta = Files.newBufferedWriter(root.resolve(p.name() + ".files.jsonl"), StandardCharsets.UTF_8)) {
      fs.walk(e -> {
        if (++entries[0] > options.maxEntries()) {
          throw RomFormatException.unsupported(p.origin(), fs.format(), RomFormatException.NO_OFFSET,
              "more than " + options.maxEntries() + " entries (raise --max-entries if this is real)");
        }
        if (!SafeNames.isSafePath(e.path())) {
          throw RomFormatException.corrupt(p.origin(), fs.format(), RomFormatException.NO_OFFSET,
              "unsafe path '" + e.path() + "' (inode " + e.inode() + ")");
        }
        meta.write(GSON.toJson(metadata(e)));
        meta.write('\n');
        Path out = e.path().equals("/") ? base : base.resolve(e.path().substring(1));
        switch (e.type()) {
          case DIRECTORY -> Files.createDirectories(out);
          case REGULAR -> {
            writeFile(fs.content(e), out);
            Files.setLastModifiedTime(out, FileTime.fromMillis(e.mtime() * 1000));
            files++;
            progress.advance(1);
          }
          case SYMLINK -> {
            // An absolute target means a path on the device; on this host it would point at the host's own
            // files, so only relative links that stay inside the tree are created.
            if (!e.symlinkTarget().startsWith("/") && SafeNames.symlinkStaysInside(e.path(), e.symlinkTarget())) {
              try {
                Files.createSymbolicLink(out, Path.of(e.symlinkTarget()));
              } catch (UnsupportedOperationException | IOException ex) {
                note(p.name() + ":" + e.path() + ": symlink not created on this host (kept in the manifest)");
              }
            } else {
              note(p.name() + ":" + e.path() + " -> " + e.symlinkTarget()
                  + ": points outside the tree, not created (kept in the manifest)");
            }
          }
          default -> { } // device nodes, fifos, sockets: manifest only
        }
        return true;
      });
    }
    progress.end();
  }

  private void note(String s) {
    if (notes.size() < 1000) {
      notes.add(s);
    }
  }

  private static Map<String, Object> metadata(FsEntry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", e.path());
    m.put("type", e.type().name().toLowerCase());
    m.put("size", e.size());
    m.put("uid", e.uid());
    m.put("gid", e.gid());
    m.put("mode", String.format("%04o", e.mode()));
    m.put("mtime", e.mtime());
    m.put("inode", e.inode());
    if (e.links() > 1 && !e.isDirectory()) {
      m.put("links", e.links());
    }
    if (e.selinuxLabel() != null) {
      m.put("selinux", e.selinuxLabel());
    }
    if (e.capabilities() != null) {
      m.put("capabilities", HexFormat.of().formatHex(e.capabilities()));
    }
    if (e.symlinkTarget() != null) {
      m.put("symlink", e.symlinkTarget());
    }
    if (e.rdev() != 0) {
      m.put("rdev", e.rdev());
    }
    Map<String, String> x = new LinkedHashMap<>();
    e.xattrs().forEach((k, v) -> x.put(k, Base64.getEncoder().encodeToString(v)));
    if (!x.isEmpty()) {
      m.put("xattrs", x);
    }
    return m;
  }

  private void writeFile(ByteSource src, Path out) throws IOException {
    if (bytes + src.size() > options.maxBytes()) {
      throw new IOException("unpack would write more than " + options.maxBytes() + " bytes (--max-bytes)");
    }
    copy(src, out, Progress.NONE);
  }

  private void copy(ByteSource src, Path out, Progress progress) throws IOException {
    byte[] buf = new byte[1 << 20];
    try (InputStream in = src.openStream(); OutputStream o = Files.newOutputStream(out)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        o.write(buf, 0, n);
        bytes += n;
        progress.advance(n);
      }
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort: a temp tree
        }
      });
    } catch (IOException ignored) {
      // best effort: a temp tree
    }
  }
}
