package dev.untrack.pipeline.rom;

import dev.untrack.pipeline.repack.RepackOptions;
import dev.untrack.pipeline.repack.RepackRequest;
import dev.untrack.pipeline.repack.Repackers;
import dev.untrack.rom.firmware.Firmware;
import dev.untrack.rom.firmware.FirmwareKind;
import dev.untrack.signing.keys.SigningKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes the output container from the input firmware and the changed partition images (name → full raw
 * image). Implementations write atomically and only what changed.
 */
interface ContainerOutput {
  /** Writes {@code output}; returns what changed in the container, in words. */
  List<String> write(Firmware input, Map<String, Path> changed, Path output, Path workDir) throws IOException;

  /**
   * A raw image is moved into place (no copy); every other container goes through its repacker
   * ({@link Repackers}), which signs payload and OTA zip with {@code otaKey} when one is given.
   */
  static ContainerOutput forKind(FirmwareKind kind, boolean sparse, SigningKey otaKey) {
    if (kind == FirmwareKind.PARTITION_IMAGE && !sparse) {
      return new RawImageOutput();
    }
    return (input, changed, output, workDir) -> Repackers.forKind(kind)
        .repack(new RepackRequest(input, changed, output, new RepackOptions(workDir, otaKey))).notes();
  }
}
