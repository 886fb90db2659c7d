package dev.untrack.patcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.testkit.DexRunner;
import dev.untrack.testkit.FixtureApps;
import dev.untrack.testkit.TestKeys;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each action, applied to a fixture app and then run on the JVM. */
class ActionsTest {
  @TempDir static Path dir;
  static Path apk;

  @BeforeAll
  static void build() throws Exception {
    apk = Files.write(dir.resolve("app.apk"), FixtureApps.apk("com.example.app", null, TestKeys.generate("vendor")));
  }

  static String patch(String fp, String action) {
    return "patch test.p\n  title T\n  why because\n  apps defines Lcom/example/track/Tracker;\n"
        + "  match m\n" + fp + "\n  action m " + action + "\n  verify m neutralized\n";
  }

  private DexRunner run(String... patchTexts) throws Exception {
    Path out = dir.resolve("out-" + System.nanoTime() + ".apk");
    PatchResult r = PatchFixture.patch(apk, out, PatchFixture.patches(patchTexts), Policy.BLOCK);
    assertEquals(PatchReport.Outcome.PATCHED, r.report().outcome(), r.report().toString());
    return DexRunner.load(PatchFixture.dexOf(out));
  }

  @Test
  void returnDefaultVoidDropsTheEvent() throws Exception {
    try (DexRunner d = run(patch("    class Lcom/example/track/Tracker;\n    name track", "return-default"))) {
      Class<?> main = d.type("com.example.app.Main");
      String s = (String) main.getMethod("run").invoke(null);
      assertEquals("https://tracking.example.com/track/v4?app=main|true|3", s);
      Class<?> t = d.type("com.example.track.Tracker");
      assertEquals(0, t.getField("sent").getInt(null));
      assertEquals(List.of(), t.getField("QUEUE").get(null));
    }
  }

  @Test
  void returnValues() throws Exception {
    try (DexRunner d = run(
        patch("    class Lcom/example/track/Tracker;\n    name isEnabled", "return false"),
        patch("    class Lcom/example/track/Tracker;\n    name level", "return -7").replace("test.p", "test.q"),
        patch("    class Lcom/example/track/Tracker;\n    name endpoint", "return \"\"").replace("test.p", "test.r"))) {
      String s = (String) d.type("com.example.app.Main").getMethod("run").invoke(null);
      assertEquals("|false|-7", s);
    }
  }

  @Test
  void returnDefaultOfListsArraysAndWide() throws Exception {
    try (DexRunner d = run(
        patch("    class Lcom/example/track/Tracker;\n    name pending", "return-default"),
        patch("    class Lcom/example/track/Tracker;\n    name codes", "return-default").replace("test.p", "test.q"),
        patch("    class Lcom/example/track/Tracker;\n    name mix", "return-default").replace("test.p", "test.r"))) {
      Class<?> t = d.type("com.example.track.Tracker");
      Object tr = t.getConstructor(String.class).newInstance("x");
      assertEquals(List.of(), t.getMethod("pending").invoke(tr));
      assertEquals(0, ((int[]) t.getMethod("codes").invoke(tr)).length);
      assertEquals(0L, t.getMethod("mix", int.class, long.class, String.class, double.class).invoke(tr, 1, 2L, "abc", 4.0));
    }
  }

  @Test
  void stringsRewriteConstants() throws Exception {
    try (DexRunner d = run(patch("    class-prefix Lcom/example/\n    string-contains \"tracking.example.com\"\n    count all",
        "strings-containing \"tracking.example.com\" -> \"\""))) {
      assertEquals("", d.type("com.example.app.Main").getMethod("config").invoke(null));
      assertEquals("", d.type("com.example.track.Tracker").getMethod("host").invoke(null));
    }
  }

  @Test
  void replaceBody() throws Exception {
    String replace = "replace\n    .locals 1\n    const-string v0, \"replaced\"\n    return-object v0\n  end";
    try (DexRunner d = run(patch("    class Lcom/example/track/Tracker;\n    name endpoint", replace))) {
      String s = (String) d.type("com.example.app.Main").getMethod("run").invoke(null);
      assertTrue(s.startsWith("replaced|"), s);
    }
  }

  @Test
  void prependCanReturnEarlyAndFallThrough() throws Exception {
    // Returns -1 when c is "stop", else runs the original body with its parameters intact.
    String prepend = "prepend\n    .locals 3\n    const-string v0, \"stop\"\n    invoke-virtual {p4, v0}, "
        + "Ljava/lang/String;->equals(Ljava/lang/Object;)Z\n    move-result v1\n    if-eqz v1, :go\n"
        + "    const-wide/16 v0, -0x1\n    return-wide v0\n    :go\n  end";
    try (DexRunner d = run(patch("    class Lcom/example/track/Tracker;\n    name mix", prepend))) {
      Class<?> t = d.type("com.example.track.Tracker");
      Object tr = t.getConstructor(String.class).newInstance("x");
      Method mix = t.getMethod("mix", int.class, long.class, String.class, double.class);
      assertEquals(-1L, mix.invoke(tr, 1, 2L, "stop", 4.0));
      assertEquals(1L + 2 + 3 + 4, mix.invoke(tr, 1, 2L, "abc", 4.0));
    }
  }

  static final String CONSENT = """
      helper@block consent
        .class public final Ldev/untrack/inject/Consent;
        .super Ljava/lang/Object;
        .method public static allowed()Z
          .registers 1
          const/4 v0, 0x0
          return v0
        .end method
      end
      helper@honor-switch consent
        .class public final Ldev/untrack/inject/Consent;
        .super Ljava/lang/Object;
        .method public static allowed()Z
          .registers 1
          const/4 v0, 0x1
          return v0
        .end method
      end
      """;

  static final String GATE = """
      patch test.gate
        title Gate events on consent
        why   test
        apps  defines Lcom/example/track/Tracker;
        requires helper consent
        match track
          class Lcom/example/track/Tracker;
          name  track
        match enabled
          class Lcom/example/track/Tracker;
          name  isEnabled
        action track gate Ldev/untrack/inject/Consent;->allowed()Z
        action enabled gate Ldev/untrack/inject/Consent;->allowed()Z
        verify track gated
        verify enabled gated
      """;

  @Test
  void gateFollowsTheHelperOfThePolicy() throws Exception {
    for (Policy policy : Policy.values()) {
      Path out = dir.resolve("gate-" + policy + ".apk");
      PatchResult r = PatchFixture.patch(apk, out, PatchFixture.patches(CONSENT, GATE), policy);
      assertEquals(List.of("consent"), r.report().helpers());
      assertEquals(List.of("classes.dex"), r.report().changedEntries());
      try (DexRunner d = DexRunner.load(PatchFixture.dexOf(out))) {
        String s = (String) d.type("com.example.app.Main").getMethod("run").invoke(null);
        boolean allowed = policy == Policy.HONOR_SWITCH;
        assertEquals("https://tracking.example.com/track/v4?app=main|" + allowed + "|3", s);
        assertEquals(allowed ? 1 : 0, d.type("com.example.track.Tracker").getField("sent").getInt(null));
      }
    }
  }
}
