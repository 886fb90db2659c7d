package dev.untrack.patcher;

/** What the patched firmware does about telemetry (see the architecture's "Policy" section). */
public enum Policy {
  /** Telemetry entry points become no-ops and every opt-out switch is forced to "out". */
  BLOCK("block"),
  /** Telemetry flows only after an explicit opt-in; unset counts as out. */
  HONOR_SWITCH("honor-switch");

  private final String keyword;

  Policy(String keyword) {
    this.keyword = keyword;
  }

  /** The spelling used in patch files and on the command line. */
  public String keyword() {
    return keyword;
  }

  public static Policy fromKeyword(String s) {
    for (Policy p : values()) {
      if (p.keyword.equals(s)) {
        return p;
      }
    }
    return null;
  }
}
