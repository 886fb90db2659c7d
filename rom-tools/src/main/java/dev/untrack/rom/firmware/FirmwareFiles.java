package dev.untrack.rom.firmware;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.fs.FileSystemImage;
import dev.untrack.rom.fs.FileSystems;
import dev.untrack.rom.fs.FsEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The filesystems of a firmware's partitions, opened once and kept open, and the apps and framework jars in
 * them. Partitions without a filesystem (boot, vbmeta, an empty {@code _b} slot, super itself) are skipped.
 */
public final class FirmwareFiles implements AutoCloseable {
  private final Map<String, FileSystemImage> filesystems = new LinkedHashMap<>();
  private final Map<String, Partition> partitions = new LinkedHashMap<>();

  private FirmwareFiles() {}

  /** Opens the filesystem of every ext4/EROFS partition of {@code firmware}. */
  public static FirmwareFiles open(Firmware firmware) throws IOException {
    FirmwareFiles files = new FirmwareFiles();
    try {
      for (Partition p : firmware.partitions()) {
        if (p.type() != ImageType.EXT4 && p.type() != ImageType.EROFS) {
          continue;
        }
        try {
          files.filesystems.put(p.name(), FileSystems.open(p.content()));
          files.partitions.put(p.name(), p);
        } catch (RomFormatException e) {
          throw e.within(p.origin());
        }
      }
      return files;
    } catch (IOException | RuntimeException e) {
      files.close();
      throw e;
    }
  }

  /** Partition name → its open filesystem, in firmware order. */
  public Map<String, FileSystemImage> filesystems() {
    return filesystems;
  }

  public Partition partition(String name) {
    return partitions.get(name);
  }

  /**
   * Every {@code *.apk} anywhere, and every {@code *.jar} inside a {@code framework} directory (where the shared
   * analytics SDK jars live), in partition then path order.
   */
  public List<AppFile> apps() throws IOException {
    List<AppFile> out = new ArrayList<>();
    for (Map.Entry<String, FileSystemImage> e : filesystems.entrySet()) {
      FileSystemImage fs = e.getValue();
      try {
        fs.walk(entry -> {
          if (entry.isRegular() && entry.size() > 0 && isApp(entry)) {
            out.add(new AppFile(e.getKey(), entry.path(), entry, fs.content(entry)));
          }
          return true;
        });
      } catch (RomFormatException ex) {
        throw ex.within(partitions.get(e.getKey()).origin());
      }
    }
    return out;
  }

  private static boolean isApp(FsEntry entry) {
    String p = entry.path();
    return p.endsWith(".apk") || (p.endsWith(".jar") && p.contains("/framework/"));
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (FileSystemImage fs : filesystems.values()) {
      try {
        fs.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    filesystems.clear();
    if (first != null) {
      throw first;
    }
  }
}
