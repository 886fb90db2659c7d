package dev.untrack.pipeline.repack;

import dev.untrack.cli.ExitCode;
import dev.untrack.cli.UserException;
import dev.untrack.rom.firmware.FirmwareKind;

/** The repacker for each kind of firmware container. */
public final class Repackers {
  private Repackers() {}

  /**
   * Checks every request first and copies the input as it is when nothing changed, so each container's
   * repacker only sees a checked request with at least one partition to replace.
   */
  public static Repacker forKind(FirmwareKind kind) {
    Repacker changed = forChanges(kind);
    return r -> {
      RepackSupport.check(r);
      return r.changedPartitions().isEmpty() ? RepackSupport.copyUnchanged(r) : changed.repack(r);
    };
  }

  private static Repacker forChanges(FirmwareKind kind) {
    return switch (kind) {
      case PARTITION_IMAGE, SPARSE_IMAGE, SUPER_IMAGE -> new ImageRepacker();
      case FASTBOOT_PACKAGE -> new FastbootRepacker();
      case OTA_PAYLOAD -> new PayloadOtaRepacker();
      case OTA_SDAT -> new SdatOtaRepacker();
      default -> throw new UserException(ExitCode.BAD_INPUT,
          "cannot write back a " + kind + ": untrack repacks fastboot packages, OTA zips and partition images");
    };
  }
}
