package dev.untrack.patcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.patcher.patch.SourcePos;
import dev.untrack.patcher.smali.SmaliAssembler;
import java.util.List;
import java.util.TreeSet;
import org.jf.dexlib2.Opcodes;
import org.jf.dexlib2.dexbacked.DexBackedDexFile;
import org.jf.dexlib2.iface.ClassDef;
import org.junit.jupiter.api.Test;

/** {@link SmaliAssembler#assembleDex}: several classes into one dex, deterministic, errors placed per class. */
class AssembleDexTest {
  static final String A = ".class public La/A;\n.super Ljava/lang/Object;\n"
      + ".method public static f()I\n    .registers 1\n    const/4 v0, 0x1\n    return v0\n.end method\n";
  static final String B = ".class public Lb/B;\n.super La/A;\n";

  @Test
  void assemblesEveryClassIntoOneDexWithTheSameBytesEachTime() throws Exception {
    byte[] one = SmaliAssembler.assembleDex(List.of(A, B), 26, (i, l) -> new SourcePos("t" + i, l, 1));
    byte[] two = SmaliAssembler.assembleDex(List.of(B, A), 26, (i, l) -> new SourcePos("t" + i, l, 1));
    assertArrayEquals(one, two);
    DexBackedDexFile dex = new DexBackedDexFile(Opcodes.forApi(26), one);
    TreeSet<String> names = new TreeSet<>();
    for (ClassDef c : dex.getClasses()) {
      names.add(c.getType());
    }
    assertEquals(new TreeSet<>(List.of("La/A;", "Lb/B;")), names);
  }

  @Test
  void anErrorNamesTheClassTextAndLine() {
    String bad = ".class public Lc/C;\n.super Ljava/lang/Object;\n.method public static g()V\n    .registers 1\n"
        + "    bogus-op v0\n.end method\n";
    PatchSyntaxException e = assertThrows(PatchSyntaxException.class,
        () -> SmaliAssembler.assembleDex(List.of(A, bad), 26, (i, l) -> new SourcePos("text" + i, l, 1)));
    assertTrue(e.getMessage().contains("text1"), e.getMessage());
    assertTrue(e.getMessage().contains(":5:"), e.getMessage());
  }
}
