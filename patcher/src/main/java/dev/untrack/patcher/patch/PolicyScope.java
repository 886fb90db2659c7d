package dev.untrack.patcher.patch;

import dev.untrack.patcher.Policy;

/** Under which run policies a patch, action or helper variant applies. */
public enum PolicyScope {
  ANY("any"),
  BLOCK("block"),
  HONOR_SWITCH("honor-switch");

  private final String keyword;

  PolicyScope(String keyword) {
    this.keyword = keyword;
  }

  public String keyword() {
    return keyword;
  }

  public boolean includes(Policy p) {
    return this == ANY || (this == BLOCK && p == Policy.BLOCK) || (this == HONOR_SWITCH && p == Policy.HONOR_SWITCH);
  }

  public static PolicyScope fromKeyword(String s) {
    for (PolicyScope p : values()) {
      if (p.keyword.equals(s)) {
        return p;
      }
    }
    return null;
  }

  public static PolicyScope of(Policy p) {
    return p == Policy.BLOCK ? BLOCK : HONOR_SWITCH;
  }
}
