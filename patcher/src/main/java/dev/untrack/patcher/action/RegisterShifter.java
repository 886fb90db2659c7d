package dev.untrack.patcher.action;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;
import org.jf.dexlib2.Opcode;
import org.jf.dexlib2.iface.MethodImplementation;
import org.jf.dexlib2.iface.debug.DebugItem;
import org.jf.dexlib2.iface.debug.StartLocal;
import org.jf.dexlib2.iface.instruction.Instruction;
import org.jf.dexlib2.iface.instruction.NarrowLiteralInstruction;
import org.jf.dexlib2.iface.instruction.OffsetInstruction;
import org.jf.dexlib2.iface.instruction.OneRegisterInstruction;
import org.jf.dexlib2.iface.instruction.ReferenceInstruction;
import org.jf.dexlib2.iface.instruction.TwoRegisterInstruction;
import org.jf.dexlib2.iface.instruction.WideLiteralInstruction;
import org.jf.dexlib2.iface.instruction.formats.Instruction23x;
import org.jf.dexlib2.iface.instruction.formats.Instruction35c;
import org.jf.dexlib2.iface.instruction.formats.Instruction3rc;
import org.jf.dexlib2.iface.instruction.formats.Instruction45cc;
import org.jf.dexlib2.iface.instruction.formats.Instruction4rcc;
import org.jf.dexlib2.immutable.ImmutableMethodImplementation;
import org.jf.dexlib2.immutable.debug.ImmutableDebugItem;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction11n;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction11x;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction12x;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction21c;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction21ih;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction21lh;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction21s;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction21t;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction22b;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction22c;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction22s;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction22t;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction22x;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction23x;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction31c;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction31i;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction31t;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction32x;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction35c;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction3rc;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction45cc;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction4rcc;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction51l;

/**
 * Moves a method's parameter registers up by {@code delta} so a larger frame can keep the parameters in its
 * last registers, as the runtime places them. Every instruction keeps its format and size, so branch offsets,
 * try blocks and payloads stay valid. When a shifted register no longer fits its instruction's field (4 bits for
 * most two-register and invoke forms, 8 bits for many others), a range would be split between locals and
 * parameters, or a wide pair straddles the boundary, the shift is refused and the caller uses another layout.
 */
final class RegisterShifter {
  private RegisterShifter() {}

  /** Why a shift was refused, for the report; null after a successful shift. */
  static final class Refusal {
    String reason;
  }

  static MethodImplementation shift(MethodImplementation impl, int firstParam, int delta, Refusal why) {
    IntUnaryOperator f = r -> r >= firstParam ? r + delta : r;
    List<ImmutableInstruction> out = new ArrayList<>();
    for (Instruction i : impl.getInstructions()) {
      ImmutableInstruction s = shift(i, firstParam, f, why);
      if (s == null) {
        return null;
      }
      out.add(s);
    }
    List<ImmutableDebugItem> debug = new ArrayList<>();
    for (DebugItem d : impl.getDebugItems()) {
      if (d instanceof StartLocal sl && sl.getRegister() == firstParam - 1
          && ("J".equals(sl.getType()) || "D".equals(sl.getType()))) {
        why.reason = "a wide local variable straddles the first parameter register";
        return null;
      }
      debug.add(DebugItems.moved(d, 0, f));
    }
    return new ImmutableMethodImplementation(impl.getRegisterCount() + delta, out, impl.getTryBlocks(), debug);
  }

  private static boolean wide(Opcode op) {
    String n = op.name;
    return n.contains("wide") || n.contains("long") || n.contains("double");
  }

