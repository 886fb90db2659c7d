package dev.untrack.checker.flow;

import dev.untrack.checker.dex.MethodRef;
import java.util.Set;

/**
 * Framework and library methods known to have no effect outside the values they return (or the object being
 * constructed): what a neutralized method body may call and still count as "no side effects" — for example
 * {@code new JSONObject()} or {@code Collections.emptyList()}. Deliberately short: anything not listed counts
 * as a side effect.
 */
final class PureApi {
  private static final Set<String> CLASSES_ALL_PURE = Set.of(
      "Ljava/lang/String;", "Ljava/lang/StringBuilder;", "Ljava/lang/Math;", "Ljava/lang/StrictMath;",
      "Ljava/lang/Integer;", "Ljava/lang/Long;", "Ljava/lang/Boolean;", "Ljava/lang/Short;", "Ljava/lang/Byte;",
      "Ljava/lang/Character;", "Ljava/lang/Float;", "Ljava/lang/Double;", "Landroid/text/TextUtils;",
      "Ljava/util/Objects;", "Lkotlin/jvm/internal/Intrinsics;");

  private static final Set<String> CONSTRUCTORS = Set.of(
      "Ljava/lang/Object;", "Lorg/json/JSONObject;", "Lorg/json/JSONArray;", "Ljava/util/ArrayList;",
      "Ljava/util/HashMap;", "Ljava/util/LinkedHashMap;", "Ljava/util/HashSet;", "Ljava/util/LinkedHashSet;",
      "Ljava/util/TreeMap;", "Landroid/os/Bundle;", "Ljava/lang/StringBuilder;", "Ljava/lang/String;",
      "Ljava/lang/RuntimeException;", "Ljava/lang/IllegalStateException;",
      "Ljava/lang/IllegalArgumentException;", "Ljava/lang/UnsupportedOperationException;");

  private PureApi() {}

  static boolean isPure(MethodRef ref) {
    String cls = ref.definingClass();
    String name = ref.name();
    if (name.equals("<init>")) {
      return CONSTRUCTORS.contains(cls);
    }
    if (CLASSES_ALL_PURE.contains(cls)) {
      return true;
    }
    switch (cls) {
      case "Ljava/util/Collections;":
        return name.startsWith("empty") || name.startsWith("unmodifiable") || name.startsWith("singleton");
      case "Ljava/util/List;":
      case "Ljava/util/Set;":
      case "Ljava/util/Map;":
        return name.equals("of") || name.equals("copyOf");
      case "Landroid/util/Log;":
        return true; // logcat, not a network path
      case "Landroid/content/Context;":
        return name.equals("getContentResolver") || name.equals("getApplicationContext");
      case "Ljava/lang/Object;":
        return name.equals("getClass") || name.equals("hashCode") || name.equals("equals");
      default:
        return false;
    }
  }
}
