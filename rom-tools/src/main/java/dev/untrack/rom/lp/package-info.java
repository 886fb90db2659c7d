/**
 * LP dynamic-partition metadata ({@code super}): {@link dev.untrack.rom.lp.SuperImage} reads it and exposes logical
 * partitions as lazy views; {@link dev.untrack.rom.lp.SuperWriter} re-lays out partitions and writes new metadata;
 * {@link dev.untrack.rom.lp.LpMetadataCodec} is the binary format with its checksums.
 */
package dev.untrack.rom.lp;
