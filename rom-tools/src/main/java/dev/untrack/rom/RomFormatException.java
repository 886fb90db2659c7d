package dev.untrack.rom;

import java.io.IOException;

/**
 * A firmware, container, filesystem or archive that is not what it claims to be: corrupted, truncated,
 * hostile or simply unsupported. Carries where the problem is, so the user can be told in one line.
 *
 * <p>It is an {@link IOException} so that streaming code can throw it through {@code InputStream} methods.
 * Context (an outer container or path) is added while the error unwinds, via {@link #within(String)}.
 */
public final class RomFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Offset unknown or not meaningful. */
  public static final long NO_OFFSET = -1;

  private final String source;
  private final String format;
  private final long offset;
  private final String detail;
  private final boolean unsupported;

  private RomFormatException(
      String source, String format, long offset, String detail, boolean unsupported, Throwable cause) {
    super(compose(source, format, offset, detail), cause);
    this.source = source;
    this.format = format;
    this.offset = offset;
    this.detail = detail;
    this.unsupported = unsupported;
  }

  /** The input is malformed at {@code offset} (or {@link #NO_OFFSET}). */
  public static RomFormatException corrupt(String source, String format, long offset, String detail) {
    return new RomFormatException(source, format, offset, detail, false, null);
  }

  public static RomFormatException corrupt(
      String source, String format, long offset, String detail, Throwable cause) {
    return new RomFormatException(source, format, offset, detail, false, cause);
  }

  /** The input is well formed but uses something untrack deliberately does not handle. */
  public static RomFormatException unsupported(String source, String format, long offset, String detail) {
    return new RomFormatException(source, format, offset, detail, true, null);
  }

  /** The same error seen from an enclosing container: {@code outer > source}. */
  public RomFormatException within(String outer) {
    String nested = source == null || source.isEmpty() ? outer : outer + " > " + source;
    return new RomFormatException(nested, format, offset, detail, unsupported, getCause());
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

  public boolean isUnsupported() {
    return unsupported;
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
    }
    sb.append(detail);
    return sb.toString();
  }
}
