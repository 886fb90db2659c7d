package dev.untrack.patcher.action;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jf.dexlib2.Opcode;
import org.jf.dexlib2.iface.MethodImplementation;
import org.jf.dexlib2.iface.instruction.Instruction;
import org.jf.dexlib2.iface.instruction.OneRegisterInstruction;
import org.jf.dexlib2.iface.instruction.ReferenceInstruction;
import org.jf.dexlib2.iface.reference.StringReference;
import org.jf.dexlib2.immutable.ImmutableMethodImplementation;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction21c;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction31c;
import org.jf.dexlib2.immutable.reference.ImmutableStringReference;

/**
 * Rewrites string constants ({@code const-string}, {@code const-string/jumbo}) in one method. Each instruction
 * keeps its format and size; if the new string's index outgrows 16 bits, the dex writer widens the instruction
 * to the jumbo form and fixes the offsets around it.
 */
public final class StringRewriter {
  private StringRewriter() {}

  /** The rewritten body and how many constants changed (0: the body is returned unchanged). */
  public record Result(MethodImplementation implementation, int replaced) {}

  /** {@code rewrite} returns the new value for a constant, or null to keep it. */
  public static Result rewrite(MethodImplementation impl, UnaryOperator<String> rewrite) {
    List<ImmutableInstruction> out = new ArrayList<>();
    int replaced = 0;
    for (Instruction i : impl.getInstructions()) {
      Opcode op = i.getOpcode();
      if (op == Opcode.CONST_STRING || op == Opcode.CONST_STRING_JUMBO) {
        String old = ((StringReference) ((ReferenceInstruction) i).getReference()).getString();
        String now = rewrite.apply(old);
        if (now != null && !now.equals(old)) {
          int reg = ((OneRegisterInstruction) i).getRegisterA();
          ImmutableStringReference ref = new ImmutableStringReference(now);
          out.add(op == Opcode.CONST_STRING ? new ImmutableInstruction21c(op, reg, ref)
              : new ImmutableInstruction31c(op, reg, ref));
          replaced++;
          continue;
        }
      }
      out.add(ImmutableInstruction.of(i));
    }
    if (replaced == 0) {
      return new Result(impl, 0);
    }
    return new Result(new ImmutableMethodImplementation(impl.getRegisterCount(), out, impl.getTryBlocks(),
        impl.getDebugItems()), replaced);
  }
}
