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

  FirmwareAppsSource(String description, FirmwareFiles files) {
    this.description = description;
    this.files = files;
  }

  @Override
  public List<String> describe() {
    return List.of(description);
  }

  @Override
  public void forEach(Sink sink) throws IOException {
    for (AppFile f : files.apps()) {
      String path = f.partition() + f.path();
      sink.accept(new ScanItem(path, ItemKind.ARCHIVE, f.content().size(),
          () -> f.content().slice(0, f.content().size(), f.content().name())));
    }
  }
}
