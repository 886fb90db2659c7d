package dev.untrack.pipeline.repack;

import dev.untrack.cli.ExitCode;
import dev.untrack.cli.UserException;
import dev.untrack.rom.firmware.FirmwareKind;

/** The repacker for each kind of firmware container. */
public final class Repackers {
  private Repackers() {}

  public static Repacker forKind(FirmwareKind kind) {
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
