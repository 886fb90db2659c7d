package dev.untrack.pipeline.rom;

import dev.untrack.rom.firmware.Firmware;
import dev.untrack.rom.io.AtomicOutput;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/** A raw partition image in, a raw partition image out: the new image is moved into place, or the input copied. */
final class RawImageOutput implements ContainerOutput {
  @Override
  public List<String> write(Firmware input, Map<String, Path> changed, Path output, Path workDir)
      throws IOException {
    String name = input.partitions().get(0).name();
    for (String other : changed.keySet()) {
      if (!other.equals(name)) {
        throw new RomPatchException("internal: a single-image input cannot carry a changed " + other);
      }
    }
    Path image = changed.get(name);
    if (image == null) {
      try (AtomicOutput out = AtomicOutput.create(output)) {
        Files.copy(input.path(), out.stream());
        out.commit();
      }
      return List.of("copied unchanged");
    }
    try (FileChannel ch = FileChannel.open(image, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    // the work directory is beside the output, so this is a rename on the same filesystem
    try {
      Files.move(image, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(image, output, StandardCopyOption.REPLACE_EXISTING);
    }
    return List.of("raw " + name + " image written");
  }
}
