package dev.untrack.pipeline.rom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.firmware.Firmware;
import dev.untrack.rom.firmware.FirmwareKind;
import dev.untrack.rom.firmware.FirmwareReader;
import dev.untrack.rom.fs.FileSystemImage;
import dev.untrack.rom.fs.FileSystems;
import dev.untrack.rom.fs.FsEntry;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.testkit.CliRun;
import dev.untrack.testkit.OracleImages;
import dev.untrack.testkit.TelemetryFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

  /**
   * Patches the OTA zip {@code in} through the command line and checks the output: system patched, fsck-clean and
   * without the telemetry oat/, the checker's counts, vendor carried over as {@code vendorImage}, the input
   * untouched, and a second run writing the same bytes.
   */
  static void assertPatchesExt4System(Path dir, Path in, FirmwareKind kind, byte[] vendorImage) throws Exception {
    byte[] before = Files.readAllBytes(in);
    Path out = dir.resolve("out.zip");
    CliRun r = CliRun.untrack("patch", in.toString(), "-o", out.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("patched system:" + TELEMETRY_APK), r.out());
    assertTrue(r.out().contains("checker: live call sites: 0 (input: 2)"), r.out());
    assertFalse(r.out().contains("unexpected"), r.out());
    assertArrayEquals(before, Files.readAllBytes(in));
    Path work = Files.createDirectories(dir.resolve("verify"));
    try (Firmware fw = FirmwareReader.open(out, FirmwareReader.Options.in(work))) {
      assertEquals(kind, fw.kind());
      var vendor = fw.partition("vendor").orElseThrow().content();
      assertArrayEquals(vendorImage, vendor.readFully(0, (int) vendor.size()));
      var system = fw.partition("system").orElseThrow().content();
      Path img = Files.write(dir.resolve("system-out.img"), system.readFully(0, (int) system.size()));
      OracleImages.e2fsck(img);
      assertTrue(read(img, TELEMETRY_OAT).isEmpty());
    }
    Path again = dir.resolve("again.zip");
    assertEquals(0, CliRun.untrack("patch", in.toString(), "-o", again.toString()).code());
    assertArrayEquals(Files.readAllBytes(out), Files.readAllBytes(again), "deterministic");
  }
}
