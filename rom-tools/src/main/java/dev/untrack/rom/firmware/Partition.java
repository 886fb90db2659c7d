package dev.untrack.rom.firmware;

import dev.untrack.rom.io.ByteSource;

/**
 * One partition of a firmware: its bytes as a lazy random-access view (already expanded when the image is
 * sparse) and where it came from.
 *
 * @param name the partition name ("super", "system_a", "boot")
 * @param origin the path to it through its containers, e.g. {@code "images/super.img (sparse) > system_a"}
 * @param parent the partition this one lives in ("super" for a logical partition), or "" for a top-level one
 */
public record Partition(String name, long size, ByteSource content, String origin, ImageType type, String parent) {
  public boolean isLogical() {
    return !parent.isEmpty();
  }
}
