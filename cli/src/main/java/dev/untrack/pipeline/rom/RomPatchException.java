package dev.untrack.pipeline.rom;

import java.io.IOException;

/**
 * The ROM pipeline could not produce an output (an edited partition does not fit, a vbmeta cannot be updated).
 * Nothing was written. The CLI exits with 4 when a result does not fit ({@link #missingBytes()} &gt; 0), else
 * with 6 (an output failure).
 */
public final class RomPatchException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long missingBytes;

  public RomPatchException(String message) {
    this(message, 0, null);
  }

  public RomPatchException(String message, long missingBytes, Throwable cause) {
    super(message, cause);
    this.missingBytes = missingBytes;
  }

  /** For a partition that does not fit: how many bytes are missing; else 0. */
  public long missingBytes() {
    return missingBytes;
  }
}
