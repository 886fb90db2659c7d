package dev.untrack.rom.fs;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a caller extracting an image to a real directory must check, since the readers return names and link
 * targets as stored: an entry name must be a single path component, and a symlink must not lead outside the
 * extracted tree.
 */
public final class SafeNames {
  private SafeNames() {}

  /** A single, non-special path component: not empty, not "." or "..", no '/', no NUL, at most 255 bytes. */
  public static boolean isSafeComponent(String name) {
    return name != null && !name.isEmpty() && !name.equals(".") && !name.equals("..")
        && name.indexOf('/') < 0 && name.indexOf('\0') < 0
        && name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 255;
  }

  /** Every component of an absolute image path is safe. */
  public static boolean isSafePath(String absolutePath) {
    if (absolutePath == null || !absolutePath.startsWith("/")) {
      return false;
    }
    if (absolutePath.equals("/")) {
      return true;
    }
    for (String part : absolutePath.substring(1).split("/", -1)) {
      if (!isSafeComponent(part)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the symlink at {@code linkPath} (absolute inside the image) pointing at {@code target} resolves,
   * lexically, to a path inside the image root. Absolute targets are taken relative to the image root, which is
   * how Android mounts them ("/system/lib64" inside system.img). NUL in a target is never safe. The check is
   * lexical: an extractor must also never follow symlinks it has already created (create links last, or open
   * with NOFOLLOW), or a chain of in-tree links can still lead out.
   */
  public static boolean symlinkStaysInside(String linkPath, String target) {
    return resolve(linkPath, target) != null;
  }

  /**
   * Resolves a symlink target lexically against the link's directory: the absolute image path it names, or
   * null when it climbs above the root.
   */
  public static String resolve(String linkPath, String target) {
    if (target == null || target.isEmpty() || target.indexOf('\0') >= 0 || !isSafePath(linkPath)) {
      return null;
    }
    Deque<String> stack = new ArrayDeque<>();
    if (!target.startsWith("/")) {
      for (String p : linkPath.substring(0, linkPath.lastIndexOf('/')).split("/")) {
        if (!p.isEmpty()) {
          stack.addLast(p);
        }
      }
    }
    for (String p : target.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        if (stack.isEmpty()) {
          return null;
        }
        stack.removeLast();
      } else {
        stack.addLast(p);
      }
    }
    return "/" + String.join("/", stack);
  }
}
