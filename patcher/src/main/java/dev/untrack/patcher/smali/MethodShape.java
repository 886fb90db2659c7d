package dev.untrack.patcher.smali;

import java.util.List;
import org.jf.dexlib2.util.MethodUtil;

/** What smali needs to know about a method to map {@code pN} registers: static-ness and the prototype. */
public record MethodShape(boolean isStatic, List<String> params, String returnType) {
  public MethodShape {
    params = List.copyOf(params);
  }

  /** Registers taken by the parameters, {@code this} included. */
  public int parameterRegisters() {
    return MethodUtil.getParameterRegisterCount(params, isStatic);
  }

  public String proto() {
    return "(" + String.join("", params) + ")" + returnType;
  }
}
