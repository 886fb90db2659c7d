package dev.untrack.checker.dex;

import java.util.List;

/**
 * A method as a reference names it: {@code Lcls;->name(PARAMS)RET}. Equal keys in two dex files of an app
 * denote the same method.
 */
public record MethodRef(String definingClass, String name, List<String> parameterTypes, String returnType) {
  public MethodRef {
    parameterTypes = List.copyOf(parameterTypes);
  }

  public String proto() {
    StringBuilder sb = new StringBuilder("(");
    for (String p : parameterTypes) {
      sb.append(p);
    }
    return sb.append(')').append(returnType).toString();
  }

  /** Name and prototype, the part that identifies a method within its class. */
  public String signature() {
    return name + proto();
  }

  public String key() {
    return definingClass + "->" + signature();
  }

  /** Registers the arguments occupy, receiver included for instance calls. */
  public int argumentRegisters(boolean isStatic) {
    int n = isStatic ? 0 : 1;
    for (String p : parameterTypes) {
      n += isWide(p) ? 2 : 1;
    }
    return n;
  }

  /** For each parameter, its register position among the invoke's argument registers. */
  public int[] parameterPositions(boolean isStatic) {
    int[] pos = new int[parameterTypes.size()];
    int r = isStatic ? 0 : 1;
    for (int i = 0; i < pos.length; i++) {
      pos[i] = r;
      r += isWide(parameterTypes.get(i)) ? 2 : 1;
    }
    return pos;
  }

  static boolean isWide(String t) {
    return t.equals("J") || t.equals("D");
  }

  @Override
  public String toString() {
    return key();
  }
}
