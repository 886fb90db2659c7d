package dev.untrack.signing;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Everything in the signing module that fails: a key that cannot be loaded, a password that is wrong, a signature
 * that is refused or does not verify, a vbmeta or signature block that is malformed. Carries what went wrong
 * ({@link Kind}), which file, and where inside it, so the CLI can say it in one line.
 *
 * <p>It is an {@link IOException} so that it can pass through stream and channel code unchanged.
 */
public final class SigningException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Offset unknown or not meaningful. */
  public static final long NO_OFFSET = -1;

  /** What went wrong, coarsely; the message says the rest. */
  public enum Kind {
    /** A key or certificate file could not be read or parsed, or holds no usable key. */
    KEY_UNREADABLE,
    /** A password was wrong, missing, or could not be obtained (no console, empty file, unset variable). */
    PASSWORD,
    /** The private key and the certificate do not belong together. */
    KEY_MISMATCH,
    /** An output already exists and overwriting was not asked for. */
    OUTPUT_EXISTS,
    /** The signing policy refused the requested operation. */
    REFUSED,
    /** Signing failed. */
    SIGN_FAILED,
    /** A signature or digest does not verify. */
    VERIFY_FAILED,
    /** Input (APK, signature block, vbmeta, footer, zip comment) is malformed or hostile. */
    CORRUPT,
    /** Well-formed input that uses something deliberately not handled (an algorithm, a zip64 archive). */
    UNSUPPORTED,
    /** Reading or writing a file failed. */
    IO
  }

  private final Kind kind;
  private final String file;
  private final long offset;
  private final String detail;

  private SigningException(Kind kind, String file, long offset, String detail, Throwable cause) {
    super(compose(file, offset, detail), cause);
    this.kind = kind;
    this.file = file;
    this.offset = offset;
    this.detail = detail;
  }

  public static SigningException of(Kind kind, Path file, String detail) {
    return new SigningException(kind, file == null ? null : file.toString(), NO_OFFSET, detail, null);
  }

  public static SigningException of(Kind kind, Path file, String detail, Throwable cause) {
    return new SigningException(kind, file == null ? null : file.toString(), NO_OFFSET, detail, cause);
  }

  /** Malformed input at {@code offset} inside {@code source} (a file name or a description such as "vbmeta"). */
  public static SigningException corrupt(String source, long offset, String detail) {
    return new SigningException(Kind.CORRUPT, source, offset, detail, null);
  }

  public static SigningException corrupt(String source, long offset, String detail, Throwable cause) {
    return new SigningException(Kind.CORRUPT, source, offset, detail, cause);
  }

  public static SigningException unsupported(String source, long offset, String detail) {
    return new SigningException(Kind.UNSUPPORTED, source, offset, detail, null);
  }

  /** The same error seen from an enclosing file: {@code outer > source}. */
  public SigningException within(String outer) {
    String nested = file == null || file.isEmpty() ? outer : outer + " > " + file;
    SigningException e = new SigningException(kind, nested, offset, detail, getCause());
    e.setStackTrace(getStackTrace());
    return e;
  }

  public Kind kind() {
    return kind;
  }

  /** The file (or in-file source description) concerned, or null. */
  public String file() {
    return file;
  }

  /** Byte offset inside {@link #file()}, or {@link #NO_OFFSET}. */
  public long offset() {
    return offset;
  }

  /** The message without file and offset. */
  public String detail() {
    return detail;
  }

  private static String compose(String file, long offset, String detail) {
    StringBuilder sb = new StringBuilder();
    if (file != null && !file.isEmpty()) {
      sb.append(file);
      if (offset != NO_OFFSET) {
        sb.append(" @").append(offset).append(" (0x").append(Long.toHexString(offset)).append(')');
      }
      sb.append(": ");
    } else if (offset != NO_OFFSET) {
      sb.append("@").append(offset).append(": ");
    }
    sb.append(detail);
    return sb.toString();
  }
}
