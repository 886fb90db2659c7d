package dev.untrack.rom.fs;

import java.io.IOException;

/**
 * An edit that cannot be made to this image: a path that does not exist or has the wrong type, a change the
 * format cannot express, or not enough room. Thrown while planning, before a single output byte is written.
 */
public final class FsEditException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Why the edit was refused. */
  public enum Reason {
    NO_SUCH_PATH,
    ALREADY_EXISTS,
    WRONG_TYPE,
    /** The format, this image's features or this editor cannot make the change (the message says which). */
    UNSUPPORTED,
    /** The filesystem is full and cannot grow enough; {@link #shortfall()} is how many bytes are missing. */
    NOT_ENOUGH_SPACE,
    /** The edited image would exceed the size limit given by the caller (partition, super group). */
    OVER_SIZE_LIMIT
  }

  private final String image;
  private final String path;
  private final Reason reason;
  private final long shortfall;

  public FsEditException(String image, String path, Reason reason, String detail) {
    this(image, path, reason, detail, 0);
  }

  public FsEditException(String image, String path, Reason reason, String detail, long shortfall) {
    super(compose(image, path, detail));
    this.image = image;
    this.path = path;
    this.reason = reason;
    this.shortfall = shortfall;
  }

  private static String compose(String image, String path, String detail) {
    StringBuilder sb = new StringBuilder();
    if (image != null && !image.isEmpty()) {
      sb.append(image).append(": ");
    }
    if (path != null && !path.isEmpty()) {
      sb.append(path).append(": ");
    }
    return sb.append(detail).toString();
  }

  /** The image being edited (its name as the source gives it). */
  public String image() {
    return image;
  }

  /** The path inside the image the problem concerns, or null. */
  public String path() {
    return path;
  }

  public Reason reason() {
    return reason;
  }

  /** For {@link Reason#NOT_ENOUGH_SPACE} and {@link Reason#OVER_SIZE_LIMIT}: the bytes missing; else 0. */
  public long shortfall() {
    return shortfall;
  }
}
