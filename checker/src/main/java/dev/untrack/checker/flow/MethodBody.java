package dev.untrack.checker.flow;

import dev.untrack.checker.CheckerException;
import dev.untrack.checker.dex.AppCode;
import dev.untrack.checker.dex.DexImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jf.dexlib2.dexbacked.DexBackedMethod;
import org.jf.dexlib2.dexbacked.DexBackedMethodImplementation;
import org.jf.dexlib2.dexbacked.instruction.DexBackedInstruction;
import org.jf.dexlib2.iface.ExceptionHandler;
import org.jf.dexlib2.iface.TryBlock;
import org.jf.dexlib2.iface.instruction.Instruction;
import org.jf.dexlib2.iface.instruction.ReferenceInstruction;
import org.jf.dexlib2.iface.reference.MethodReference;
import org.jf.dexlib2.iface.reference.Reference;
import org.jf.dexlib2.iface.reference.StringReference;

/**
 * A method's instructions decoded once: each with its code-unit address and its absolute offset in the dex file,
 * plus try ranges. The unit of the dataflow and of the reports.
 */
final class MethodBody {
  /** Largest method analysed instruction by instruction; larger ones are treated conservatively. */
  static final int MAX_INSNS = 60_000;

  record Try(int startAddr, int endAddr, int[] handlerAddrs) {}

  final AppCode.MethodLoc loc;
  final Instruction[] insns;
  final int[] addr;
  final int[] offset;
  final int registers;
  final int ins;
  final boolean isStatic;
  final List<Try> tries;
  /** Per instruction: the {@link MethodRef} an invoke names, the String a const-string loads, or null. */
  final Object[] refs;
  private final int[] indexOfAddr;

  private MethodBody(AppCode.MethodLoc loc, Instruction[] insns, int[] addr, int[] offset, int registers, int ins,
      boolean isStatic, List<Try> tries, int[] indexOfAddr, Object[] refs) {
    this.loc = loc;
    this.insns = insns;
    this.addr = addr;
    this.offset = offset;
    this.registers = registers;
    this.ins = ins;
    this.isStatic = isStatic;
    this.tries = tries;
    this.indexOfAddr = indexOfAddr;
    this.refs = refs;
  }

  static MethodBody decode(AppCode app, AppCode.MethodLoc loc) throws CheckerException {
    DexImage d = loc.dex();
    DexBackedMethod m = app.decode(loc);
    try {
      DexBackedMethodImplementation impl = m.getImplementation();
      if (impl == null) {
        throw d.corruptAt(loc.codeOffset(), "method " + loc.ref().key() + " has no code");
      }
      List<Instruction> list = new ArrayList<>();
      List<Integer> addrs = new ArrayList<>();
      int a = 0;
      for (Instruction i : impl.getInstructions()) {
        if (list.size() >= MAX_INSNS) {
          throw d.corruptAt(loc.codeOffset(), "method " + loc.ref().key() + " has more than " + MAX_INSNS
              + " instructions");
        }
        list.add(i);
        addrs.add(a);
        a += i.getCodeUnits();
      }
      int n = list.size();
      Instruction[] insns = list.toArray(new Instruction[0]);
      int[] addr = new int[n];
      int[] offset = new int[n];
      int[] byAddr = new int[a + 1];
      Arrays.fill(byAddr, -1);
      for (int i = 0; i < n; i++) {
        addr[i] = addrs.get(i);
        offset[i] = insns[i] instanceof DexBackedInstruction ? ((DexBackedInstruction) insns[i]).instructionStart
            : loc.codeOffset() + 16 + 2 * addr[i];
        byAddr[addr[i]] = i;
      }
      byAddr[a] = n;
      // References are decoded lazily by dexlib2; resolve them here so a bad index is reported as this
      // method's problem, once, instead of surfacing in the middle of an analysis.
      Object[] refs = new Object[n];
      for (int i = 0; i < n; i++) {
        if (insns[i] instanceof ReferenceInstruction) {
          Reference r = ((ReferenceInstruction) insns[i]).getReference();
          if (r instanceof MethodReference && Flow.invokeKind(insns[i].getOpcode()) != null) {
            MethodReference m2 = (MethodReference) r;
            List<String> params = new ArrayList<>();
            for (CharSequence p : m2.getParameterTypes()) {
              params.add(p.toString());
            }
            refs[i] = new dev.untrack.checker.dex.MethodRef(m2.getDefiningClass(), m2.getName(), params,
                m2.getReturnType());
          } else if (r instanceof StringReference) {
            refs[i] = ((StringReference) r).getString();
          }
        }
      }
      List<Try> tries = new ArrayList<>();
      for (TryBlock<? extends ExceptionHandler> t : impl.getTryBlocks()) {
        List<? extends ExceptionHandler> hs = t.getExceptionHandlers();
        int[] h = new int[hs.size()];
        for (int i = 0; i < h.length; i++) {
          h[i] = hs.get(i).getHandlerCodeAddress();
        }
        tries.add(new Try(t.getStartCodeAddress(), t.getStartCodeAddress() + t.getCodeUnitCount(), h));
      }
      int params = loc.ref().argumentRegisters(loc.isStatic());
      int regs = impl.getRegisterCount();
      if (params > regs) {
        throw d.corruptAt(loc.codeOffset(), "method " + loc.ref().key() + " has " + regs
            + " registers, fewer than its " + params + " argument registers");
      }
      return new MethodBody(loc, insns, addr, offset, regs, params, loc.isStatic(), List.copyOf(tries), byAddr, refs);
    } catch (RuntimeException e) {
      throw d.corruptAt(loc.codeOffset(), "method " + loc.ref().key() + " cannot be decoded: " + e.getMessage(), e);
    }
  }

  /** The method an invoke at {@code i} names. */
  dev.untrack.checker.dex.MethodRef methodRef(int i) {
    return (dev.untrack.checker.dex.MethodRef) refs[i];
  }

  int size() {
    return insns.length;
  }

  /** Index of the instruction at a code-unit address, or -1 if none starts there. */
  int indexAt(int codeAddr) {
    if (codeAddr < 0 || codeAddr >= indexOfAddr.length) {
      return -1;
    }
    return indexOfAddr[codeAddr];
  }

  /** Register holding parameter {@code p} (receiver is parameter 0 of an instance method). */
  int firstParamRegister() {
    return registers - ins;
  }
}
