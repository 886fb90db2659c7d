package dev.untrack.rom.tar;

import java.util.ArrayDeque;
import java.util.Deque;

/** Archive member names and link targets that cannot escape an extraction directory. */
final class SafeNames {
  private SafeNames() {}

  /** Strips "./" prefixes and a trailing "/". */
  static String normalize(String name) {
    String n = name;
    while (n.startsWith("./")) {
      n = n.substring(2);
    }
    while (n.endsWith("/") && n.length() > 1) {
      n = n.substring(0, n.length() - 1);
    }
    return n;
  }

  /** Null if {@code name} is a safe relative path, else why not. */
  static String unsafeReason(String name) {
    if (name.isEmpty() || name.equals(".")) {
      return "an empty name";
    }
    if (name.indexOf('\0') >= 0) {
      return "a NUL character";
    }
    if (name.startsWith("/") || name.startsWith("\\")) {
      return "an absolute path";
    }
    if (name.length() >= 2 && name.charAt(1) == ':' && Character.isLetter(name.charAt(0))) {
      return "a drive letter";
    }
    for (String part : name.split("[/\\\\]", -1)) {
      if (part.equals("..")) {
        return "a '..' segment (path traversal)";
      }
    }
    return null;
  }

  /**
   * Null if a symlink at {@code entry} pointing to {@code target} stays inside the archive root, else why not.
   */
  static String escapingLinkReason(String entry, String target) {
    if (target.isEmpty()) {
      return "an empty link target";
    }
    if (target.indexOf('\0') >= 0) {
      return "a NUL character in the link target";
    }
    if (target.startsWith("/") || target.startsWith("\\")
        || (target.length() >= 2 && target.charAt(1) == ':' && Character.isLetter(target.charAt(0)))) {
      return "an absolute link target";
    }
    Deque<String> path = new ArrayDeque<>();
    String[] parts = entry.split("/");
    for (int i = 0; i < parts.length - 1; i++) {
      path.addLast(parts[i]);
    }
    for (String part : target.split("[/\\\\]")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (path.isEmpty()) {
          return "a link target that leaves the archive";
        }
        path.removeLast();
      } else {
        path.addLast(part);
      }
    }
    return null;
  }
}