  private static ImmutableInstruction shift(Instruction i, int firstParam, IntUnaryOperator f, Refusal why) {
    Opcode op = i.getOpcode();
    if (wide(op) && firstParam > 0 && mentions(i, firstParam - 1)) {
      why.reason = op.name + " uses a wide register pair at the local/parameter boundary";
      return null;
    }
    try {
      switch (op.format) {
        case Format10t, Format10x, Format20t, Format30t, Format20bc, ArrayPayload, PackedSwitchPayload,
            SparseSwitchPayload:
          return ImmutableInstruction.of(i);
        case Format11n:
          return new ImmutableInstruction11n(op, fit(f, a(i), 4), lit(i));
        case Format11x:
          return new ImmutableInstruction11x(op, fit(f, a(i), 8));
        case Format12x:
          return new ImmutableInstruction12x(op, fit(f, a(i), 4), fit(f, b(i), 4));
        case Format21c:
          return new ImmutableInstruction21c(op, fit(f, a(i), 8), ref(i));
        case Format21ih:
          return new ImmutableInstruction21ih(op, fit(f, a(i), 8), lit(i));
        case Format21lh:
          return new ImmutableInstruction21lh(op, fit(f, a(i), 8), ((WideLiteralInstruction) i).getWideLiteral());
        case Format21s:
          return new ImmutableInstruction21s(op, fit(f, a(i), 8), lit(i));
        case Format21t:
          return new ImmutableInstruction21t(op, fit(f, a(i), 8), off(i));
        case Format22b:
          return new ImmutableInstruction22b(op, fit(f, a(i), 8), fit(f, b(i), 8), lit(i));
        case Format22c:
          return new ImmutableInstruction22c(op, fit(f, a(i), 4), fit(f, b(i), 4), ref(i));
        case Format22s:
          return new ImmutableInstruction22s(op, fit(f, a(i), 4), fit(f, b(i), 4), lit(i));
        case Format22t:
          return new ImmutableInstruction22t(op, fit(f, a(i), 4), fit(f, b(i), 4), off(i));
        case Format22x:
          return new ImmutableInstruction22x(op, fit(f, a(i), 8), fit(f, b(i), 16));
        case Format23x:
          return new ImmutableInstruction23x(op, fit(f, a(i), 8), fit(f, b(i), 8),
              fit(f, ((Instruction23x) i).getRegisterC(), 8));
        case Format31c:
          return new ImmutableInstruction31c(op, fit(f, a(i), 8), ref(i));
        case Format31i:
          return new ImmutableInstruction31i(op, fit(f, a(i), 8), lit(i));
        case Format31t:
          return new ImmutableInstruction31t(op, fit(f, a(i), 8), off(i));
        case Format32x:
          return new ImmutableInstruction32x(op, fit(f, a(i), 16), fit(f, b(i), 16));
        case Format35c: {
          Instruction35c x = (Instruction35c) i;
          int[] r = list(f, x.getRegisterCount(), x.getRegisterC(), x.getRegisterD(), x.getRegisterE(),
              x.getRegisterF(), x.getRegisterG(), firstParam);
          return new ImmutableInstruction35c(op, x.getRegisterCount(), r[0], r[1], r[2], r[3], r[4], x.getReference());
        }
        case Format45cc: {
          Instruction45cc x = (Instruction45cc) i;
          int[] r = list(f, x.getRegisterCount(), x.getRegisterC(), x.getRegisterD(), x.getRegisterE(),
              x.getRegisterF(), x.getRegisterG(), firstParam);
          return new ImmutableInstruction45cc(op, x.getRegisterCount(), r[0], r[1], r[2], r[3], r[4],
              x.getReference(), x.getReference2());
        }
        case Format3rc: {
          Instruction3rc x = (Instruction3rc) i;
          return new ImmutableInstruction3rc(op, range(f, x.getStartRegister(), x.getRegisterCount(), firstParam),
              x.getRegisterCount(), x.getReference());
        }
        case Format4rcc: {
          Instruction4rcc x = (Instruction4rcc) i;
          return new ImmutableInstruction4rcc(op, range(f, x.getStartRegister(), x.getRegisterCount(), firstParam),
              x.getRegisterCount(), x.getReference(), x.getReference2());
        }
        case Format51l:
          return new ImmutableInstruction51l(op, fit(f, a(i), 8), ((WideLiteralInstruction) i).getWideLiteral());
        default:
          why.reason = "instruction " + op.name + " (format " + op.format + ") cannot be renumbered";
          return null;
      }
    } catch (DoesNotFit e) {
      why.reason = op.name + ": " + e.getMessage();
      return null;
    }
  }

  private static final class DoesNotFit extends Exception {
    private static final long serialVersionUID = 1L;

    DoesNotFit(String m) {
      super(m, null, false, false);
    }
  }

  private static int fit(IntUnaryOperator f, int reg, int bits) throws DoesNotFit {
    int r = f.applyAsInt(reg);
    if (r >= (1 << bits)) {
      throw new DoesNotFit("v" + reg + " would become v" + r + ", beyond the " + bits + "-bit register field");
    }
    return r;
  }

  private static int[] list(IntUnaryOperator f, int count, int c, int d, int e, int g1, int g2, int firstParam)
      throws DoesNotFit {
    int[] in = {c, d, e, g1, g2};
    int[] out = new int[5];
    for (int k = 0; k < 5; k++) {
      if (k < count) {
        if (k > 0 && in[k - 1] == firstParam - 1 && in[k] == firstParam) {
          throw new DoesNotFit("an argument list pairs the last local with the first parameter register");
        }
        out[k] = fit(f, in[k], 4);
      }
    }
    return out;
  }

  private static int range(IntUnaryOperator f, int start, int count, int firstParam) throws DoesNotFit {
    if (count > 0 && start < firstParam && start + count > firstParam) {
      throw new DoesNotFit("register range v" + start + "..v" + (start + count - 1)
          + " spans locals and parameters");
    }
    int s = f.applyAsInt(start);
    if (s + count - 1 > 0xffff) {
      throw new DoesNotFit("register range beyond v65535");
    }
    return s;
  }

  private static boolean mentions(Instruction i, int reg) {
    if (i instanceof OneRegisterInstruction o && o.getRegisterA() == reg) {
      return true;
    }
    if (i instanceof TwoRegisterInstruction t && t.getRegisterB() == reg) {
      return true;
    }
    return i instanceof Instruction23x x && x.getRegisterC() == reg;
  }

  private static int a(Instruction i) {
    return ((OneRegisterInstruction) i).getRegisterA();
  }

  private static int b(Instruction i) {
    return ((TwoRegisterInstruction) i).getRegisterB();
  }

  private static int lit(Instruction i) {
    return ((NarrowLiteralInstruction) i).getNarrowLiteral();
  }

  private static int off(Instruction i) {
    return ((OffsetInstruction) i).getCodeOffset();
  }

  private static org.jf.dexlib2.iface.reference.Reference ref(Instruction i) {
    return ((ReferenceInstruction) i).getReference();
  }
}
