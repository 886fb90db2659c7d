package dev.untrack.patcher.patch;

/** How many methods a fingerprint may match in one app. */
public record Count(Kind kind, int max) {
  public enum Kind { ONE, ALL, AT_MOST }

  public static final Count ONE = new Count(Kind.ONE, 1);
  public static final Count ALL = new Count(Kind.ALL, Integer.MAX_VALUE);

  public static Count atMost(int n) {
    return new Count(Kind.AT_MOST, n);
  }

  /** Whether {@code n} matches are acceptable (0 always is: it means "not applicable"). */
  public boolean allows(int n) {
    return n <= max;
  }

  @Override
  public String toString() {
    return switch (kind) {
      case ONE -> "one";
      case ALL -> "all";
      case AT_MOST -> "at-most " + max;
    };
  }
}
