package dev.untrack.patcher.action;

import dev.untrack.patcher.PatchException;
import dev.untrack.patcher.PatchSyntaxException;
import dev.untrack.patcher.patch.SourcePos;
import dev.untrack.patcher.smali.BodyAssembler;
import dev.untrack.patcher.smali.MethodShape;
import java.util.ArrayList;
import java.util.List;
import org.jf.dexlib2.Opcode;
import org.jf.dexlib2.iface.ExceptionHandler;
import org.jf.dexlib2.iface.MethodImplementation;
import org.jf.dexlib2.iface.TryBlock;
import org.jf.dexlib2.iface.debug.DebugItem;
import org.jf.dexlib2.iface.instruction.Instruction;
import org.jf.dexlib2.immutable.ImmutableExceptionHandler;
import org.jf.dexlib2.immutable.ImmutableMethodImplementation;
import org.jf.dexlib2.immutable.ImmutableTryBlock;
import org.jf.dexlib2.immutable.debug.ImmutableDebugItem;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction10x;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction32x;

/**
 * Runs smali before a method's original body. The runtime puts parameters in the last registers of the frame,
 * so when the prepended code needs more locals than the original has, the frame grows and the original code
 * must find its parameters at their new numbers. Three layouts, tried in order:
 *
 * <ol>
 *   <li><b>fits</b>: the prepended code needs no more locals than the original has; the frame is unchanged.
 *   <li><b>shift</b>: the original's parameter registers are renumbered up by the growth ({@link RegisterShifter});
 *       refused when a renumbered register no longer fits its instruction, a range or wide pair straddles the
 *       boundary.
 *   <li><b>copy</b>: the original code is left untouched and, after the prepended code, {@code move/16}-family
 *       instructions copy every parameter from the top of the larger frame to where the original expects it.
 * </ol>
 *
 * The prepended code is assembled against the final frame, so smali itself rejects a register that does not
 * fit (reported at its line in the patch file). Code addresses of the original body move by the prepended
 * length (padded to an even number of code units so switch and array payloads stay aligned); branches are
 * relative, so only try blocks and debug info need moving. A label at the very end of the prepended code
 * refers to the first instruction of the original body.
 */
public final class Prepender {
  private Prepender() {}

  /** How the frame was arranged, for the report. */
  public enum Layout { FITS, SHIFT, COPY }

  /** The combined body and how it was laid out. */
  public record Result(MethodImplementation implementation, Layout layout, String note, int prepended,
      int addedRegisters) {}

  public static Result prepend(MethodImplementation original, List<String> lines, SourcePos firstLine,
      MethodShape shape, int apiLevel, String patchId, String target) throws PatchException {
    int r = original.getRegisterCount();
    int ins = shape.parameterRegisters();
    int origLocals = r - ins;
    if (origLocals < 0) {
      throw new PatchException(patchId, target, "the method has " + r + " registers, fewer than its " + ins
          + " parameter registers (corrupt code item)");
    }
    BodyAssembler.Frame frame = BodyAssembler.frame(lines, firstLine);
    int wanted = frame == null ? 0 : frame.isLocals() ? frame.count() : frame.count() - ins;
    if (wanted < 0) {
      throw new PatchSyntaxException(firstLine, "'.registers " + frame.count() + "' is fewer than the "
          + ins + " parameter registers of " + target);
    }

    Layout layout;
    int locals;
    MethodImplementation body = original;
    List<ImmutableInstruction> moves = new ArrayList<>();
    String note = null;
    if (wanted <= origLocals) {
      layout = Layout.FITS;
      locals = origLocals;
    } else {
      RegisterShifter.Refusal why = new RegisterShifter.Refusal();
      MethodImplementation shifted = RegisterShifter.shift(original, origLocals, wanted - origLocals, why);
      if (shifted != null) {
        layout = Layout.SHIFT;
        locals = wanted;
        body = shifted;
      } else {
        layout = Layout.COPY;
        note = why.reason;
        locals = Math.max(r, wanted);
        int slot = 0;
        if (!shape.isStatic()) {
          moves.add(new ImmutableInstruction32x(Opcode.MOVE_OBJECT_16, origLocals, locals));
          slot = 1;
        }
        for (String p : shape.params()) {
          char c = p.charAt(0);
          Opcode op = c == 'J' || c == 'D' ? Opcode.MOVE_WIDE_16 : c == 'L' || c == '[' ? Opcode.MOVE_OBJECT_16
              : Opcode.MOVE_16;
          moves.add(new ImmutableInstruction32x(op, origLocals + slot, locals + slot));
          slot += op == Opcode.MOVE_WIDE_16 ? 2 : 1;
        }
      }
    }
    int frameSize = locals + ins;
    if (frameSize > 0xffff) {
      throw new PatchException(patchId, target, "the combined method would need " + frameSize
          + " registers, more than a dex method can have (65535)");
    }

    List<String> text = BodyAssembler.withLocals(lines, frame, locals);
    text.add("nop"); // anchors labels written at the very end of the block
    MethodImplementation pre = BodyAssembler.assemble(text, firstLine, frame == null, shape, apiLevel);

    List<ImmutableInstruction> out = new ArrayList<>();
    List<Instruction> preInsns = new ArrayList<>();
    pre.getInstructions().forEach(preInsns::add);
    Instruction sentinel = preInsns.remove(preInsns.size() - 1);
    if (sentinel.getOpcode() != Opcode.NOP) {
      throw new IllegalStateException("sentinel nop missing");
    }
    int shift = 0;
    for (Instruction i : preInsns) {
      out.add(ImmutableInstruction.of(i));
      shift += i.getCodeUnits();
    }
    for (ImmutableInstruction m : moves) {
      out.add(m);
      shift += m.getCodeUnits();
    }
    if (shift % 2 != 0) {
      out.add(new ImmutableInstruction10x(Opcode.NOP));
      shift++;
    }
    for (Instruction i : body.getInstructions()) {
      out.add(ImmutableInstruction.of(i));
    }

    List<ImmutableTryBlock> tries = new ArrayList<>();
    for (TryBlock<? extends ExceptionHandler> t : pre.getTryBlocks()) {
      tries.add(ImmutableTryBlock.of(t));
    }
    for (TryBlock<? extends ExceptionHandler> t : body.getTryBlocks()) {
      List<ImmutableExceptionHandler> hs = new ArrayList<>();
      for (ExceptionHandler h : t.getExceptionHandlers()) {
        hs.add(new ImmutableExceptionHandler(h.getExceptionType(), h.getHandlerCodeAddress() + shift));
      }
      tries.add(new ImmutableTryBlock(t.getStartCodeAddress() + shift, t.getCodeUnitCount(), hs));
    }
    List<ImmutableDebugItem> debug = new ArrayList<>();
    for (DebugItem d : pre.getDebugItems()) {
      debug.add(DebugItems.moved(d, 0, x -> x));
    }
    for (DebugItem d : body.getDebugItems()) {
      debug.add(DebugItems.moved(d, shift, x -> x));
    }
    return new Result(new ImmutableMethodImplementation(frameSize, out, tries, debug), layout, note,
        preInsns.size(), frameSize - r);
  }
}
