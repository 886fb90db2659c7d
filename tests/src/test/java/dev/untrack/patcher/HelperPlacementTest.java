package dev.untrack.patcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.patcher.app.Dex;
import dev.untrack.testkit.ApkBuilder;
import dev.untrack.testkit.DexChecks;
import dev.untrack.testkit.FixtureApps;
import dev.untrack.testkit.ManifestBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jf.dexlib2.AccessFlags;
import org.jf.dexlib2.Opcode;
import org.jf.dexlib2.Opcodes;
import org.jf.dexlib2.iface.ClassDef;
import org.jf.dexlib2.iface.Method;
import org.jf.dexlib2.immutable.ImmutableClassDef;
import org.jf.dexlib2.immutable.ImmutableMethod;
import org.jf.dexlib2.immutable.ImmutableMethodImplementation;
import org.jf.dexlib2.immutable.instruction.ImmutableInstruction10x;
import org.jf.dexlib2.writer.io.MemoryDataStore;
import org.jf.dexlib2.writer.pool.DexPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Helpers go into the dex being rewritten, or into a new classesN.dex when that dex is full. */
class HelperPlacementTest {
  @TempDir Path dir;

  static final String HELPER = """
      helper consent
        .class public final Ldev/untrack/inject/Consent;
        .super Ljava/lang/Object;
        .method public static allowed()Z
          .registers 1
          invoke-static {}, Ldev/untrack/inject/Consent;->a()V
          invoke-static {}, Ldev/untrack/inject/Consent;->b()V
          const/4 v0, 0x0
          return v0
        .end method
        .method public static a()V
          .registers 0
          return-void
        .end method
        .method public static b()V
          .registers 0
          return-void
        .end method
      end
      """;

  static String gate(String cls, String name) {
    return "patch p.gate\n  title T\n  why W\n  apps any\n  requires helper consent\n  match m\n    class " + cls
        + "\n    name " + name + "\n  action m gate Ldev/untrack/inject/Consent;->allowed()Z\n  verify m gated\n";
  }

  @Test
  void helperGoesIntoTheRewrittenDex() throws Exception {
    Path in = Files.write(dir.resolve("in.apk"), FixtureApps.apk("com.example.app", null, null));
    Path out = dir.resolve("out.apk");
    PatchResult r = PatchFixture.patch(in, out, PatchFixture.patches(HELPER, gate("Lcom/example/track/Tracker;",
        "track")), Policy.BLOCK);
    assertEquals(List.of("classes.dex"), r.report().changedEntries());
    assertEquals(List.of(), r.report().addedEntries());
    byte[] dex = PatchFixture.entry(out, "classes.dex");
    assertTrue(Dex.of("classes.dex", dex).definedClasses().contains("Ldev/untrack/inject/Consent;"));
    assertEquals(List.of(), DexChecks.d8Errors(dex, 26));
    assertTrue(DexChecks.dexdump(dex).contains("Ldev/untrack/inject/Consent;.allowed:()Z"));
    // Patching the output again finds the gate and the helper in place: nothing changes.
    PatchResult again = PatchFixture.patch(out, dir.resolve("again.apk"), PatchFixture.patches(HELPER,
        gate("Lcom/example/track/Tracker;", "track")), Policy.BLOCK);
    assertEquals(PatchReport.Outcome.UNCHANGED, again.report().outcome(), again.report().toString());
  }

  /** A dex with {@code Lcom/full/Host;->ping()V} and enough other methods to total {@code methodIds}. */
  static byte[] nearlyFullDex(int methodIds) throws Exception {
    List<Method> abstracts = new ArrayList<>();
    for (int i = 0; i < methodIds - 1; i++) {
      abstracts.add(new ImmutableMethod("Lcom/full/Big;", "m" + i, List.of(), "V",
          AccessFlags.PUBLIC.getValue() | AccessFlags.ABSTRACT.getValue(), Set.of(), Set.of(), null));
    }
    ClassDef big = new ImmutableClassDef("Lcom/full/Big;",
        AccessFlags.PUBLIC.getValue() | AccessFlags.ABSTRACT.getValue() | AccessFlags.INTERFACE.getValue(),
        "Ljava/lang/Object;", List.of(), null, Set.of(), List.of(), abstracts);
    Method ping = new ImmutableMethod("Lcom/full/Host;", "ping", List.of(), "V",
        AccessFlags.PUBLIC.getValue() | AccessFlags.STATIC.getValue(), Set.of(), Set.of(),
        new ImmutableMethodImplementation(0, List.of(new ImmutableInstruction10x(Opcode.RETURN_VOID)), null, null));
    ClassDef host = new ImmutableClassDef("Lcom/full/Host;", AccessFlags.PUBLIC.getValue(), "Ljava/lang/Object;",
        List.of(), null, Set.of(), List.of(), List.of(ping));
    DexPool pool = new DexPool(Opcodes.forApi(26));
    pool.internClass(big);
    pool.internClass(host);
    MemoryDataStore store = new MemoryDataStore();
    pool.writeTo(store);
    return store.getData();
  }

  @Test
  void helperSpillsIntoANewDexWhenTheRewrittenOneIsFull() throws Exception {
    // 65534 method ids; the gate adds Consent.allowed (65535); the helper's a() and b() would make 65537.
    byte[] full = nearlyFullDex(65534);
    assertEquals(65534, Dex.of("full", full).file().getMethodSection().size());
    Path in = Files.write(dir.resolve("full.apk"), ApkBuilder.create()
        .manifest(ManifestBuilder.of("com.full").build()).dex(List.of(full)).build());
    Path out = dir.resolve("full-out.apk");
    PatchResult r = PatchFixture.patch(in, out, PatchFixture.patches(HELPER, gate("Lcom/full/Host;", "ping")),
        Policy.BLOCK);
    assertEquals(List.of("classes.dex"), r.report().changedEntries());
    assertEquals(List.of("classes2.dex"), r.report().addedEntries());
    Dex patched = Dex.of("classes.dex", PatchFixture.entry(out, "classes.dex"));
    assertEquals(65535, patched.file().getMethodSection().size());
    Dex added = Dex.of("classes2.dex", PatchFixture.entry(out, "classes2.dex"));
    assertEquals(List.of("Ldev/untrack/inject/Consent;"), added.definedClasses());
    assertEquals(List.of(), DexChecks.d8Errors(added.bytes(), 26));
    DexChecks.dexdump(added.bytes());
    List<String> names = new ArrayList<>();
    try (var z = dev.untrack.rom.zip.ZipArchive.open(dev.untrack.rom.io.FileByteSource.open(out))) {
      z.entries().forEach(e -> names.add(e.name()));
    }
    assertEquals(List.of("AndroidManifest.xml", "classes.dex", "classes2.dex"), names);
  }
}
