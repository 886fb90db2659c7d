package dev.untrack.patcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.patcher.PatchReport.Outcome;
import dev.untrack.testkit.ApkBuilder;
import dev.untrack.testkit.FixtureApps;
import dev.untrack.testkit.RealInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fingerprint and selector semantics: count, not applicable, partial, policy, conflicts, odexed and jar apps. */
class MatchingTest {
  @TempDir static Path dir;
  static Path apk;

  @BeforeAll
  static void build() throws Exception {
    apk = Files.write(dir.resolve("app.apk"), FixtureApps.apk("com.example.app", null, null));
  }

  static String patch(String id, String apps, String... fingerprints) {
    StringBuilder sb = new StringBuilder("patch " + id + "\n  title T\n  why W\n  apps " + apps + "\n");
    for (int i = 0; i < fingerprints.length; i++) {
      sb.append("  match f").append(i).append('\n').append(fingerprints[i]).append('\n');
      sb.append("  action f").append(i).append(" return-default\n  verify f").append(i).append(" neutralized\n");
    }
    return sb.toString();
  }

  static PatchResult run(Policy policy, String... texts) throws Exception {
    return PatchFixture.patch(apk, dir.resolve("o" + System.nanoTime() + ".apk"), PatchFixture.patches(texts), policy);
  }

  static PatchResult run(String... texts) throws Exception {
    return run(Policy.BLOCK, texts);
  }

  @Test
  void matchingNothingIsNotApplicableAndCopiesTheInput() throws Exception {
    Path out = dir.resolve("none.apk");
    PatchResult r = PatchFixture.patch(apk, out, PatchFixture.patches(
        patch("p.none", "any", "    class Lcom/example/track/Tracker;\n    name nothingHere")), Policy.BLOCK);
    assertEquals(Outcome.UNCHANGED, r.report().outcome());
    assertEquals("fingerprint f0 matched nothing", r.report().notApplicable().get(0).reason());
    assertArrayEquals(Files.readAllBytes(apk), Files.readAllBytes(out));
  }

  @Test
  void selectors() throws Exception {
    String fp = "    class Lcom/example/track/Tracker;\n    name track";
    PatchResult r = run(patch("p.pkg", "package com.other.app", fp), patch("p.def", "defines Lcom/other/X;", fp),
        patch("p.prefix", "defines-prefix Lcom/example/track/", fp));
    assertEquals(List.of("p.prefix"), r.report().applied().stream().map(PatchReport.Applied::patch).toList());
    assertTrue(r.report().notApplicable().get(0).reason().contains("apps with package com.other.app"));
    assertTrue(r.report().notApplicable().get(1).reason().contains("define Lcom/other/X;"));
    PatchResult byPackage = run(patch("p.pkg", "package com.other com.example.app", fp));
    assertEquals(1, byPackage.report().applied().size());
  }

  @Test
  void countOneIsAnErrorWhenAmbiguousCountAllTakesEveryMatch() throws Exception {
    String strings = "    class-prefix Lcom/example/\n    string-contains \"tracking.example.com\"";
    AmbiguousMatchException e = assertThrows(AmbiguousMatchException.class, () -> run(patch("p.one", "any", strings)));
    assertEquals(3, e.candidates().size(), e.candidates().toString());
    assertTrue(e.candidates().contains("Lcom/example/app/Main;->config()Ljava/lang/String; in classes2.dex"));
    assertTrue(e.candidates().contains("Lcom/example/track/Tracker;->host()Ljava/lang/String; in classes.dex"));
    assertThrows(AmbiguousMatchException.class, () -> run(patch("p.two", "any", strings + "\n    count at-most 2")));
    PatchResult all = run(patch("p.all", "any", strings + "\n    count all"));
    assertEquals(3, all.report().applied().get(0).methods().size());
    assertEquals(List.of("classes.dex", "classes2.dex"), all.report().changedEntries());
    PatchResult atMost = run(patch("p.three", "any", strings + "\n    count at-most 3"));
    assertEquals(3, atMost.report().applied().get(0).methods().size());
  }

  @Test
  void abstractMethodsAreNeverCandidates() throws Exception {
    // Sink.track is abstract, Tracker.track has code: "count one" finds exactly one.
    PatchResult r = run(patch("p.abs", "any", "    class-prefix Lcom/example/track/\n    name track"));
    assertEquals("Lcom/example/track/Tracker;->track(Ljava/lang/String;)V",
        r.report().applied().get(0).methods().get(0).method());
    assertEquals(1, r.report().applied().get(0).skippedWithoutCode());
  }

