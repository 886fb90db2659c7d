package dev.untrack.pipeline.demo;

import dev.untrack.checker.input.ItemKind;
import dev.untrack.checker.input.ScanItem;
import dev.untrack.checker.input.ScanSource;
import dev.untrack.rom.firmware.AppFile;
import dev.untrack.rom.firmware.FirmwareFiles;
import java.io.IOException;
import java.util.List;

/** The apps and framework jars of an open firmware, as checker items named {@code partition:/path}. */
final class FirmwareAppsSource implements ScanSource {
  private final String name;
  private final FirmwareFiles files;

  FirmwareAppsSource(String name, FirmwareFiles files) {
    this.name = name;
    this.files = files;
  }

  @Override
  public List<String> describe() {
    return List.of(name);
  }

  @Override
  public void forEach(Sink sink) throws IOException {
    for (AppFile a : files.apps()) {
      sink.accept(new ScanItem(a.location(), ItemKind.ARCHIVE, a.content().size(), a::content));
    }
  }
}
