package dev.untrack.rom.firmware;

import dev.untrack.rom.zip.ZipEntry;
import java.util.Optional;

/**
 * One partition of a non-A/B OTA: {@code NAME.transfer.list} and {@code NAME.new.dat[.br]} (and maybe
 * {@code NAME.patch.dat}).
 *
 * @param brotli true if the new data is {@code .new.dat.br}
 */
public record SdatImage(String name, ZipEntry transferList, ZipEntry newData, boolean brotli, Optional<ZipEntry> patchData) {}
