package dev.untrack.patcher.app;

import org.jf.dexlib2.Opcodes;
import org.jf.dexlib2.dexbacked.DexBackedDexFile;
import org.jf.dexlib2.dexbacked.DexBackedMethod;
import org.jf.dexlib2.dexbacked.DexBackedMethodImplementation;

/** dexlib2's lazy dex view, with method bodies that tell where their code item is (for in-place edits). */
final class LocatingDexFile extends DexBackedDexFile {
  LocatingDexFile(Opcodes opcodes, byte[] bytes) {
    super(opcodes, bytes);
  }

  @Override
  protected DexBackedMethodImplementation createMethodImplementation(
      DexBackedDexFile dexFile, DexBackedMethod method, int codeOffset) {
    return new Located(dexFile, method, codeOffset);
  }

  /** A method body that knows its code item's offset in the dex. */
  static final class Located extends DexBackedMethodImplementation {
    Located(DexBackedDexFile dexFile, DexBackedMethod method, int codeOffset) {
      super(dexFile, method, codeOffset);
    }

    int codeOffset() {
      return codeOffset;
    }
  }
}
