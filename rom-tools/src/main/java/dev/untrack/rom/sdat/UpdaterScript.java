package dev.untrack.rom.sdat;

import dev.untrack.rom.RomFormatException;

/**
 * The one {@code updater-script} edit a rewritten sdat may need: pointing {@code block_image_update} at an
 * uncompressed {@code <part>.new.dat} instead of {@code <part>.new.dat.br} (the updater picks the decoder by
 * the {@code .br} suffix). Not needed when {@link BrotliStoredOutputStream} writes the {@code .br}.
 */
public final class UpdaterScript {
  private UpdaterScript() {}

  public static String useUncompressedNewData(String script, String partition, String source)
      throws RomFormatException {
    String from = "\"" + partition + ".new.dat.br\"";
    if (!script.contains(from)) {
      throw RomFormatException.corrupt(source, "updater-script", RomFormatException.NO_OFFSET,
          "no " + from + " to replace");
    }
    return script.replace(from, "\"" + partition + ".new.dat\"");
  }
}
