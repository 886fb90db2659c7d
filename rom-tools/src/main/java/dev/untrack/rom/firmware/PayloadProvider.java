package dev.untrack.rom.firmware;

import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.zip.ZipArchive;
import java.io.IOException;

/**
 * Reads the partitions of an A/B OTA's {@code payload.bin}. The payload reader plugs in here, either through
 * {@link FirmwareReader.Options#withPayloadProvider} or as a {@link java.util.ServiceLoader} service.
 */
@FunctionalInterface
public interface PayloadProvider {
  /**
   * @param payload the STORED {@code payload.bin} entry, random access straight from the zip
   * @param ota the OTA zip (for {@code payload_properties.txt}, metadata...)
   */
  PartitionSource open(ByteSource payload, ZipArchive ota, ProviderContext context) throws IOException;
}
