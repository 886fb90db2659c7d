package dev.untrack.patcher.match;

import java.util.List;

/** A method a fingerprint found: where (dex entry) and which (class, name, prototype). */
public record MethodMatch(String dex, int dexNumber, String definingClass, String name, List<String> params,
    String returnType, int accessFlags) {
  public MethodMatch {
    params = List.copyOf(params);
  }

  /** {@code Lcls;->name(PARAMS)RET}. */
  public String ref() {
    return definingClass + "->" + name + "(" + String.join("", params) + ")" + returnType;
  }

  /** {@code Lcls;->name(PARAMS)RET in classes2.dex}. */
  public String describe() {
    return ref() + " in " + dex;
  }

  public boolean isStatic() {
    return (accessFlags & 0x8) != 0;
  }
}
