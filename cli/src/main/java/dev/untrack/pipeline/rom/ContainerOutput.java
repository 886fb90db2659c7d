package dev.untrack.pipeline.rom;

import dev.untrack.rom.firmware.Firmware;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes the output container from the input firmware and the changed partition images (name → full raw
 * image). Implementations write atomically and only what changed; {@link #forKind} picks one.
 */
interface ContainerOutput {
  /** Writes {@code output}; returns what changed in the container, in words. */
  List<String> write(Firmware input, Map<String, Path> changed, Path output) throws IOException;

  /** The writer for a firmware kind, or null when this build cannot write it yet. */
  static ContainerOutput forKind(dev.untrack.rom.firmware.FirmwareKind kind) {
    return kind == dev.untrack.rom.firmware.FirmwareKind.PARTITION_IMAGE ? new RawImageOutput() : null;
  }
}
