package dev.untrack.patcher.patch;

import java.util.List;

/**
 * A method reference in a fingerprint ({@code calls}) or action ({@code gate}). A null class or prototype stands
 * for {@code *}.
 */
public record MethodPattern(String definingClass, String name, List<String> params, String returnType) {
  public MethodPattern {
    params = params == null ? null : List.copyOf(params);
  }

  public boolean hasProto() {
    return params != null;
  }

  public boolean matches(String cls, String n, List<? extends CharSequence> ps, String ret) {
    if (!name.equals(n)) {
      return false;
    }
    if (definingClass != null && !definingClass.equals(cls)) {
      return false;
    }
    if (params == null) {
      return true;
    }
    if (!returnType.equals(ret) || params.size() != ps.size()) {
      return false;
    }
    for (int i = 0; i < params.size(); i++) {
      if (!params.get(i).contentEquals(ps.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return (definingClass == null ? "*" : definingClass) + "->" + name
        + (params == null ? "*" : "(" + String.join("", params) + ")" + returnType);
  }
}
