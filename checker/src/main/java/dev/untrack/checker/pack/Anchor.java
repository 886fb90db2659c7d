package dev.untrack.checker.pack;

/**
 * A string constant that survives obfuscation (a log tag, an error message, a URL path, an AIDL descriptor).
 *
 * @param text the literal
 * @param exact true: a dex string must equal it; false: a dex string must contain it
 */
public record Anchor(String text, boolean exact) {
  public Anchor {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("empty anchor");
    }
  }
}
