package dev.untrack.patcher.action;

import dev.untrack.patcher.patch.Descriptors;
import dev.untrack.patcher.patch.Literal;
import java.util.List;

/**
 * The smali for "return the neutral value" and "return this constant", per return type. Code uses {@code v0}
 * (and {@code v1} for wide values) only.
 */
public final class ReturnValues {
  private ReturnValues() {}

  /** Locals the code from {@link #neutral} or {@link #constant} needs. */
  public static int locals(String returnType) {
    return returnType.equals("J") || returnType.equals("D") ? 2 : returnType.equals("V") ? 0 : 1;
  }

  /** What {@code return-default} returns, in words, for reports. */
  public static String describeNeutral(String returnType) {
    return switch (returnType) {
      case "V" -> "nothing";
      case "Z" -> "false";
      case "B", "S", "C", "I", "J", "F", "D" -> "0";
      case "Ljava/lang/String;" -> "\"\"";
      case "Ljava/util/List;", "Ljava/util/Collection;" -> "an empty list";
      case "Ljava/util/Set;" -> "an empty set";
      case "Ljava/util/Map;" -> "an empty map";
      case "Lorg/json/JSONObject;" -> "a new empty JSONObject";
      default -> returnType.startsWith("[") ? "an empty array" : "null";
    };
  }

  /** Lines returning the neutral value of {@code returnType}. */
  public static List<String> neutral(String returnType) {
    switch (returnType) {
      case "V":
        return List.of("return-void");
      case "Z", "B", "S", "C", "I", "F":
        return List.of("const/4 v0, 0x0", "return v0");
      case "J", "D":
        return List.of("const-wide/16 v0, 0x0", "return-wide v0");
      case "Ljava/lang/String;":
        return List.of("const-string v0, \"\"", "return-object v0");
      case "Ljava/util/List;", "Ljava/util/Collection;":
        return emptyCollection("emptyList", "Ljava/util/List;");
      case "Ljava/util/Set;":
        return emptyCollection("emptySet", "Ljava/util/Set;");
      case "Ljava/util/Map;":
        return emptyCollection("emptyMap", "Ljava/util/Map;");
      case "Lorg/json/JSONObject;":
        return List.of("new-instance v0, Lorg/json/JSONObject;",
            "invoke-direct {v0}, Lorg/json/JSONObject;-><init>()V", "return-object v0");
      default:
        if (returnType.startsWith("[")) {
          return List.of("const/4 v0, 0x0", "new-array v0, v0, " + returnType, "return-object v0");
        }
        return List.of("const/4 v0, 0x0", "return-object v0");
    }
  }

  private static List<String> emptyCollection(String method, String type) {
    return List.of("invoke-static {}, Ljava/util/Collections;->" + method + "()" + type, "move-result-object v0",
        "return-object v0");
  }

  /** Why {@code value} cannot be returned from a method returning {@code returnType}, or null if it can. */
  public static String mismatch(Literal value, String returnType) {
    boolean reference = returnType.startsWith("L") || returnType.startsWith("[");
    if (returnType.equals("V")) {
      return "'return " + value + "' on a method returning void: use return-default";
    }
    if (value instanceof Literal.Null) {
      return reference ? null : "'return null' needs a reference return type, not " + returnType;
    }
    if (value instanceof Literal.Str) {
      return switch (returnType) {
        case "Ljava/lang/String;", "Ljava/lang/CharSequence;", "Ljava/lang/Object;" -> null;
        default -> "a string cannot be returned as " + returnType;
      };
    }
    if (value instanceof Literal.Bool) {
      return switch (returnType) {
        case "Z", "B", "S", "C", "I" -> null;
        default -> "'return " + value + "' needs a boolean or integer return type, not " + returnType;
      };
    }
    long v = ((Literal.Int) value).value();
    return switch (returnType) {
      case "Z" -> v == 0 || v == 1 ? null : "a boolean can only return 0 or 1";
      case "B" -> v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE ? null : v + " does not fit a byte";
      case "S" -> v >= Short.MIN_VALUE && v <= Short.MAX_VALUE ? null : v + " does not fit a short";
      case "C" -> v >= 0 && v <= 0xffff ? null : v + " does not fit a char";
      case "I" -> v >= Integer.MIN_VALUE && v <= 0xffffffffL ? null : v + " does not fit an int";
      case "J" -> null;
      default -> "'return " + value + "' cannot return " + returnType
          + (returnType.equals("F") || returnType.equals("D") ? " (use replace for floating point)" : "");
    };
  }

  /** Lines returning {@code value}; {@link #mismatch} must have accepted it. */
  public static List<String> constant(Literal value, String returnType) {
    if (value instanceof Literal.Null) {
      return List.of("const/4 v0, 0x0", "return-object v0");
    }
    if (value instanceof Literal.Str s) {
      return List.of("const-string v0, " + Descriptors.quote(s.value()), "return-object v0");
    }
    long v = value instanceof Literal.Bool b ? (b.value() ? 1 : 0) : ((Literal.Int) value).value();
    if (returnType.equals("J")) {
      return List.of("const-wide v0, " + v + "L", "return-wide v0");
    }
    int i = (int) v;
    String load = i >= -8 && i <= 7 ? "const/4 v0, " + i : "const v0, " + i;
    return List.of(load, "return v0");
  }
}
