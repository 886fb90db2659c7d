package dev.untrack.rom.erofs;

/**
 * One logical extent of a compressed EROFS file: decompressed bytes {@code [logicalStart, logicalStart +
 * logicalLength)} come from the physical cluster {@code [physicalOffset, physicalOffset + physicalLength)}.
 *
 * @param kind how the physical bytes turn into file bytes
 * @param headLcn the logical cluster holding this extent's HEAD index
 * @param partialRef the pcluster decompresses to more than this extent (deduplicated prefix reference)
 */
public record ErofsExtent(
    long logicalStart,
    long logicalLength,
    long physicalOffset,
    int physicalLength,
    Kind kind,
    int algorithm,
    long headLcn,
    boolean partialRef) {

  public enum Kind {
    /** Compressed with {@link #algorithm} (0 = LZ4). */
    COMPRESSED,
    /** Stored uncompressed, starting at the cluster start. */
    PLAIN,
    /** Stored uncompressed, rotated by the extent's offset within its block. */
    INTERLACED,
    /** The tail is compressed (or plain) inline after the inode's indexes: {@code physicalOffset} is a byte offset. */
    INLINE_COMPRESSED,
    INLINE_PLAIN,
    /** The data lives in the packed inode at {@code physicalOffset}. */
    FRAGMENT
  }
}
