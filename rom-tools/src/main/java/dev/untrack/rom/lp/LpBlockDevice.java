package dev.untrack.rom.lp;

/**
 * A physical partition holding logical partitions; the first one is the super partition with the metadata.
 *
 * @param firstLogicalSector the first sector usable for extents
 * @param size the block device size in bytes
 */
public record LpBlockDevice(
    long firstLogicalSector, int alignment, int alignmentOffset, long size, String partitionName, int flags) {}
