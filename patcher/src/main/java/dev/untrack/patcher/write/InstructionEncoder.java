package dev.untrack.patcher.write;

import org.jf.dexlib2.Opcode;
import org.jf.dexlib2.Opcodes;
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
import org.jf.dexlib2.iface.reference.FieldReference;
import org.jf.dexlib2.iface.reference.MethodProtoReference;
import org.jf.dexlib2.iface.reference.MethodReference;
import org.jf.dexlib2.iface.reference.Reference;
import org.jf.dexlib2.iface.reference.StringReference;
import org.jf.dexlib2.iface.reference.TypeReference;

/**
 * Encodes instructions into code units against the id tables of an existing dex (for in-place edits). Only
 * instructions whose references the dex already has, with indices that fit their format, can be encoded;
 * payloads and the instructions that use them, method handles and call sites are left to the full rewrite.
 */
final class InstructionEncoder {
  private final Opcodes opcodes;
  private final DexIndex index;

  InstructionEncoder(Opcodes opcodes, DexIndex index) {
    this.opcodes = opcodes;
    this.index = index;
  }

  /** The code units of {@code i}, or null if it cannot be encoded in place. */
  short[] encode(Instruction i) {
    Opcode op = i.getOpcode();
    Short value = opcodes.getOpcodeValue(op);
    if (value == null) {
      return null;
    }
    int code = value & 0xff;
    switch (op.format) {
      case Format10x:
        return units(code);
      case Format10t:
        return units(code | (off(i) & 0xff) << 8);
      case Format20t:
        return units(code, off(i));
      case Format30t:
        return units(code, off(i), off(i) >> 16);
      case Format11n:
        return units(code | (a(i) | (lit(i) & 0xf) << 4) << 8);
      case Format11x:
        return units(code | a(i) << 8);
      case Format12x:
        return units(code | (a(i) | b(i) << 4) << 8);
      case Format21c: {
        int idx = ref(((ReferenceInstruction) i).getReference());
        return idx < 0 || idx > 0xffff ? null : units(code | a(i) << 8, idx);
      }
      case Format21ih:
        return units(code | a(i) << 8, lit(i) >> 16);
      case Format21lh:
        return units(code | a(i) << 8, (int) (((WideLiteralInstruction) i).getWideLiteral() >> 48));
      case Format21s:
        return units(code | a(i) << 8, lit(i));
      case Format21t:
        return units(code | a(i) << 8, off(i));
      case Format22b:
        return units(code | a(i) << 8, b(i) | (lit(i) & 0xff) << 8);
      case Format22c: {
        int idx = ref(((ReferenceInstruction) i).getReference());
        return idx < 0 || idx > 0xffff ? null : units(code | (a(i) | b(i) << 4) << 8, idx);
      }
      case Format22s:
        return units(code | (a(i) | b(i) << 4) << 8, lit(i));
      case Format22t:
        return units(code | (a(i) | b(i) << 4) << 8, off(i));
      case Format22x:
        return units(code | a(i) << 8, b(i));
      case Format23x:
        return units(code | a(i) << 8, b(i) | ((Instruction23x) i).getRegisterC() << 8);
      case Format31c: {
        int idx = ref(((ReferenceInstruction) i).getReference());
        return idx < 0 ? null : units(code | a(i) << 8, idx, idx >>> 16);
      }
      case Format31i:
        return units(code | a(i) << 8, lit(i), lit(i) >>> 16);
      case Format32x:
        return units(code, a(i), b(i));
      case Format35c: {
        Instruction35c x = (Instruction35c) i;
        int idx = ref(x.getReference());
        if (idx < 0 || idx > 0xffff) {
          return null;
        }
        return units(code | (x.getRegisterG() | x.getRegisterCount() << 4) << 8, idx,
            x.getRegisterC() | x.getRegisterD() << 4 | x.getRegisterE() << 8 | x.getRegisterF() << 12);
      }
      case Format3rc: {
        Instruction3rc x = (Instruction3rc) i;
        int idx = ref(x.getReference());
        if (idx < 0 || idx > 0xffff) {
          return null;
        }
        return units(code | x.getRegisterCount() << 8, idx, x.getStartRegister());
      }
      case Format45cc: {
        Instruction45cc x = (Instruction45cc) i;
        int idx = ref(x.getReference());
        int proto = ref(x.getReference2());
        if (idx < 0 || idx > 0xffff || proto < 0 || proto > 0xffff) {
          return null;
        }
        return units(code | (x.getRegisterG() | x.getRegisterCount() << 4) << 8, idx,
            x.getRegisterC() | x.getRegisterD() << 4 | x.getRegisterE() << 8 | x.getRegisterF() << 12, proto);
      }
      case Format4rcc: {
        Instruction4rcc x = (Instruction4rcc) i;
        int idx = ref(x.getReference());
        int proto = ref(x.getReference2());
        if (idx < 0 || idx > 0xffff || proto < 0 || proto > 0xffff) {
          return null;
        }
        return units(code | x.getRegisterCount() << 8, idx, x.getStartRegister(), proto);
      }
      case Format51l: {
        long v = ((WideLiteralInstruction) i).getWideLiteral();
        return units(code | a(i) << 8, (int) v, (int) (v >>> 16), (int) (v >>> 32), (int) (v >>> 48));
      }
      default:
        return null; // payloads, 31t (needs a payload), odex formats
    }
  }

  private int ref(Reference r) {
    if (r instanceof StringReference s) {
      return index.string(s.getString());
    }
    if (r instanceof TypeReference t) {
      return index.type(t.getType());
    }
    if (r instanceof FieldReference f) {
      return index.field(f);
    }
    if (r instanceof MethodReference m) {
      return index.method(m);
    }
    if (r instanceof MethodProtoReference p) {
      return index.proto(p);
    }
    return -1;
  }

  private static short[] units(int... u) {
    short[] s = new short[u.length];
    for (int k = 0; k < u.length; k++) {
      s[k] = (short) u[k];
    }
    return s;
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
}
