/**
 * Writing a firmware back in the container it came in, with some partitions replaced: images (raw, sparse,
 * super), fastboot packages (tgz, tar, zip, directory), A/B payload OTA zips and sdat OTA zips. Only what must
 * change is rewritten; everything else is copied byte for byte, and the output appears atomically.
 * {@link dev.untrack.pipeline.repack.Repackers#forKind} picks the writer.
 */
package dev.untrack.pipeline.repack;
