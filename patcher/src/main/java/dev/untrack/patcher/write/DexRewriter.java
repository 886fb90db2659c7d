package dev.untrack.patcher.write;

import dev.untrack.patcher.PatchException;
import dev.untrack.patcher.app.Dex;
import dev.untrack.patcher.app.DexHeader;
import dev.untrack.rom.RomFormatException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jf.dexlib2.Opcodes;
import org.jf.dexlib2.dexbacked.DexBackedClassDef;
import org.jf.dexlib2.dexbacked.DexBackedDexFile;
import org.jf.dexlib2.iface.ClassDef;
import org.jf.dexlib2.iface.Method;
import org.jf.dexlib2.iface.MethodImplementation;
import org.jf.dexlib2.iface.instruction.DualReferenceInstruction;
import org.jf.dexlib2.iface.instruction.Instruction;
import org.jf.dexlib2.iface.reference.MethodProtoReference;
import org.jf.dexlib2.immutable.ImmutableClassDef;
import org.jf.dexlib2.immutable.ImmutableMethod;
import org.jf.dexlib2.writer.io.MemoryDataStore;
import org.jf.dexlib2.writer.pool.DexPool;

/**
 * Writes a new version of one dex: every class carried over as it is, except methods given new bodies, classes
 * replaced outright, and classes added. The dex version is kept. dexlib2's pool writer lays the file out anew
 * (string, type and method indices are reassigned; const-string is widened to its jumbo form where an index
 * needs it), and the result is read back to check that no class was lost.
 */
public final class DexRewriter {
  /** The largest index a dex reference table can hold: 16-bit method, field and type ids. */
  public static final int MAX_REFERENCES = 65536;

  private DexRewriter() {}

  /** Method key used in {@code bodies}: {@code name(PARAMS)RET}. */
  public static String methodKey(Method m) {
    return m.getName() + "(" + String.join("", m.getParameterTypes()) + ")" + m.getReturnType();
  }

  /** The rewritten dex and whether {@code additions} went into it. */
  public record Rewritten(byte[] bytes, boolean additionsIncluded, int classCount) {}

  /**
   * @param bodies new method bodies by class type, then by {@link #methodKey}
   * @param replacements classes to write instead of the dex's own definition, by type
   * @param additions classes to add if they fit (all or none)
   */
  public static Rewritten rewrite(Dex dex, Map<String, Map<String, MethodImplementation>> bodies,
      Map<String, ClassDef> replacements, List<ClassDef> additions) throws IOException, PatchException {
    DexPool pool = new DexPool(dex.opcodes());
    int count = dex.guard(() -> {
      // dexlib2 2.5.2 does not intern the prototype operand of invoke-polymorphic (its second reference), so
      // writing fails with "Item not found" for a prototype only such an instruction uses. Keep every
      // prototype the dex had, and those of new code.
      for (MethodProtoReference proto : dex.file().getProtoSection()) {
        pool.protoSection.intern(proto);
      }
      internSecondReferences(pool, bodies.values().stream().flatMap(m -> m.values().stream()).toList());
      int n = 0;
      for (DexBackedClassDef c : dex.file().getClasses()) {
        ClassDef replacement = replacements.get(c.getType());
        Map<String, MethodImplementation> edits = bodies.get(c.getType());
        if (replacement != null) {
          pool.internClass(replacement);
        } else if (edits != null) {
          pool.internClass(withBodies(c, edits));
        } else {
          pool.internClass(c);
        }
        n++;
      }
      return n;
    });
    boolean included = false;
    if (!additions.isEmpty()) {
      pool.mark();
      internSecondReferences(pool, implementations(additions));
      for (ClassDef c : additions) {
        pool.internClass(c);
      }
      if (pool.hasOverflowed(MAX_REFERENCES)) {
        pool.reset();
      } else {
        included = true;
        count += additions.size();
      }
    }
    if (pool.hasOverflowed(MAX_REFERENCES)) {
      throw new PatchException(null, dex.where(), "after patching, " + dex.name() + " would need more than "
          + MAX_REFERENCES + " method, field or type references; moving classes to another dex is not supported");
    }
    byte[] bytes = write(pool, dex.where());
    check(bytes, dex.where(), count);
    return new Rewritten(bytes, included, count);
  }

  /** A new dex holding only {@code classes}, in the given dex version. */
  public static byte[] newDex(List<ClassDef> classes, Opcodes opcodes, String where) throws IOException, PatchException {
    DexPool pool = new DexPool(opcodes);
    internSecondReferences(pool, implementations(classes));
    for (ClassDef c : classes) {
      pool.internClass(c);
    }
    byte[] bytes = write(pool, where);
    check(bytes, where, classes.size());
    return bytes;
  }

  private static byte[] write(DexPool pool, String where) throws IOException, PatchException {
    MemoryDataStore store = new MemoryDataStore();
    try {
      pool.writeTo(store);
    } catch (RuntimeException e) {
      throw new PatchException(null, where, "the patched dex cannot be written: " + e.getMessage(), e);
    }
    return store.getData();
  }

  private static void check(byte[] bytes, String where, int expectedClasses) throws RomFormatException, PatchException {
    int version = DexHeader.check(bytes, where + " (rewritten)");
    DexBackedDexFile again = new DexBackedDexFile(Opcodes.forDexVersion(version), bytes);
    int n = again.getClasses().size();
    if (n != expectedClasses) {
      throw new PatchException(null, where, "the rewritten dex has " + n + " classes, expected " + expectedClasses);
    }
  }

  private static List<MethodImplementation> implementations(List<ClassDef> classes) {
    List<MethodImplementation> out = new ArrayList<>();
    for (ClassDef c : classes) {
      for (Method m : c.getMethods()) {
        if (m.getImplementation() != null) {
          out.add(m.getImplementation());
        }
      }
    }
    return out;
  }

  private static void internSecondReferences(DexPool pool, List<MethodImplementation> code) {
    for (MethodImplementation impl : code) {
      for (Instruction i : impl.getInstructions()) {
        if (i instanceof DualReferenceInstruction d && d.getReference2() instanceof MethodProtoReference p) {
          pool.protoSection.intern(p);
        }
      }
    }
  }

  private static ClassDef withBodies(DexBackedClassDef c, Map<String, MethodImplementation> edits) {
    List<Method> direct = new ArrayList<>();
    for (Method m : c.getDirectMethods()) {
      direct.add(withBody(m, edits));
    }
    List<Method> virtual = new ArrayList<>();
    for (Method m : c.getVirtualMethods()) {
      virtual.add(withBody(m, edits));
    }
    return new ImmutableClassDef(c.getType(), c.getAccessFlags(), c.getSuperclass(), c.getInterfaces(),
        c.getSourceFile(), c.getAnnotations(), c.getStaticFields(), c.getInstanceFields(), direct, virtual);
  }

  private static Method withBody(Method m, Map<String, MethodImplementation> edits) {
    MethodImplementation impl = edits.get(methodKey(m));
    if (impl == null) {
      return m;
    }
    return new ImmutableMethod(m.getDefiningClass(), m.getName(), m.getParameters(), m.getReturnType(),
        m.getAccessFlags(), m.getAnnotations(), m.getHiddenApiRestrictions(), impl);
  }
}
