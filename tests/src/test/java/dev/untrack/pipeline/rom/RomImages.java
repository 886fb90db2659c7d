package dev.untrack.pipeline.rom;

import dev.untrack.rom.fs.FileSystemImage;
import dev.untrack.rom.fs.FileSystems;
import dev.untrack.rom.fs.FsEntry;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.testkit.OracleImages;
import dev.untrack.testkit.TelemetryFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Synthetic system partitions for the ROM pipeline tests: a telemetry app, an untouched app, oat/, hosts. */
final class RomImages {
  static final String TELEMETRY_APK = "/system/app/Joyose/Joyose.apk";
  static final String TELEMETRY_OAT = "/system/app/Joyose/oat";
  static final String KEEP_APK = "/system/priv-app/Updater/Updater.apk";
  static final String HOSTS = "/system/etc/hosts";

  private RomImages() {}

  static Map<String, byte[]> files() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(TELEMETRY_APK.substring(1), TelemetryFixtures.oneTrackApp().bytes());
    files.put(TELEMETRY_OAT.substring(1) + "/arm64/Joyose.odex", new byte[8192]);
    files.put(TELEMETRY_OAT.substring(1) + "/arm64/Joyose.vdex", new byte[4096]);
    files.put(KEEP_APK.substring(1), TelemetryFixtures.updater().bytes());
    files.put(HOSTS.substring(1), "127.0.0.1       localhost\n::1             ip6-localhost\n"
        .getBytes(StandardCharsets.US_ASCII));
    files.put("system/build.prop", "ro.build.id=TEST\n".getBytes(StandardCharsets.US_ASCII));
    return files;
  }

  static Path erofs(Path dir) throws IOException {
    return erofs(dir, files());
  }

  static Path erofs(Path dir, Map<String, byte[]> files) throws IOException {
    Path tree = OracleImages.tree(dir.resolve("tree-erofs"), files);
    return OracleImages.erofs(dir.resolve("system.img"), tree);
  }

  static Path ext4(Path dir) throws IOException {
    Path tree = OracleImages.tree(dir.resolve("tree-ext4"), files());
    return OracleImages.ext4(dir.resolve("system.img"), tree, 16L << 20, "system");
  }

  /** Reads one entry and its content from an image. */
  record Read(FsEntry entry, byte[] content) {}

  static Optional<Read> read(Path image, String path) throws IOException {
    try (ByteSource src = FileByteSource.open(image); FileSystemImage fs = FileSystems.open(src)) {
      Optional<FsEntry> e = fs.lookup(path);
      if (e.isEmpty()) {
        return Optional.empty();
      }
      byte[] content = null;
      if (e.get().isRegular()) {
        try (ByteSource c = fs.content(e.get())) {
          content = c.readFully(0, (int) c.size());
        }
      }
      return Optional.of(new Read(e.get(), content));
    }
  }
}
