package dev.untrack.rom.firmware;

import dev.untrack.rom.fs.FsEntry;
import dev.untrack.rom.io.ByteSource;

/**
 * An APK or JAR inside a firmware: which partition, where in that partition's filesystem, its attributes, and
 * its bytes (valid while the {@link FirmwareFiles} it came from is open).
 *
 * @param partition the partition name ("system", "product_a")
 * @param path the absolute path inside that partition's filesystem ("/system/priv-app/Browser/Browser.apk")
 */
public record AppFile(String partition, String path, FsEntry entry, ByteSource content) {
  /** {@code partition:path}, the way untrack names a file in a firmware everywhere. */
  public String location() {
    return partition + ":" + path;
  }

  public boolean isJar() {
    return path.endsWith(".jar");
  }

  /** Installed into /data like a user app (full signature verification there): {@code …/data-app/…}. */
  public boolean isDataApp() {
    return path.contains("/data-app/");
  }
}
