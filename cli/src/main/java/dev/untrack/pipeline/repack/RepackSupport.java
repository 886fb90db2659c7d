package dev.untrack.pipeline.repack;

import dev.untrack.cli.ExitCode;
import dev.untrack.cli.UserException;
import dev.untrack.rom.firmware.Firmware;
import dev.untrack.rom.firmware.Partition;
import dev.untrack.rom.io.AtomicOutput;
import dev.untrack.pipeline.TempTree;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.lp.LpDoesNotFitException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/** Pieces every repacker needs: argument checks, the unchanged copy, temp files, CRCs. */
final class RepackSupport {
  static final String NOTHING_CHANGED = "no partition changed: the output is a byte-identical copy of the input";

  private RepackSupport() {}

  /** Refuses names that are not partitions of the input, and an output that is the input. */
  static void check(RepackRequest r) throws IOException {
    Firmware fw = r.input();
    for (String name : r.changedPartitions().keySet()) {
      if (fw.partition(name).isEmpty()) {
        throw new UserException(ExitCode.BAD_INPUT, fw.path() + ": has no partition '" + name + "' to replace");
      }
      Path img = r.changedPartitions().get(name);
      if (!Files.isRegularFile(img)) {
        throw new UserException(ExitCode.BAD_INPUT, img + ": new image for '" + name + "' is not a file");
      }
    }
    Path in = fw.path().toAbsolutePath().normalize();
    Path out = r.output().toAbsolutePath().normalize();
    if (in.equals(out) || (Files.exists(out) && Files.isSameFile(in, out))) {
      throw new UserException(ExitCode.USAGE, out + ": the output must not be the input (the input is never modified)");
    }
    Files.createDirectories(r.options().workDir());
  }

  /** The partitions of {@code fw} named in {@code changed}, in the firmware's order. */
  static List<Partition> changed(Firmware fw, Map<String, Path> changed) {
    List<Partition> out = new ArrayList<>();
    for (Partition p : fw.partitions()) {
      if (changed.containsKey(p.name())) {
        out.add(p);
      }
    }
    return out;
  }

  /** Copies the input as it is: a file atomically, a directory into a temporary sibling then moved. */
  static RepackResult copyUnchanged(RepackRequest r) throws IOException {
    Path in = r.input().path();
    if (Files.isDirectory(in)) {
      writeDirectory(r.output(), temp -> copyTree(in, temp));
    } else {
      try (AtomicOutput out = AtomicOutput.create(r.output())) {
        Files.copy(in, out.stream());
        out.commit();
      }
    }
    return new RepackResult(List.of(NOTHING_CHANGED));
  }

  interface DirectoryBody {
    void write(Path tempDir) throws IOException;
  }

  /** Builds a directory beside {@code target} and moves it into place; nothing is left behind on failure. */
  static void writeDirectory(Path target, DirectoryBody body) throws IOException {
    Path abs = target.toAbsolutePath();
    if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
      throw new UserException(ExitCode.USAGE, abs + ": already exists; a package directory is never overwritten");
    }
    Path temp = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + ".");
    boolean ok = false;
    try {
      body.write(temp);
      Files.move(temp, abs, StandardCopyOption.ATOMIC_MOVE);
      ok = true;
    } finally {
      if (!ok) {
        TempTree.delete(temp);
      }
    }
  }

  static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Files.createDirectories(to.resolve(from.relativize(dir).toString()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (attrs.isRegularFile()) {
          Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  static void copy(ByteSource src, OutputStream out) throws IOException {
    try (InputStream in = src.openStream()) {
      in.transferTo(out);
    }
  }

  static long crc32(ByteSource src) throws IOException {
    CRC32 crc = new CRC32();
    byte[] buf = new byte[1 << 20];
    try (InputStream in = src.openStream()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        crc.update(buf, 0, n);
      }
    }
    return crc.getValue();
  }

  /** "product grew 4096 bytes" / "product shrank 8192 bytes" / "product replaced (same size, 1048576 bytes)". */
  static String sizeChange(String name, long oldSize, long newSize) {
    if (newSize > oldSize) {
      return name + " grew " + (newSize - oldSize) + " bytes (" + oldSize + " -> " + newSize + ")";
    }
    if (newSize < oldSize) {
      return name + " shrank " + (oldSize - newSize) + " bytes (" + oldSize + " -> " + newSize + ")";
    }
    return name + " replaced (same size, " + newSize + " bytes)";
  }

  static UserException doesNotFit(LpDoesNotFitException e) {
    long missing = e.shortfalls().stream().mapToLong(LpDoesNotFitException.Shortfall::missing).max().orElse(0);
    return new UserException(ExitCode.PATCH_FAILED, e.getMessage() + " — " + missing
        + " bytes missing; make the changed images smaller (nothing was written)", e);
  }
}
