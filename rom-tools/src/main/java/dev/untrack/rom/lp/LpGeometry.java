package dev.untrack.rom.lp;

/**
 * The fixed geometry stored at offset 4096 (and again at 8192) of a super partition.
 *
 * @param metadataMaxSize space for one copy of the metadata, a multiple of 512
 * @param metadataSlotCount metadata slots (2 on A/B devices, 3 on some virtual A/B ones); each has a backup
 * @param logicalBlockSize the minimal alignment of partition sizes (4096)
 */
public record LpGeometry(int metadataMaxSize, int metadataSlotCount, int logicalBlockSize) {}
