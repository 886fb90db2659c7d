package dev.untrack.rom.lp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One copy of the LP metadata, as its tables are: geometry, header version and flags, partitions, extents,
 * groups, block devices. Immutable; built by {@link LpMetadataCodec#parse} or by {@link SuperWriter}.
 */
public record LpMetadata(
    LpGeometry geometry,
    int majorVersion,
    int minorVersion,
    int headerFlags,
    List<LpPartition> partitions,
    List<LpExtent> extents,
    List<LpGroup> groups,
    List<LpBlockDevice> blockDevices) {

  public LpMetadata {
    partitions = List.copyOf(partitions);
    extents = List.copyOf(extents);
    groups = List.copyOf(groups);
    blockDevices = List.copyOf(blockDevices);
  }

  public Optional<LpPartition> partition(String name) {
    for (LpPartition p : partitions) {
      if (p.name().equals(name)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  public List<LpExtent> extentsOf(LpPartition p) {
    return extents.subList(p.firstExtentIndex(), p.firstExtentIndex() + p.numExtents());
  }

  /** The partition's size in bytes: the sum of its extents. */
  public long sizeOf(LpPartition p) {
    long n = 0;
    for (LpExtent e : extentsOf(p)) {
      n += e.bytes();
    }
    return n;
  }

  public LpGroup groupOf(LpPartition p) {
    return groups.get(p.groupIndex());
  }

  public List<LpPartition> partitionsIn(LpGroup g) {
    int index = groups.indexOf(g);
    List<LpPartition> out = new ArrayList<>();
    for (LpPartition p : partitions) {
      if (p.groupIndex() == index) {
        out.add(p);
      }
    }
    return out;
  }

  /** The super block device (the first one). */
  public LpBlockDevice superDevice() {
    return blockDevices.get(0);
  }

  public boolean isVirtualAb() {
    return (headerFlags & LpFormat.HEADER_FLAG_VIRTUAL_AB_DEVICE) != 0;
  }

  public int headerSize() {
    return minorVersion >= LpFormat.MINOR_VERSION_FOR_EXPANDED_HEADER ? LpFormat.HEADER_V1_2_SIZE : LpFormat.HEADER_V1_0_SIZE;
  }
}
