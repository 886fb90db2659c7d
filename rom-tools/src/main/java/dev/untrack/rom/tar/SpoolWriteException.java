package dev.untrack.rom.tar;

import java.io.IOException;

/** Writing a spooled copy into the work directory failed (disk full, permissions): not a problem of the input. */
public final class SpoolWriteException extends IOException {
  private static final long serialVersionUID = 1L;

  SpoolWriteException(String message, Throwable cause) {
    super(message, cause);
  }
}