  @Test
  void codeAndClassClauses() throws Exception {
    PatchResult calls = run(patch("p.calls", "any",
        "    class-prefix Lcom/example/app/\n    calls Lcom/example/track/Tracker;->track(Ljava/lang/String;)V"));
    assertEquals("Lcom/example/app/Main;->run()Ljava/lang/String;", calls.report().applied().get(0).methods().get(0).method());
    PatchResult wild = run(patch("p.wild", "any", "    class-prefix Lcom/example/app/\n    calls *->track*"));
    assertEquals(1, wild.report().applied().get(0).methods().size());
    PatchResult writes = run(patch("p.writes", "any",
        "    writes-field Lcom/example/track/Tracker;->sent:I\n    access public static"));
    assertEquals("Lcom/example/track/Tracker;->upload(Ljava/lang/Object;Ljava/lang/String;)V",
        writes.report().applied().get(0).methods().get(0).method());
    PatchResult impl = run(patch("p.impl", "any",
        "    class-prefix Lcom/example/\n    class-implements Lcom/example/track/Sink;\n    name track\n"
            + "    params Ljava/lang/String;\n    returns V"));
    assertEquals(1, impl.report().applied().size());
    PatchResult any = run(patch("p.any", "any",
        "    class Lcom/example/app/Main;\n    string-any \"nope\" \"https://tracking.example.com/config\""));
    assertEquals("Lcom/example/app/Main;->config()Ljava/lang/String;", any.report().applied().get(0).methods().get(0).method());
  }

  @Test
  void partialMatchIsReported() throws Exception {
    PatchResult r = run(patch("p.partial", "any", "    class Lcom/example/track/Tracker;\n    name track",
        "    class Lcom/example/track/Tracker;\n    name gone"));
    assertEquals(List.of("f1"), r.report().applied().get(0).unmatchedFingerprints());
  }

  @Test
  void policyAndActionScopes() throws Exception {
    String text = "patch p.pol\n  title T\n  why W\n  apps any\n  policy honor-switch\n  match f\n"
        + "    class Lcom/example/track/Tracker;\n    name track\n  action f return-default\n  verify f neutralized\n";
    assertEquals("runs only under --policy honor-switch", run(Policy.BLOCK, text).report().notApplicable().get(0).reason());
    assertEquals(1, run(Policy.HONOR_SWITCH, text).report().applied().size());
    String scoped = "patch p.scoped\n  title T\n  why W\n  apps any\n  match f\n"
        + "    class Lcom/example/track/Tracker;\n    name isEnabled\n  action@block f return false\n"
        + "  action@honor-switch f return true\n  verify f neutralized\n";
    assertEquals("return false", run(Policy.BLOCK, scoped).report().applied().get(0).methods().get(0).action());
    assertEquals("return true", run(Policy.HONOR_SWITCH, scoped).report().applied().get(0).methods().get(0).action());
  }

  @Test
  void twoPatchesOnOneMethodConflictUnlessBothRewriteStrings() throws Exception {
    String fp = "    class Lcom/example/track/Tracker;\n    name track";
    String other = patch("p.b", "any", fp).replace("return-default", "prepend\n    .locals 0\n    nop\n  end");
    PatchException e = assertThrows(PatchException.class, () -> run(patch("p.a", "any", fp), other));
    assertTrue(e.getMessage().contains("patch p.a (return-default) and patch p.b (prepend) both change its body"),
        e.getMessage());
    String s1 = "patch p.s1\n  title T\n  why W\n  apps any\n  match f\n    class Lcom/example/track/Tracker;\n"
        + "    name endpoint\n  action f strings-containing \"tracking\" -> \"a\"\n  verify f unchanged\n";
    String s2 = s1.replace("p.s1", "p.s2").replace("\"tracking\" -> \"a\"", "\"a\" -> \"b\"")
        .replace("strings-containing", "strings");
    PatchResult r = run(s1, s2);
    assertEquals(2, r.report().applied().size());
  }

  /** A host rewrite (every app) and an SDK stub meet on one method: fixed rules, whatever the order. */
  static String hostRewrite(String id) {
    return "patch " + id + "\n  title T\n  why W\n  apps any\n  match f\n    string-contains \"tracking.example.com\"\n"
        + "    count all\n  action f strings-containing \"tracking.example.com\" -> \"tracking.invalid\"\n"
        + "  verify f strings-absent \"tracking.example.com\"\n";
  }

  static PatchReport.Touched touched(PatchResult r, String patch, String method) {
    return r.report().applied().stream().filter(a -> a.patch().equals(patch)).flatMap(a -> a.methods().stream())
        .filter(t -> t.method().contains(method)).findFirst().orElseThrow();
  }

  @Test
  void aNewBodySupersedesAStringRewriteFromAnotherPatch() throws Exception {
    String stub = patch("p.stub", "any", "    class Lcom/example/track/Tracker;\n    name host");
    for (String[] order : new String[][] {{stub, hostRewrite("p.hosts")}, {hostRewrite("p.hosts"), stub}}) {
      PatchResult r = run(order);
      PatchReport.Touched body = touched(r, "p.stub", "->host()");
      PatchReport.Touched rewrite = touched(r, "p.hosts", "->host()");
      assertTrue(body.changed(), body.toString());
      assertEquals("returns \"\"", body.detail());
      assertFalse(rewrite.changed(), rewrite.toString());
      assertEquals("superseded by patch p.stub (return-default): the old body and its strings are gone",
          rewrite.detail());
      // the rewrite still applies where nothing else changes the method
      assertTrue(touched(r, "p.hosts", "->endpoint()").changed());
    }
  }

