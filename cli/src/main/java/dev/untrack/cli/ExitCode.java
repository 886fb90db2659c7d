package dev.untrack.cli;

/** The documented process exit codes. Scripts depend on these numbers: never renumber. */
public enum ExitCode {
  OK(0, "success"),
  FINDINGS(1, "scan: findings at or above --fail-on"),
  USAGE(2, "bad command line"),
  BAD_INPUT(3, "input missing, unreadable, corrupt, hostile or unsupported"),
  PATCH_FAILED(4, "a patch could not be loaded or applied (syntax error, ambiguous match, invalid code)"),
  SIGNING_FAILED(5, "key could not be loaded or signing failed or was refused"),
  OUTPUT_FAILED(6, "output could not be written (disk full, permissions); nothing was left behind"),
  INTERNAL(70, "internal error: a bug in untrack, please report it with --verbose output");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  public int code() {
    return code;
  }

  public String meaning() {
    return meaning;
  }
}
