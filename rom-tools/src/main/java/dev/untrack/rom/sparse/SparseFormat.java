package dev.untrack.rom.sparse;

/** Constants of the Android sparse image format (AOSP libsparse {@code sparse_format.h}). */
public final class SparseFormat {
  private SparseFormat() {}

  public static final int MAGIC = 0xED26FF3A;
  public static final int MAJOR_VERSION = 1;
  public static final int FILE_HEADER_SIZE = 28;
  public static final int CHUNK_HEADER_SIZE = 12;

  public static final int CHUNK_RAW = 0xCAC1;
  public static final int CHUNK_FILL = 0xCAC2;
  public static final int CHUNK_DONT_CARE = 0xCAC3;
  public static final int CHUNK_CRC32 = 0xCAC4;

  /** The block size every Android tool writes. */
  public static final int DEFAULT_BLOCK_SIZE = 4096;

  static final String NAME = "sparse image";
}
