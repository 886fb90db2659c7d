package dev.untrack.rom.lp;

/**
 * A partition table entry. Its extents are {@code extents[firstExtentIndex, firstExtentIndex + numExtents)} of
 * the metadata; a partition with no extents (a virtual A/B {@code _b} partition) is empty.
 */
public record LpPartition(String name, int attributes, int firstExtentIndex, int numExtents, int groupIndex) {
  public boolean isReadOnly() {
    return (attributes & LpFormat.PARTITION_ATTR_READONLY) != 0;
  }
}
