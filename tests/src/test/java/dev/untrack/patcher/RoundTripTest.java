package dev.untrack.patcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.patcher.patch.PatchSet;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.zip.ZipArchive;
import dev.untrack.rom.zip.ZipEntry;
import dev.untrack.testkit.DexChecks;
import dev.untrack.testkit.FixtureApps;
import dev.untrack.testkit.RealInput;
import dev.untrack.testkit.SigningBlocks;
import dev.untrack.testkit.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app writer's guarantees on fixture and real third-party APKs: nothing to change gives the same bytes;
 * one stubbed method changes exactly one dex entry; every other entry's record is carried over byte for byte;
 * alignment and the original certificate survive; dexdump and D8 accept the rewritten dex.
 */
class RoundTripTest {
  @TempDir Path dir;

  static String stub(String cls, String method) {
    return "patch test.stub\n  title Stub\n  why test\n  apps defines " + cls + "\n  match m\n    class " + cls
        + "\n    name " + method + "\n  action m return-default\n  verify m neutralized\n";
  }

  @Test
  void realApksWithoutPatchesAreCopiedByteForByte() throws Exception {
    for (RealInput in : List.of(RealInput.APPIUM_SETTINGS_APK, RealInput.APPIUM_UIAUTOMATOR2_APK)) {
      Path out = dir.resolve(in + ".apk");
      PatchResult r = PatchFixture.patch(in.get(), out, PatchSet.empty(), Policy.BLOCK);
      assertEquals(PatchReport.Outcome.UNCHANGED, r.report().outcome());
      assertArrayEquals(Files.readAllBytes(in.get()), Files.readAllBytes(out));
    }
  }

  @Test
  void realApkWithOneStubChangesOnlyThatDex() throws Exception {
    Path in = RealInput.APPIUM_UIAUTOMATOR2_APK.get();
    Path out = dir.resolve("stubbed.apk");
    PatchResult r = PatchFixture.patch(in, out,
        PatchFixture.patches(stub("Lio/appium/uiautomator2/handler/AcceptAlert;", "safeHandle")), Policy.BLOCK);
    assertEquals(List.of("classes9.dex"), r.report().changedEntries(), r.report().toString());
    assertOnlyChanged(in, out, Set.of("classes9.dex"));
    byte[] dex = PatchFixture.entry(out, "classes9.dex");
    String dump = DexChecks.dexdump(dex);
    assertTrue(dump.contains("Lio/appium/uiautomator2/handler/AcceptAlert;"));
    assertEquals(List.of(), DexChecks.d8Errors(dex, 26));
  }

  @Test
  void realApkFullRewriteWithHelperIsAcceptedByD8AndDexdump() throws Exception {
    Path in = RealInput.APPIUM_SETTINGS_APK.get();
    Path out = dir.resolve("gated.apk");
    String gate = "patch test.gate\n  title Gate\n  why test\n  apps any\n  requires helper consent\n  match m\n"
        + "    class Lio/appium/settings/receivers/AbstractSettingReceiver;\n    name onReceive\n"
        + "  action m gate Ldev/untrack/inject/Consent;->allowed(Landroid/content/Context;)Z\n  verify m gated\n";
    PatchResult r = PatchFixture.patch(in, out, PatchFixture.patches(ActionsTest.CONSENT
        .replace("allowed()Z", "allowed(Landroid/content/Context;)Z"), gate), Policy.BLOCK);
    assertEquals(List.of("classes3.dex"), r.report().changedEntries(), r.report().toString());
    assertOnlyChanged(in, out, Set.of("classes3.dex"));
    byte[] dex = PatchFixture.entry(out, "classes3.dex");
    String dump = DexChecks.dexdump(dex);
    assertTrue(dump.contains("invoke-static/range {v7}, Ldev/untrack/inject/Consent;.allowed:(Landroid/content/Context;)Z"),
        dump.lines().filter(l -> l.contains("Consent")).toList().toString());
    assertEquals(List.of(), DexChecks.d8Errors(dex, 26));
    // Every class of the original dex is still there.
    assertEquals(new java.util.TreeSet<>(dev.untrack.patcher.app.Dex.of("a", PatchFixture.entry(in, "classes3.dex"))
        .definedClasses()).size() + 1, dev.untrack.patcher.app.Dex.of("b", dex).definedClasses().size());
  }

