package dev.untrack.pipeline.repack;

import dev.untrack.rom.firmware.Firmware;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What to repack: the opened input, the partitions that changed and where the result goes.
 *
 * @param changedPartitions partition name as {@link Firmware#partitions()} names it ("system", "product",
 *     "vbmeta") mapped to a file holding the new full raw (unsparsed) image, AVB footer included; partitions not
 *     in the map are unchanged
 * @param output the file (or directory, for a directory package) to write; it appears atomically
 */
public record RepackRequest(Firmware input, Map<String, Path> changedPartitions, Path output, RepackOptions options) {
  public RepackRequest {
    Objects.requireNonNull(input, "input");
    changedPartitions = Map.copyOf(changedPartitions);
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(options, "options");
  }
}
