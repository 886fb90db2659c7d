package dev.untrack.rom.lp;

/**
 * One extent of a logical partition.
 *
 * @param numSectors length in 512-byte sectors
 * @param targetType {@link LpFormat#TARGET_TYPE_LINEAR} or {@link LpFormat#TARGET_TYPE_ZERO}
 * @param targetData LINEAR: the first sector on the block device; ZERO: 0
 * @param targetSource LINEAR: index into the block device table; ZERO: 0
 */
public record LpExtent(long numSectors, int targetType, long targetData, int targetSource) {
  public static LpExtent linear(long firstSector, long numSectors) {
    return new LpExtent(numSectors, LpFormat.TARGET_TYPE_LINEAR, firstSector, 0);
  }

  public static LpExtent zero(long numSectors) {
    return new LpExtent(numSectors, LpFormat.TARGET_TYPE_ZERO, 0, 0);
  }

  public boolean isLinear() {
    return targetType == LpFormat.TARGET_TYPE_LINEAR;
  }

  public long bytes() {
    return numSectors * LpFormat.SECTOR_SIZE;
  }
}
