package dev.untrack.rom.firmware;

import dev.untrack.rom.zip.ZipArchive;
import java.io.IOException;
import java.util.List;

/**
 * Reads the partitions of a non-A/B OTA ({@code *.transfer.list} + {@code *.new.dat[.br]}). The sdat reader plugs
 * in here, through {@link FirmwareReader.Options#withSdatProvider} or as a {@link java.util.ServiceLoader} service.
 */
@FunctionalInterface
public interface SdatProvider {
  PartitionSource open(ZipArchive ota, List<SdatImage> images, ProviderContext context) throws IOException;
}
