package dev.untrack.rom.zip;

/**
 * One entry as the central directory describes it, plus where its data really starts (read from the local
 * header). Immutable.
 *
 * @param name the entry name, decoded as UTF-8
 * @param method 0 stored, 8 deflated (others are kept as raw bytes but cannot be decompressed)
 * @param localHeaderOffset where the local file header starts
 * @param dataOffset where the (compressed) data starts
 * @param recordEnd where this entry's bytes end, including any data descriptor
 * @param centralRecord the central directory record, byte for byte (copied when the entry is carried over)
 */
public record ZipEntry(
    String name,
    int index,
    int flags,
    int method,
    int dosTime,
    int dosDate,
    long crc32,
    long compressedSize,
    long size,
    long localHeaderOffset,
    long dataOffset,
    long recordEnd,
    byte[] centralRecord,
    byte[] localExtra) {

  public static final int STORED = 0;
  public static final int DEFLATED = 8;

  public boolean isDirectory() {
    return name.endsWith("/");
  }

  public boolean isStored() {
    return method == STORED;
  }

  public boolean hasDataDescriptor() {
    return (flags & 0x08) != 0;
  }

  /** Length of the local header (fixed part, name and extra). */
  public int localHeaderLength() {
    return (int) (dataOffset - localHeaderOffset);
  }

  @Override
  public String toString() {
    return name + " (method " + method + ", " + compressedSize + "/" + size + " bytes at " + dataOffset + ")";
  }
}
