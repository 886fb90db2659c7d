package dev.untrack.patcher.patch;

/** How much telemetry a patch stops; informs reports. */
public enum Severity {
  HIGH, MEDIUM, LOW;

  public String keyword() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static Severity fromKeyword(String s) {
    for (Severity v : values()) {
      if (v.keyword().equals(s)) {
        return v;
      }
    }
    return null;
  }
}
