package dev.untrack.patcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.testkit.ApkBuilder;
import dev.untrack.testkit.DexChecks;
import dev.untrack.testkit.DexCompiler;
import dev.untrack.testkit.DexRunner;
import dev.untrack.testkit.ManifestBuilder;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prepending code to methods whose frames force each register layout: the original frame fits, the
 * parameters are renumbered, or (when renumbered registers would not fit 4-bit instruction fields) copied back.
 * Each patched method is run, and the dex is checked by D8 and dexdump.
 */
class PrependTest {
  @TempDir static Path dir;
  static Path apk;

  /** sum: 2 locals, a wide parameter. big: 1 local, 14 int parameters used by 4-bit (2addr) instructions. */
  static final String REGS = """
      .class public Lcom/example/reg/Regs;
      .super Ljava/lang/Object;
      .method public static sum(IJ)J
          .registers 5
          int-to-long v0, v2
          add-long/2addr v0, v3
          return-wide v0
      .end method
      .method public static big(IIIIIIIIIIIIII)I
          .registers 15
          move v0, v1
          add-int/2addr v0, v2
          add-int/2addr v0, v13
          add-int/2addr v0, v14
          return v0
      .end method
      .method public static loop(I)I
          .registers 3
          const/4 v0, 0x0
          :top
          if-lez v2, :done
          add-int/lit8 v0, v0, 0x1
          add-int/lit8 v2, v2, -0x1
          goto :top
          :done
          packed-switch v0, :table
          return v0
          :table
          .packed-switch 0x0
              :done
          .end packed-switch
      .end method
      """;

  @BeforeAll
  static void build() throws Exception {
    byte[] dex = DexCompiler.smaliToDex(List.of(REGS), 26);
    apk = Files.write(dir.resolve("regs.apk"), ApkBuilder.create().manifest(ManifestBuilder.of("com.example.reg")
        .build()).dex(List.of(dex)).build());
  }

  static String patch(String method, String block) {
    return "patch p.pre\n  title T\n  why W\n  apps any\n  match m\n    class Lcom/example/reg/Regs;\n    name "
        + method + "\n  action m prepend\n" + block + "\n  end\n  verify m gated\n";
  }

  record Out(PatchResult result, DexRunner runner, byte[] dex) {}

  static Out apply(String text) throws Exception {
    Path out = dir.resolve("o" + System.nanoTime() + ".apk");
    PatchResult r = PatchFixture.patch(apk, out, PatchFixture.patches(text), Policy.BLOCK);
    byte[] dex = PatchFixture.dexOf(out).get(0);
    assertEquals(List.of(), DexChecks.d8Errors(dex, 26));
    DexChecks.dexdump(dex);
    return new Out(r, DexRunner.load(List.of(dex)), dex);
  }

  static String detail(Out o) {
    return o.result().report().applied().get(0).methods().get(0).detail();
  }

  @Test
  void fitsInTheOriginalFrame() throws Exception {
    // Returns -1 for a negative int, else falls through to the original body.
    Out o = apply(patch("sum", "    .locals 1\n    if-gez p0, :go\n    const-wide/16 v0, -0x1\n"
        + "    return-wide v0\n    :go"));
    try (DexRunner d = o.runner()) {
      Method m = d.type("com.example.reg.Regs").getMethod("sum", int.class, long.class);
      assertEquals(-1L, m.invoke(null, -5, 10L));
      assertEquals(15L, m.invoke(null, 5, 10L));
    }
    assertEquals("prepended", detail(o));
  }

  @Test
  void renumbersParametersWhenTheyStillFit() throws Exception {
    Out o = apply(patch("sum", "    .locals 4\n    const/4 v3, 0x0\n    if-gez p0, :go\n    const-wide/16 v2, -0x2\n"
        + "    return-wide v2\n    :go"));
    try (DexRunner d = o.runner()) {
      Method m = d.type("com.example.reg.Regs").getMethod("sum", int.class, long.class);
      assertEquals(-2L, m.invoke(null, -5, 10L));
      assertEquals(15L, m.invoke(null, 5, 10L));
    }
    assertTrue(detail(o).contains("frame grew by 2 register(s), parameters renumbered"), detail(o));
  }

  @Test
  void copiesParametersBackWhenRenumberingWouldOverflowFourBitFields() throws Exception {
    Out o = apply(patch("big", "    .locals 3\n    if-gez p0, :go\n    const/4 v0, -0x1\n    return v0\n    :go"));
    try (DexRunner d = o.runner()) {
      Class<?>[] ints = new Class<?>[14];
      java.util.Arrays.fill(ints, int.class);
      Method m = d.type("com.example.reg.Regs").getMethod("big", ints);
      Object[] args = new Object[14];
      for (int i = 0; i < 14; i++) {
        args[i] = i + 1;
      }
      assertEquals(1 + 2 + 13 + 14, m.invoke(null, args));
      args[0] = -1;
      assertEquals(-1, m.invoke(null, args));
    }
    assertTrue(detail(o).contains("parameters copied back"), detail(o));
  }

  @Test
  void keepsBranchesAndPayloadsOfTheOriginalBody() throws Exception {
    // A prepended block of odd length: the payload of the original's packed-switch must stay aligned.
    Out o = apply(patch("loop", "    .locals 0\n    nop"));
    try (DexRunner d = o.runner()) {
      Method m = d.type("com.example.reg.Regs").getMethod("loop", int.class);
      assertEquals(7, m.invoke(null, 7));
    }
  }

  @Test
  void prependedCodeThatNoLongerFitsItsRegistersIsReportedAtItsLine() {
    // With 3 locals, p13 becomes v16: 'move' (4-bit registers) cannot name it.
    PatchSyntaxException e = assertThrows(PatchSyntaxException.class, () -> apply(
        patch("big", "    .locals 3\n    move v0, p13")));
    assertEquals(10, e.pos().line(), e.getMessage());
  }
}
