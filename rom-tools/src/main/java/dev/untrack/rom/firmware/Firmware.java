package dev.untrack.rom.firmware;

import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.tar.FastbootPackage;
import dev.untrack.rom.zip.ZipArchive;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An opened firmware: what kind it is and its partitions as lazy views. Nested containers stay lazy (a fastboot
 * tgz's sparse super's {@code system_a} is read through three layers on demand). Closing releases every file
 * and spooled copy.
 */
public final class Firmware implements Closeable {
  private final Path path;
  private final FirmwareKind kind;
  private final List<Partition> partitions;
  private final ByteSource source;
  private final FastbootPackage fastbootPackage;
  private final ZipArchive zip;
  private final List<Closeable> resources;

  Firmware(Path path, FirmwareKind kind, List<Partition> partitions, ByteSource source, FastbootPackage pkg,
      ZipArchive zip, List<Closeable> resources) {
    this.path = path;
    this.kind = kind;
    this.partitions = List.copyOf(partitions);
    this.source = source;
    this.fastbootPackage = pkg;
    this.zip = zip;
    this.resources = new ArrayList<>(resources);
  }

  public Path path() {
    return path;
  }

  public FirmwareKind kind() {
    return kind;
  }

  /** Top-level partitions in container order, each followed by the logical partitions it holds. */
  public List<Partition> partitions() {
    return partitions;
  }

  /** The first partition with this name (a logical partition's name is unique inside its super). */
  public Optional<Partition> partition(String name) {
    return partitions.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** The input file as bytes (absent for a directory). */
  public Optional<ByteSource> source() {
    return Optional.ofNullable(source);
  }

  /** For {@link FirmwareKind#FASTBOOT_PACKAGE}: the package (scripts, CRC lists, members). */
  public Optional<FastbootPackage> fastbootPackage() {
    return Optional.ofNullable(fastbootPackage);
  }

  /** For zips (OTA, APK, JAR): the archive. */
  public Optional<ZipArchive> zip() {
    return Optional.ofNullable(zip);
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    resources.clear();
    if (first != null) {
      throw first;
    }
  }

  @Override
  public String toString() {
    return path + " (" + kind + ", " + partitions.size() + " partitions)";
  }
}
