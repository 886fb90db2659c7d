package dev.untrack.checker;

import java.io.IOException;

/**
 * Input the checker cannot judge: a malformed dex, a signature pack that does not parse, a file too large for
 * the limits. Carries where the problem is ({@code source}, byte {@code offset} when known), so a scan can
 * record it against one app and go on with the rest.
 */
public final class CheckerException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Offset unknown or not meaningful. */
  public static final long NO_OFFSET = -1;

  private final String source;
  private final String format;
  private final long offset;
  private final String detail;

  private CheckerException(String source, String format, long offset, String detail, Throwable cause) {
    super(compose(source, format, offset, detail), cause);
    this.source = source;
    this.format = format;
    this.offset = offset;
    this.detail = detail;
  }

  /** The input is malformed at {@code offset} (or {@link #NO_OFFSET}). */
  public static CheckerException corrupt(String source, String format, long offset, String detail) {
    return new CheckerException(source, format, offset, detail, null);
  }

  public static CheckerException corrupt(String source, String format, long offset, String detail, Throwable cause) {
    return new CheckerException(source, format, offset, detail, cause);
  }

  /** A signature pack or option the user supplied is not usable. */
  public static CheckerException badPack(String source, String detail) {
    return new CheckerException(source, "signature pack", NO_OFFSET, detail, null);
  }

  public static CheckerException badPack(String source, String detail, Throwable cause) {
    return new CheckerException(source, "signature pack", NO_OFFSET, detail, cause);
  }

  public String source() {
    return source;
  }

  public String format() {
    return format;
  }

  public long offset() {
    return offset;
  }

  public String detail() {
    return detail;
  }

  private static String compose(String source, String format, long offset, String detail) {
    StringBuilder sb = new StringBuilder();
    if (source != null && !source.isEmpty()) {
      sb.append(source).append(": ");
    }
    if (format != null && !format.isEmpty()) {
      sb.append(format).append(' ');
    }
    if (offset >= 0) {
      sb.append("at offset ").append(offset).append(" (0x").append(Long.toHexString(offset)).append(")");
    }
    if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ' ') {
      sb.append(": ");
    } else if (sb.length() > 0) {
      sb.setLength(sb.length() - 1);
      sb.append(": ");
    }
    sb.append(detail);
    return sb.toString();
  }
}
