package dev.untrack.patcher.patch;

import java.util.List;

/** Which apps a patch is a candidate for ({@code apps} lines; several selectors are OR-ed). */
public sealed interface AppSelector {
  /** The app's manifest package is one of these. */
  record Package(List<String> names) implements AppSelector {}

  /** The app defines this class in one of its dex files. */
  record Defines(String type) implements AppSelector {}

  /** The app defines a class under this package prefix ({@code Lcom/foo/}). */
  record DefinesPrefix(String prefix) implements AppSelector {}

  /** Every app and jar. */
  record Any() implements AppSelector {}

  /** In words, for {@code untrack patches show}. */
  default String describe() {
    if (this instanceof Package p) {
      return "apps with package " + String.join(" or ", p.names());
    }
    if (this instanceof Defines d) {
      return "apps and jars that define " + d.type();
    }
    if (this instanceof DefinesPrefix d) {
      return "apps and jars that define a class under " + d.prefix();
    }
    return "every app and jar";
  }
}