  @Test
  void fixtureKeepsCertificateAlignmentAndOtherEntries() throws Exception {
    TestKeys.SigningKey vendor = TestKeys.generate("vendor");
    Path in = Files.write(dir.resolve("in.apk"), FixtureApps.apk("com.example.sys", "android.uid.system", vendor));
    Path out = dir.resolve("out.apk");
    PatchResult r = PatchFixture.patch(in, out,
        PatchFixture.patches(stub("Lcom/example/track/Tracker;", "track")), Policy.BLOCK);
    assertEquals(List.of("classes.dex"), r.report().changedEntries());
    assertOnlyChanged(in, out, Set.of("classes.dex"));
    List<X509Certificate> certs = SigningBlocks.v2Certificates(out);
    assertEquals(List.of(vendor.certificate()), certs);
    try (ZipArchive z = ZipArchive.open(FileByteSource.open(out))) {
      assertEquals(0, z.entry("resources.arsc").orElseThrow().dataOffset() % 4);
      assertEquals(0, z.entry("lib/arm64-v8a/libtrack.so").orElseThrow().dataOffset() % 4096);
      assertEquals(0, z.entry("lib/armeabi-v7a/libtrack.so").orElseThrow().dataOffset() % 4096);
      assertEquals(0, z.entry("assets/config.bin").orElseThrow().dataOffset() % 4);
    }
    byte[] dex = PatchFixture.entry(out, "classes.dex");
    DexChecks.dexdump(dex);
    assertEquals(List.of(), DexChecks.d8Errors(dex, 26));
  }

  @Test
  void outputIsDeterministic() throws Exception {
    Path in = Files.write(dir.resolve("in.apk"), FixtureApps.apk("com.example.app", null, null));
    PatchSet set = PatchFixture.patches(stub("Lcom/example/track/Tracker;", "track"));
    Path a = dir.resolve("a.apk");
    Path b = dir.resolve("b.apk");
    PatchFixture.patch(in, a, set, Policy.BLOCK);
    PatchFixture.patch(in, b, set, Policy.BLOCK);
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    // Patching the output again changes nothing: the stub is already there.
    Path c = dir.resolve("c.apk");
    PatchResult again = PatchFixture.patch(a, c, set, Policy.BLOCK);
    assertEquals(PatchReport.Outcome.UNCHANGED, again.report().outcome(), again.report().toString());
    assertEquals("already applied", again.report().applied().get(0).methods().get(0).detail());
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(c));
  }

  /**
   * Same entries in the same order; for every entry not in {@code changed}, the local record (header, data,
   * descriptor) and central record apart from the offset are the original bytes. The signing block is verbatim.
   */
  static void assertOnlyChanged(Path in, Path out, Set<String> changed) throws Exception {
    try (ZipArchive a = ZipArchive.open(FileByteSource.open(in));
        ZipArchive b = ZipArchive.open(FileByteSource.open(out))) {
      List<String> na = new ArrayList<>();
      a.entries().forEach(e -> na.add(e.name()));
      List<String> nb = new ArrayList<>();
      b.entries().forEach(e -> nb.add(e.name()));
      assertEquals(na, nb);
      for (ZipEntry ea : a.entries()) {
        ZipEntry eb = b.entry(ea.name()).orElseThrow();
        byte[] ra = a.rawRecord(ea).readFully(0, (int) a.rawRecord(ea).size());
        byte[] rb = b.rawRecord(eb).readFully(0, (int) b.rawRecord(eb).size());
        if (changed.contains(ea.name())) {
          assertTrue(!java.util.Arrays.equals(ra, rb), ea.name() + " should have changed");
          assertEquals(ea.method(), eb.method());
          assertEquals(ea.dosTime(), eb.dosTime());
        } else if (!java.util.Arrays.equals(ra, rb)) {
          // Allowed only: a stored entry re-padded to stay aligned at its new offset.
          assertTrue(ea.isStored(), ea.name() + " local record differs");
          assertEquals(0, eb.dataOffset() % 4, ea.name());
          assertArrayEquals(java.util.Arrays.copyOf(ra, 28), java.util.Arrays.copyOf(rb, 28), ea.name() + " header");
          int na0 = ea.localHeaderLength() - ea.localExtra().length;
          int nb0 = eb.localHeaderLength() - eb.localExtra().length;
          assertArrayEquals(java.util.Arrays.copyOfRange(ra, 28 + 2, na0), java.util.Arrays.copyOfRange(rb, 28 + 2, nb0),
              ea.name() + " name");
          assertArrayEquals(withoutPadding(ea.localExtra()), withoutPadding(eb.localExtra()), ea.name() + " extra");
          assertArrayEquals(java.util.Arrays.copyOfRange(ra, ea.localHeaderLength(), ra.length),
              java.util.Arrays.copyOfRange(rb, eb.localHeaderLength(), rb.length), ea.name() + " data");
        }
      }
      byte[] sa = a.apkSigningBlock().map(s -> read(s)).orElse(new byte[0]);
      byte[] sb = b.apkSigningBlock().map(s -> read(s)).orElse(new byte[0]);
      assertArrayEquals(sa, sb, "APK Signing Block");
    }
  }

  /** Extra field records other than alignment padding (id 0xd935, or zipalign's zero bytes). */
  private static byte[] withoutPadding(byte[] extra) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(extra).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int p = 0;
    while (p + 4 <= extra.length) {
      int id = b.getShort(p) & 0xffff;
      int len = b.getShort(p + 2) & 0xffff;
      if (id == 0 || p + 4 + len > extra.length) {
        break;
      }
      if (id != 0xd935) {
        out.write(extra, p, 4 + len);
      }
      p += 4 + len;
    }
    return out.toByteArray();
  }

  private static byte[] read(dev.untrack.rom.io.ByteSource s) {
    try {
      return s.readFully(0, (int) s.size());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
