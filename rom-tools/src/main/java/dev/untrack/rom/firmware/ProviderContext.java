package dev.untrack.rom.firmware;

import java.nio.file.Path;

/**
 * What a {@link PayloadProvider} or {@link SdatProvider} gets besides the bytes.
 *
 * @param origin how to name the container in errors and in {@link Partition#origin()} ("rom.zip > payload.bin")
 * @param workDir where temporary files may go
 * @param maxSpoolBytes how much may be written there
 */
public record ProviderContext(String origin, Path workDir, long maxSpoolBytes) {}