  @Test
  void aPrependKeepsTheRewrittenOriginalBody() throws Exception {
    String prepend = patch("p.pre", "any", "    class Lcom/example/track/Tracker;\n    name host")
        .replace("return-default", "prepend\n    .locals 0\n    nop\n  end");
    for (String[] order : new String[][] {{prepend, hostRewrite("p.hosts")}, {hostRewrite("p.hosts"), prepend}}) {
      Path out = dir.resolve("pre" + System.nanoTime() + ".apk");
      PatchResult r = PatchFixture.patch(apk, out, PatchFixture.patches(order), Policy.BLOCK);
      assertTrue(touched(r, "p.pre", "->host()").changed());
      assertEquals("1 string constant(s) rewritten", touched(r, "p.hosts", "->host()").detail());
      String dex = new String(PatchFixture.dexOf(out).get(0), java.nio.charset.StandardCharsets.ISO_8859_1);
      assertTrue(dex.contains("tracking.invalid"));
    }
  }

  @Test
  void theSameStubFromTwoPatchesIsOneChangeDifferentBodiesAreAnError() throws Exception {
    String fp = "    class Lcom/example/track/Tracker;\n    name host";
    PatchResult r = run(patch("p.a", "any", fp), patch("p.b", "any", fp));
    assertEquals("returns \"\"", touched(r, "p.a", "->host()").detail());
    assertEquals("superseded by patch p.a (the same return-default)", touched(r, "p.b", "->host()").detail());
    assertFalse(touched(r, "p.b", "->host()").changed());
    String other = patch("p.c", "any", fp).replace("return-default", "return \"x\"");
    PatchException e = assertThrows(PatchException.class, () -> run(patch("p.a", "any", fp), other));
    assertTrue(e.getMessage().contains("patch p.a (return-default) and patch p.c (return \"x\") both change its body"),
        e.getMessage());
    String both = patch("p.one", "any", fp) + "  match g\n" + fp
        + "\n  action g strings \"tracking.example.com\" -> \"x\"\n  verify g unchanged\n";
    PatchException within = assertThrows(PatchException.class, () -> run(both));
    assertTrue(within.getMessage().contains("two actions of patch p.one"), within.getMessage());
  }

  @Test
  void jarWithoutManifest() throws Exception {
    Path jar = Files.write(dir.resolve("lib.jar"), ApkBuilder.create().dex(FixtureApps.dexFiles().subList(0, 1))
        .deflated("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n".getBytes()).build());
    PatchResult r = PatchFixture.patch(jar, dir.resolve("lib-out.jar"), PatchFixture.patches(
        patch("p.jar", "defines Lcom/example/track/Tracker;", "    class Lcom/example/track/Tracker;\n    name track"),
        patch("p.pkg", "package com.example.app", "    class Lcom/example/track/Tracker;\n    name track")),
        Policy.BLOCK);
    assertNull(r.report().packageName());
    assertEquals(List.of("p.jar"), r.report().applied().stream().map(PatchReport.Applied::patch).toList());
  }

  @Test
  void odexedAndCodelessAppsAreCopied() throws Exception {
    Path sys = Files.createDirectories(dir.resolve("system/app/Foo"));
    Files.createDirectories(sys.resolve("oat/arm64"));
    Path foo = Files.write(sys.resolve("Foo.apk"), ApkBuilder.create()
        .manifest(dev.untrack.testkit.ManifestBuilder.of("com.foo").build()).build());
    Path out = dir.resolve("foo-out.apk");
    PatchResult r = PatchFixture.patch(foo, out, PatchFixture.patches(
        patch("p.x", "any", "    class Lcom/example/track/Tracker;\n    name track")), Policy.BLOCK);
    assertEquals(Outcome.ODEXED, r.report().outcome());
    assertTrue(r.report().notApplicable().get(0).reason().contains("app is odexed"));
    assertArrayEquals(Files.readAllBytes(foo), Files.readAllBytes(out));

    Path res = RealInput.frameworkRes();
    Path out2 = dir.resolve("framework-res.apk");
    PatchResult r2 = PatchFixture.patch(res, out2, PatchFixture.patches(
        patch("p.x", "any", "    class Lcom/example/track/Tracker;\n    name track")), Policy.BLOCK);
    assertEquals(Outcome.NO_CODE, r2.report().outcome());
    assertArrayEquals(Files.readAllBytes(res), Files.readAllBytes(out2));
  }
}
