package dev.untrack.patcher.patch;

import java.util.ArrayList;
import java.util.List;

/**
 * Dex type descriptors, member names and references as written in patch files, checked against the dex format
 * rules so a typo is caught when the patch loads, not when it silently matches nothing.
 */
public final class Descriptors {
  private Descriptors() {}

  /** A descriptor that failed to parse; {@code offset} is the character in the text where the problem is. */
  public static final class BadDescriptor extends Exception {
    private static final long serialVersionUID = 1L;
    private final int offset;

    BadDescriptor(int offset, String message) {
      super(message);
      this.offset = offset;
    }

    public int offset() {
      return offset;
    }
  }

  /** Checks a field/parameter type ({@code V} only if {@code allowVoid}). */
  public static void checkType(String s, boolean allowVoid) throws BadDescriptor {
    int end = typeEnd(s, 0, allowVoid);
    if (end != s.length()) {
      throw new BadDescriptor(end, "unexpected '" + s.substring(end) + "' after type " + s.substring(0, end));
    }
  }

  /** Checks a class type {@code Lpkg/Name;} (no arrays, no primitives). */
  public static void checkClassType(String s) throws BadDescriptor {
    if (!s.startsWith("L")) {
      throw new BadDescriptor(0, "'" + s + "' is not a class descriptor (expected Lpackage/Name;)");
    }
    checkType(s, false);
  }

  /** Checks a package prefix such as {@code Lcom/xiaomi/onetrack/}. */
  public static void checkPackagePrefix(String s) throws BadDescriptor {
    if (!s.startsWith("L") || !s.endsWith("/") || s.length() < 3) {
      throw new BadDescriptor(0, "'" + s + "' is not a package prefix (expected Lpackage/ ending in '/')");
    }
    int p = 1;
    while (p < s.length()) {
      int slash = s.indexOf('/', p);
      checkSimpleName(s, p, slash);
      p = slash + 1;
    }
  }

  /** Checks a method name (a simple name, or {@code <init>} / {@code <clinit>}). */
  public static void checkMethodName(String s) throws BadDescriptor {
    if (s.equals("<init>") || s.equals("<clinit>")) {
      return;
    }
    checkSimpleName(s, 0, s.length());
  }

  public static void checkMemberName(String s) throws BadDescriptor {
    checkSimpleName(s, 0, s.length());
  }

  /** {@code (PARAMS)RET} into [params..., ret]. */
  public static List<String> parseProto(String s) throws BadDescriptor {
    if (!s.startsWith("(")) {
      throw new BadDescriptor(0, "a prototype starts with '(': " + s);
    }
    List<String> out = new ArrayList<>();
    int p = 1;
    while (p < s.length() && s.charAt(p) != ')') {
      int e = typeEnd(s, p, false);
      out.add(s.substring(p, e));
      p = e;
    }
    if (p >= s.length()) {
      throw new BadDescriptor(s.length(), "prototype has no ')': " + s);
    }
    int r = typeEnd(s, p + 1, true);
    if (r != s.length()) {
      throw new BadDescriptor(r, "unexpected '" + s.substring(r) + "' after the return type");
    }
    out.add(s.substring(p + 1));
    return out;
  }

  /** {@code Lcls;->name(PARAMS)RET}, with {@code *} allowed for the class and/or the whole prototype. */
  public static MethodPattern parseMethodPattern(String s, boolean allowWildcards) throws BadDescriptor {
    int arrow = s.indexOf("->");
    if (arrow < 0) {
      throw new BadDescriptor(0, "a method reference looks like Lcls;->name(PARAMS)RET: " + s);
    }
    String cls = s.substring(0, arrow);
    if (cls.equals("*")) {
      if (!allowWildcards) {
        throw new BadDescriptor(0, "'*' is not allowed here");
      }
      cls = null;
    } else {
      checkTypeAt(cls, 0, true);
    }
    String rest = s.substring(arrow + 2);
    int paren = rest.indexOf('(');
    if (rest.endsWith("*") && paren < 0) {
      if (!allowWildcards) {
        throw new BadDescriptor(s.length() - 1, "'*' is not allowed here");
      }
      String name = rest.substring(0, rest.length() - 1);
      checkNameAt(name, arrow + 2);
      return new MethodPattern(cls, name, null, null);
    }
    if (paren < 0) {
      throw new BadDescriptor(arrow + 2, "method reference has no prototype: " + s);
    }
    String name = rest.substring(0, paren);
    checkNameAt(name, arrow + 2);
    List<String> proto;
    try {
      proto = parseProto(rest.substring(paren));
    } catch (BadDescriptor e) {
      throw new BadDescriptor(arrow + 2 + paren + e.offset(), e.getMessage());
    }
    return new MethodPattern(cls, name, proto.subList(0, proto.size() - 1), proto.get(proto.size() - 1));
  }

