package dev.untrack.rom.ext4;

/**
 * A run of a file's logical blocks mapped to consecutive physical blocks: a leaf extent, or a coalesced run of
 * a legacy block map. Uninitialized (preallocated) extents read as zeros.
 */
public record Ext4Extent(long logicalBlock, long physicalBlock, long length, boolean uninitialized) {}
