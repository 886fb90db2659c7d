package dev.untrack.pipeline.rom;

import dev.untrack.checker.input.ItemKind;
import dev.untrack.checker.input.ScanItem;
import dev.untrack.checker.input.ScanSource;
import dev.untrack.rom.firmware.AppFile;
import dev.untrack.rom.firmware.FirmwareFiles;
import java.io.IOException;
import java.util.List;

/**
 * The APKs and JARs of an opened firmware as checker input, each read straight from its filesystem (no copy),
 * named {@code partition/path}. Stands in until the checker has its own firmware source.
 */
final class FirmwareAppsSource implements ScanSource {
  private final String description;
  private final FirmwareFiles files;
  private final java.util.function.UnaryOperator<String> partitionName;

  /**
   * @param partitionName maps a partition's name to the one items are named by (a raw image's partition is
   *     named after its file, so the output's must take the input's name for the baseline comparison)
   */
  FirmwareAppsSource(String description, FirmwareFiles files, java.util.function.UnaryOperator<String> partitionName) {
    this.description = description;
    this.files = files;
    this.partitionName = partitionName;
  }

  @Override
  public List<String> describe() {
    return List.of(description);
  }

  @Override
  public void forEach(Sink sink) throws IOException {
    for (AppFile f : files.apps()) {
      String path = partitionName.apply(f.partition()) + f.path();
      sink.accept(new ScanItem(path, ItemKind.ARCHIVE, f.content().size(),
          () -> f.content().slice(0, f.content().size(), f.content().name())));
    }
  }
}
