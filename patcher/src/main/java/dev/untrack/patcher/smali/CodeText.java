package dev.untrack.patcher.smali;

import org.jf.dexlib2.iface.ExceptionHandler;
import org.jf.dexlib2.iface.MethodImplementation;
import org.jf.dexlib2.iface.TryBlock;
import org.jf.dexlib2.iface.instruction.FiveRegisterInstruction;
import org.jf.dexlib2.iface.instruction.Instruction;
import org.jf.dexlib2.iface.instruction.NarrowLiteralInstruction;
import org.jf.dexlib2.iface.instruction.OffsetInstruction;
import org.jf.dexlib2.iface.instruction.OneRegisterInstruction;
import org.jf.dexlib2.iface.instruction.ReferenceInstruction;
import org.jf.dexlib2.iface.instruction.RegisterRangeInstruction;
import org.jf.dexlib2.iface.instruction.SwitchElement;
import org.jf.dexlib2.iface.instruction.SwitchPayload;
import org.jf.dexlib2.iface.instruction.ThreeRegisterInstruction;
import org.jf.dexlib2.iface.instruction.TwoRegisterInstruction;
import org.jf.dexlib2.iface.instruction.WideLiteralInstruction;
import org.jf.dexlib2.iface.instruction.formats.ArrayPayload;
import org.jf.dexlib2.util.ReferenceUtil;

/**
 * A canonical text of a method body (frame size, instructions, try blocks; not debug info), so two bodies can be
 * compared for equality whichever dex or builder they come from. Used to recognise code that is already patched.
 */
public final class CodeText {
  private CodeText() {}

  public static String of(MethodImplementation impl) {
    StringBuilder sb = new StringBuilder();
    sb.append(".registers ").append(impl.getRegisterCount()).append('\n');
    for (Instruction i : impl.getInstructions()) {
      append(sb, i);
      sb.append('\n');
    }
    for (TryBlock<? extends ExceptionHandler> t : impl.getTryBlocks()) {
      sb.append(".try ").append(t.getStartCodeAddress()).append('+').append(t.getCodeUnitCount());
      for (ExceptionHandler h : t.getExceptionHandlers()) {
        sb.append(' ').append(h.getExceptionType()).append('@').append(h.getHandlerCodeAddress());
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** The text of the first {@code n} instructions. */
  public static String prefix(MethodImplementation impl, int n) {
    StringBuilder sb = new StringBuilder();
    int k = 0;
    for (Instruction i : impl.getInstructions()) {
      if (k++ == n) {
        break;
      }
      append(sb, i);
      sb.append('\n');
    }
    return sb.toString();
  }

  static void append(StringBuilder sb, Instruction i) {
    sb.append(i.getOpcode().name);
    if (i instanceof FiveRegisterInstruction f) {
      int[] r = {f.getRegisterC(), f.getRegisterD(), f.getRegisterE(), f.getRegisterF(), f.getRegisterG()};
      sb.append(" {");
      for (int k = 0; k < f.getRegisterCount(); k++) {
        sb.append(k == 0 ? "v" : ", v").append(r[k]);
      }
      sb.append('}');
    } else if (i instanceof RegisterRangeInstruction rr) {
      sb.append(" {v").append(rr.getStartRegister()).append(" +").append(rr.getRegisterCount()).append('}');
    } else {
      if (i instanceof OneRegisterInstruction o) {
        sb.append(" v").append(o.getRegisterA());
      }
      if (i instanceof TwoRegisterInstruction t) {
        sb.append(" v").append(t.getRegisterB());
      }
      if (i instanceof ThreeRegisterInstruction t) {
        sb.append(" v").append(t.getRegisterC());
      }
    }
    if (i instanceof WideLiteralInstruction w) {
      sb.append(" #").append(w.getWideLiteral());
    } else if (i instanceof NarrowLiteralInstruction n) {
      sb.append(" #").append(n.getNarrowLiteral());
    }
    if (i instanceof ReferenceInstruction r) {
      sb.append(' ').append(ReferenceUtil.getReferenceString(r.getReference()));
    }
    if (i instanceof OffsetInstruction o) {
      sb.append(" @").append(o.getCodeOffset());
    }
    if (i instanceof SwitchPayload s) {
      for (SwitchElement e : s.getSwitchElements()) {
        sb.append(' ').append(e.getKey()).append("->").append(e.getOffset());
      }
    }
    if (i instanceof ArrayPayload a) {
      sb.append(" w").append(a.getElementWidth()).append(' ').append(a.getArrayElements());
    }
  }
}
