package dev.untrack.patcher.action;

import java.util.function.IntUnaryOperator;
import org.jf.dexlib2.iface.debug.DebugItem;
import org.jf.dexlib2.iface.debug.EndLocal;
import org.jf.dexlib2.iface.debug.EpilogueBegin;
import org.jf.dexlib2.iface.debug.LineNumber;
import org.jf.dexlib2.iface.debug.PrologueEnd;
import org.jf.dexlib2.iface.debug.RestartLocal;
import org.jf.dexlib2.iface.debug.SetSourceFile;
import org.jf.dexlib2.iface.debug.StartLocal;
import org.jf.dexlib2.immutable.debug.ImmutableDebugItem;
import org.jf.dexlib2.immutable.debug.ImmutableEndLocal;
import org.jf.dexlib2.immutable.debug.ImmutableEpilogueBegin;
import org.jf.dexlib2.immutable.debug.ImmutableLineNumber;
import org.jf.dexlib2.immutable.debug.ImmutablePrologueEnd;
import org.jf.dexlib2.immutable.debug.ImmutableRestartLocal;
import org.jf.dexlib2.immutable.debug.ImmutableSetSourceFile;
import org.jf.dexlib2.immutable.debug.ImmutableStartLocal;

/** Debug info moved to another code address and, for local-variable items, another register. */
final class DebugItems {
  private DebugItems() {}

  static ImmutableDebugItem moved(DebugItem d, int addressDelta, IntUnaryOperator register) {
    int at = d.getCodeAddress() + addressDelta;
    if (d instanceof StartLocal s) {
      return new ImmutableStartLocal(at, register.applyAsInt(s.getRegister()), s.getName(), s.getType(), s.getSignature());
    }
    if (d instanceof EndLocal e) {
      return new ImmutableEndLocal(at, register.applyAsInt(e.getRegister()), e.getName(), e.getType(), e.getSignature());
    }
    if (d instanceof RestartLocal r) {
      return new ImmutableRestartLocal(at, register.applyAsInt(r.getRegister()), r.getName(), r.getType(),
          r.getSignature());
    }
    if (d instanceof LineNumber l) {
      return new ImmutableLineNumber(at, l.getLineNumber());
    }
    if (d instanceof SetSourceFile s) {
      return new ImmutableSetSourceFile(at, s.getSourceFile());
    }
    if (d instanceof PrologueEnd) {
      return new ImmutablePrologueEnd(at);
    }
    if (d instanceof EpilogueBegin) {
      return new ImmutableEpilogueBegin(at);
    }
    throw new IllegalArgumentException("unknown debug item " + d.getDebugItemType());
  }
}
