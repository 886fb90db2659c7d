package dev.untrack.rom.sparse;

import dev.untrack.rom.io.ByteSource;
import java.util.Objects;

/**
 * A stretch of an image being written: bytes from a {@link ByteSource}, a repeated 32-bit pattern, or "don't
 * care" (unwritten when flashed, zeros when expanded). Offsets are in bytes from the start of the image; gaps
 * between the regions given to a writer are don't care.
 *
 * @param fillValue for {@link Kind#FILL}: the pattern as a little-endian 32-bit word, aligned to image offset 0
 */
public record ImageRegion(long offset, long length, Kind kind, ByteSource data, int fillValue) {
  public enum Kind {
    DATA,
    FILL,
    DONT_CARE
  }

  public ImageRegion {
    Objects.requireNonNull(kind);
    if (offset < 0 || length < 0 || offset > Long.MAX_VALUE - length) {
      throw new IllegalArgumentException("region [" + offset + ", +" + length + ") is invalid");
    }
    if (kind == Kind.DATA) {
      Objects.requireNonNull(data, "data");
      if (data.size() < length) {
        throw new IllegalArgumentException(data.name() + " has " + data.size() + " bytes, region needs " + length);
      }
    }
  }

  /** All of {@code data} at {@code offset}. */
  public static ImageRegion data(long offset, ByteSource data) {
    return new ImageRegion(offset, data.size(), Kind.DATA, data, 0);
  }

  public static ImageRegion fill(long offset, long length, int value) {
    return new ImageRegion(offset, length, Kind.FILL, null, value);
  }

  public static ImageRegion dontCare(long offset, long length) {
    return new ImageRegion(offset, length, Kind.DONT_CARE, null, 0);
  }

  public long end() {
    return offset + length;
  }
}
