package dev.untrack.patcher;

import dev.untrack.patcher.patch.SourcePos;

/** A patch file that does not follow FORMAT.md, reported as {@code FILE:LINE:COLUMN: message}. */
public final class PatchSyntaxException extends PatchException {
  private static final long serialVersionUID = 1L;

  private final SourcePos pos;
  private final String detail;

  public PatchSyntaxException(SourcePos pos, String detail) {
    super(null, null, pos + ": " + detail);
    this.pos = pos;
    this.detail = detail;
  }

  public SourcePos pos() {
    return pos;
  }

  public String detail() {
    return detail;
  }
}
