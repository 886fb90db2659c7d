package dev.untrack.checker.pack;

/** A pattern where {@code *} stands for any run of characters (including none); everything else is literal. */
final class Glob {
  private final String[] parts;
  private final boolean leadingStar;
  private final boolean trailingStar;
  private final String text;

  Glob(String text) {
    this.text = text;
    this.leadingStar = text.startsWith("*");
    this.trailingStar = text.endsWith("*");
    this.parts = java.util.Arrays.stream(text.split("\\*", -1)).filter(s -> !s.isEmpty()).toArray(String[]::new);
  }

  boolean matches(String s) {
    if (parts.length == 0) {
      return leadingStar || s.isEmpty();
    }
    int pos = 0;
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      boolean first = i == 0;
      boolean last = i == parts.length - 1;
      if (first && !leadingStar) {
        if (!s.startsWith(p)) {
          return false;
        }
        pos = p.length();
        if (last && !trailingStar) {
          return pos == s.length();
        }
        continue;
      }
      if (last && !trailingStar) {
        return s.length() - p.length() >= pos && s.endsWith(p);
      }
      int at = s.indexOf(p, pos);
      if (at < 0) {
        return false;
      }
      pos = at + p.length();
    }
    return true;
  }

  /** The literal text before the first {@code *}. */
  String literalPrefix() {
    int star = text.indexOf('*');
    return star < 0 ? text : text.substring(0, star);
  }

  boolean isLiteral() {
    return text.indexOf('*') < 0;
  }

  @Override
  public String toString() {
    return text;
  }
}
