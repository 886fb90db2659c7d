package dev.untrack.patcher.match;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jf.dexlib2.Opcode;
import org.jf.dexlib2.ReferenceType;
import org.jf.dexlib2.iface.MethodImplementation;
import org.jf.dexlib2.iface.instruction.Instruction;
import org.jf.dexlib2.iface.instruction.ReferenceInstruction;
import org.jf.dexlib2.iface.reference.FieldReference;
import org.jf.dexlib2.iface.reference.MethodReference;
import org.jf.dexlib2.iface.reference.StringReference;

/** What one method's code does, gathered in one walk over its instructions (dexlib2 structures, no text). */
final class CodeFacts {
  final Set<String> strings = new HashSet<>();
  final List<MethodReference> calls = new ArrayList<>();
  final List<FieldReference> reads = new ArrayList<>();
  final List<FieldReference> writes = new ArrayList<>();

  static CodeFacts of(MethodImplementation impl) {
    CodeFacts f = new CodeFacts();
    for (Instruction i : impl.getInstructions()) {
      Opcode op = i.getOpcode();
      if (op == Opcode.CONST_STRING || op == Opcode.CONST_STRING_JUMBO) {
        f.strings.add(((StringReference) ((ReferenceInstruction) i).getReference()).getString());
      } else if (op.referenceType == ReferenceType.METHOD && i instanceof ReferenceInstruction r
          && r.getReference() instanceof MethodReference m) {
        f.calls.add(m);
      } else if (op.referenceType == ReferenceType.FIELD && i instanceof ReferenceInstruction r
          && r.getReference() instanceof FieldReference fr) {
        String n = op.name;
        if (n.startsWith("iget") || n.startsWith("sget")) {
          f.reads.add(fr);
        } else if (n.startsWith("iput") || n.startsWith("sput")) {
          f.writes.add(fr);
        }
      }
    }
    return f;
  }
}
