package dev.untrack.patcher.smali;

import java.util.Set;
import java.util.TreeSet;
import org.jf.dexlib2.iface.MethodImplementation;
import org.jf.dexlib2.iface.instruction.Instruction;
import org.jf.dexlib2.iface.instruction.ReferenceInstruction;
import org.jf.dexlib2.iface.reference.FieldReference;
import org.jf.dexlib2.iface.reference.MethodReference;
import org.jf.dexlib2.iface.reference.Reference;
import org.jf.dexlib2.iface.reference.TypeReference;

/** What code refers to, for checks such as "an action only calls helpers it requires". */
public final class References {
  private References() {}

  /** Class types under {@code prefix} that the code names: as a type, or as the owner of a field or method. */
  public static Set<String> typesUnder(MethodImplementation impl, String prefix) {
    Set<String> out = new TreeSet<>();
    for (Instruction i : impl.getInstructions()) {
      if (!(i instanceof ReferenceInstruction ri)) {
        continue;
      }
      Reference r = ri.getReference();
      if (r instanceof TypeReference t) {
        add(out, t.getType(), prefix);
      } else if (r instanceof MethodReference m) {
        add(out, m.getDefiningClass(), prefix);
        add(out, m.getReturnType(), prefix);
        for (CharSequence p : m.getParameterTypes()) {
          add(out, p.toString(), prefix);
        }
      } else if (r instanceof FieldReference f) {
        add(out, f.getDefiningClass(), prefix);
        add(out, f.getType(), prefix);
      }
    }
    return out;
  }

  private static void add(Set<String> out, String type, String prefix) {
    String t = type;
    while (t.startsWith("[")) {
      t = t.substring(1);
    }
    if (t.startsWith(prefix)) {
      out.add(t);
    }
  }
}
