package dev.untrack.checker.flow;

import dev.untrack.checker.dex.AppCode;
import dev.untrack.checker.dex.MethodRef;
import java.util.Objects;

/**
 * What the dataflow knows about a register: nothing, a constant, a string constant, a method parameter, or the
 * result of a call (resolved only when a branch or return needs it). A constant may carry the consent source it
 * was derived from ("Settings.Secure upload_log_pref, default 0"), which is how gates are recognised.
 */
public final class Val {
  enum Kind { UNKNOWN, CONST, STRING, PARAM, CALL }

  static final Val UNKNOWN = new Val(Kind.UNKNOWN, 0, null, null, null, null);

  final Kind kind;
  final long num;
  final String str;
  final String consent;
  final MethodRef call;
  final AppCode.InvokeKind invokeKind;

  private Val(Kind kind, long num, String str, String consent, MethodRef call, AppCode.InvokeKind invokeKind) {
    this.kind = kind;
    this.num = num;
    this.str = str;
    this.consent = consent;
    this.call = call;
    this.invokeKind = invokeKind;
  }

  static Val constant(long v) {
    return new Val(Kind.CONST, v, null, null, null, null);
  }

  /** A constant known only because every consent switch is assumed unset; {@code source} says which. */
  static Val consent(long v, String source) {
    return new Val(Kind.CONST, v, null, source, null, null);
  }

  static Val string(String s) {
    return new Val(Kind.STRING, 0, s, null, null, null);
  }

  static Val param(int index) {
    return new Val(Kind.PARAM, index, null, null, null, null);
  }

  static Val call(MethodRef ref, AppCode.InvokeKind kind) {
    return new Val(Kind.CALL, 0, null, null, ref, kind);
  }

  boolean isConst() {
    return kind == Kind.CONST;
  }

  boolean isUnknown() {
    return kind == Kind.UNKNOWN;
  }

  /** The least upper bound in the flat lattice. */
  static Val join(Val a, Val b) {
    if (a == null) {
      return b;
    }
    if (b == null || a == b || a.equals(b)) {
      return a;
    }
    if (a.kind == Kind.CONST && b.kind == Kind.CONST && a.num == b.num) {
      // the same number on every path, derived from a consent switch on some: still that number, and still a
      // consent value
      return a.consent != null ? a : b;
    }
    return UNKNOWN;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Val)) {
      return false;
    }
    Val v = (Val) o;
    return kind == v.kind && num == v.num && Objects.equals(str, v.str) && Objects.equals(consent, v.consent)
        && Objects.equals(call, v.call) && invokeKind == v.invokeKind;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, num, str, consent, call);
  }

  @Override
  public String toString() {
    switch (kind) {
      case CONST:
        return consent == null ? Long.toString(num) : num + " (" + consent + ")";
      case STRING:
        return '"' + str + '"';
      case PARAM:
        return "p" + num;
      case CALL:
        return "result of " + call.key();
      default:
        return "?";
    }
  }
}
