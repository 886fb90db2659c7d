package dev.untrack.patcher.app;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.zip.ZipArchive;
import dev.untrack.rom.zip.ZipEntry;
import java.io.IOException;

/** A {@code classesN.dex} entry of an app, not yet loaded. */
public final class DexEntry {
  /** Dex files are loaded whole; one beyond this size is refused rather than exhausting memory. */
  public static final int MAX_DEX_SIZE = 256 << 20;

  private final App app;
  private final ZipEntry entry;
  private final int number;

  DexEntry(App app, ZipEntry entry, int number) {
    this.app = app;
    this.entry = entry;
    this.number = number;
  }

  public String name() {
    return entry.name();
  }

  /** 1 for classes.dex, 2 for classes2.dex, ... */
  public int number() {
    return number;
  }

  public ZipEntry zipEntry() {
    return entry;
  }

  /** Decompresses, checks and opens the dex. Not cached: callers keep only what they need. */
  public Dex load() throws IOException {
    ZipArchive zip = app.zip();
    String where = app.name() + " > " + entry.name();
    if (entry.size() > MAX_DEX_SIZE) {
      throw RomFormatException.unsupported(where, "dex", RomFormatException.NO_OFFSET,
          "dex of " + entry.size() + " bytes is larger than the " + MAX_DEX_SIZE + " untrack handles");
    }
    byte[] bytes = zip.readAll(entry, MAX_DEX_SIZE);
    return new Dex(entry.name(), where, bytes);
  }

  @Override
  public String toString() {
    return entry.name();
  }
}