  /** {@code Lcls;->name:TYPE}. */
  public static FieldPattern parseFieldPattern(String s) throws BadDescriptor {
    int arrow = s.indexOf("->");
    int colon = s.indexOf(':', Math.max(arrow, 0));
    if (arrow < 0 || colon < 0) {
      throw new BadDescriptor(0, "a field reference looks like Lcls;->name:TYPE: " + s);
    }
    String cls = s.substring(0, arrow);
    checkTypeAt(cls, 0, true);
    String name = s.substring(arrow + 2, colon);
    try {
      checkMemberName(name);
    } catch (BadDescriptor e) {
      throw new BadDescriptor(arrow + 2 + e.offset(), e.getMessage());
    }
    String type = s.substring(colon + 1);
    try {
      checkType(type, false);
    } catch (BadDescriptor e) {
      throw new BadDescriptor(colon + 1 + e.offset(), e.getMessage());
    }
    return new FieldPattern(cls, name, type);
  }

  /** A string as a smali / patch-file literal: quoted, with Java escapes for anything unusual. */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        case '\'' -> sb.append("\\'");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  // ---------------------------------------------------------------------------------------------------------

  private static void checkTypeAt(String s, int base, boolean referenceOnly) throws BadDescriptor {
    try {
      checkType(s, false);
      if (referenceOnly && !(s.startsWith("L") || s.startsWith("["))) {
        throw new BadDescriptor(0, "'" + s + "' is not a class or array type");
      }
    } catch (BadDescriptor e) {
      throw new BadDescriptor(base + e.offset(), e.getMessage());
    }
  }

  private static void checkNameAt(String name, int base) throws BadDescriptor {
    try {
      checkMethodName(name);
    } catch (BadDescriptor e) {
      throw new BadDescriptor(base + e.offset(), e.getMessage());
    }
  }

  /** The index just after the type starting at {@code p}. */
  private static int typeEnd(String s, int p, boolean allowVoid) throws BadDescriptor {
    if (p >= s.length()) {
      throw new BadDescriptor(p, "missing type");
    }
    int dims = 0;
    while (p < s.length() && s.charAt(p) == '[') {
      dims++;
      p++;
    }
    if (dims > 255) {
      throw new BadDescriptor(p, "array type with more than 255 dimensions");
    }
    if (p >= s.length()) {
      throw new BadDescriptor(p, "array type without element type");
    }
    char c = s.charAt(p);
    switch (c) {
      case 'Z', 'B', 'S', 'C', 'I', 'J', 'F', 'D':
        return p + 1;
      case 'V':
        if (!allowVoid || dims > 0) {
          throw new BadDescriptor(p, "'V' (void) is only allowed as a return type");
        }
        return p + 1;
      case 'L': {
        int semi = s.indexOf(';', p);
        if (semi < 0) {
          throw new BadDescriptor(p, "class descriptor has no closing ';'");
        }
        int q = p + 1;
        while (true) {
          int slash = s.indexOf('/', q);
          int segEnd = slash < 0 || slash > semi ? semi : slash;
          checkSimpleName(s, q, segEnd);
          if (segEnd == semi) {
            break;
          }
          q = segEnd + 1;
        }
        return semi + 1;
      }
      default:
        throw new BadDescriptor(p, "'" + c + "' does not start a type descriptor");
    }
  }

  /** Dex SimpleName: letters, digits, {@code $ - _} and the non-ASCII ranges the format allows. */
  private static void checkSimpleName(String s, int from, int to) throws BadDescriptor {
    if (to <= from) {
      throw new BadDescriptor(from, "empty name in '" + s + "'");
    }
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '$' || c == '-' || c == '_'
          || (c >= 0x00a1 && c <= 0x1fff) || (c >= 0x2010 && c <= 0x2027) || (c >= 0x2030 && c <= 0xd7ff)
          || (c >= 0xe000 && c <= 0xffef) || Character.isSurrogate(c);
      if (!ok) {
        throw new BadDescriptor(i, "character '" + c + "' is not allowed in a dex name ('" + s + "')");
      }
    }
  }
}
