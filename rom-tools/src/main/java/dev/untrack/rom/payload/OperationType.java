package dev.untrack.rom.payload;

/** {@code InstallOperation.Type} from AOSP {@code update_metadata.proto}. */
public enum OperationType {
  REPLACE(0, true),
  REPLACE_BZ(1, true),
  MOVE(2, false),
  BSDIFF(3, false),
  SOURCE_COPY(4, false),
  SOURCE_BSDIFF(5, false),
  ZERO(6, true),
  DISCARD(7, true),
  REPLACE_XZ(8, true),
  PUFFDIFF(9, false),
  BROTLI_BSDIFF(10, false),
  ZUCCHINI(11, false),
  LZ4DIFF_BSDIFF(12, false),
  LZ4DIFF_PUFFDIFF(13, false),
  REPLACE_ZSTD(14, true);

  private final int code;
  private final boolean full;

  OperationType(int code, boolean full) {
    this.code = code;
    this.full = full;
  }

  public int code() {
    return code;
  }

  /** True for operations that need nothing but the payload (no source partition). */
  public boolean isFull() {
    return full;
  }

  /** True if the operation carries a data blob. */
  public boolean hasData() {
    return this == REPLACE || this == REPLACE_BZ || this == REPLACE_XZ || this == REPLACE_ZSTD;
  }

  /** The type for {@code code}, or null if AOSP defines none. */
  public static OperationType of(long code) {
    for (OperationType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }
}
