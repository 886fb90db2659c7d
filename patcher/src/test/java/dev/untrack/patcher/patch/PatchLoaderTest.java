package dev.untrack.patcher.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.patcher.PatchException;
import dev.untrack.patcher.PatchSyntaxException;
import dev.untrack.patcher.Policy;
import java.util.List;
import org.junit.jupiter.api.Test;

class PatchLoaderTest {
  /** The example from patches/FORMAT.md, with its consent helper. */
  static final String EXAMPLE = """
      patch onetrack.track
        title   OneTrack: drop every event before it is queued
        why     OneTrack queues events and uploads them to tracking.miui.com/track/v4 (intl: tracking.intl.miui.com);
        why     it treats an unset User Experience Program switch as consent.
        source  ../shared/design/telemetry-targets.md (OneTrack row)
        apps    defines Lcom/xiaomi/onetrack/OneTrack;
        policy  any

        match track
          class    Lcom/xiaomi/onetrack/OneTrack;
          name     track
          access   public !static
          count    all

        action@block        track return-default
        action@honor-switch track gate Ldev/untrack/inject/Consent;->allowed(Landroid/content/Context;)Z
        requires helper consent

        verify track neutralized
      """;

  static final String CONSENT = """
      helper@block consent
        .class public final Ldev/untrack/inject/Consent;
        .super Ljava/lang/Object;
        .method public static allowed(Landroid/content/Context;)Z
          .registers 1
          const/4 v0, 0x0
          return v0
        .end method
      end
      helper@honor-switch consent
        .class public final Ldev/untrack/inject/Consent;
        .super Ljava/lang/Object;
        .method public static allowed(Landroid/content/Context;)Z
          .registers 1
          const/4 v0, 0x1
          return v0
        .end method
      end
      """;

  static PatchSet load(String... texts) throws PatchException {
    List<PatchSource> user = new java.util.ArrayList<>();
    for (int i = 0; i < texts.length; i++) {
      user.add(new PatchSource("f" + i + ".smalipatch", texts[i]));
    }
    return PatchLoader.load(new PatchLoader.Request(List.of(), user, false, false));
  }

  static PatchSyntaxException error(String... texts) {
    return assertThrows(PatchSyntaxException.class, () -> load(texts));
  }

  @Test
  void formatExampleLoads() throws Exception {
    PatchSet set = load(EXAMPLE, CONSENT);
    Patch p = set.patch("onetrack.track").orElseThrow();
    assertEquals(2, p.why().size());
    assertEquals(Count.ALL, p.fingerprints().get(0).count());
    assertEquals(1, p.actionsUnder(Policy.BLOCK).size());
    assertTrue(p.actionsUnder(Policy.BLOCK).get(0).operation() instanceof Operation.ReturnDefault);
    assertTrue(p.actionsUnder(Policy.HONOR_SWITCH).get(0).operation() instanceof Operation.Gate);
    assertEquals(List.of("consent"), p.requiredHelpers());
    assertTrue(set.helper("consent", Policy.BLOCK).isPresent());
    assertEquals(List.of("Ldev/untrack/inject/Consent;"),
        List.copyOf(set.helper("consent", Policy.HONOR_SWITCH).orElseThrow().types()));
  }

  @Test
  void errorsCarryFileLineAndColumn() {
    assertEquals("f0.smalipatch:11:5: unknown directive 'nmae' in patch onetrack.track",
        error(EXAMPLE.replace("    name     track", "    nmae     track"), CONSENT).getMessage()
            .replace("'nmae' is a fingerprint clause", "x"));
    PatchSyntaxException bad = error(EXAMPLE.replace("Lcom/xiaomi/onetrack/OneTrack;\n    name",
        "Lcom/xiaomi/one.track/OneTrack;\n    name"), CONSENT);
    assertEquals(10, bad.pos().line());
    assertEquals(14 + 15, bad.pos().column(), bad.getMessage()); // the '.' inside the descriptor
  }

  @Test
  void tooBroadFingerprint() {
    PatchSyntaxException e = error("patch a\n title t\n why w\n apps any\n match m\n  name track\n"
        + " action m return-default\n verify m neutralized\n");
    assertTrue(e.getMessage().contains("too broad"), e.getMessage());
    assertEquals(5, e.pos().line());
  }

  @Test
  void duplicateIdsAcrossFiles() {
    PatchSyntaxException e = error(EXAMPLE, CONSENT, EXAMPLE);
    assertTrue(e.getMessage().startsWith("f2.smalipatch:1:1: duplicate patch id onetrack.track (also defined at "
        + "f0.smalipatch:1:1)"), e.getMessage());
  }

  @Test
  void everyFingerprintNeedsAVerifyClaim() {
    assertTrue(error(EXAMPLE.replace("  verify track neutralized\n", ""), CONSENT).getMessage()
        .contains("has no 'verify' claim"));
  }

  @Test
  void verifyClaimsArePerPolicy() throws Exception {
    String scoped = EXAMPLE.replace("  verify track neutralized\n",
        "  verify@block track neutralized\n  verify@honor-switch track gated\n");
    Patch p = load(scoped, CONSENT).patch("onetrack.track").orElseThrow();
    assertEquals(List.of(VerifyClaim.Kind.NEUTRALIZED),
        p.verifiesUnder(dev.untrack.patcher.Policy.BLOCK).stream().map(VerifyClaim::kind).toList());
    assertEquals(List.of(VerifyClaim.Kind.GATED),
        p.verifiesUnder(dev.untrack.patcher.Policy.HONOR_SWITCH).stream().map(VerifyClaim::kind).toList());
    // a fingerprint acted on under a policy needs a claim for it
    String blockOnly = EXAMPLE.replace("  verify track neutralized\n", "  verify@block track neutralized\n");
    assertTrue(error(blockOnly, CONSENT).getMessage().contains("has no 'verify' claim under --policy honor-switch"),
        error(blockOnly, CONSENT).getMessage());
    String never = EXAMPLE.replace("  policy  any\n", "  policy  block\n")
        .replace("  action@honor-switch track gate Ldev/untrack/inject/Consent;->allowed(Landroid/content/Context;)Z\n", "")
        .replace("  verify track neutralized\n", "  verify track neutralized\n  verify@honor-switch track gated\n");
    assertTrue(error(never, CONSENT).getMessage().contains("would never be checked"), error(never, CONSENT).getMessage());
    assertTrue(error(EXAMPLE.replace("  verify track neutralized\n", "  verify@sometimes track neutralized\n"), CONSENT)
        .getMessage().contains("unknown policy 'sometimes'"));
  }

  @Test
  void helpersAreCheckedAtLoad() {
    assertTrue(error(EXAMPLE).getMessage().contains("requires helper consent, which is not loaded"));
    assertTrue(error(EXAMPLE, CONSENT.substring(0, CONSENT.indexOf("helper@honor-switch"))).getMessage()
        .contains("has no variant for it"));
    assertTrue(error(CONSENT.replace("dev/untrack/inject/Consent", "com/evil/Consent")).getMessage()
        .contains("must live under Ldev/untrack/inject/"));
    String noRequires = EXAMPLE.replace("  requires helper consent\n", "");
    assertTrue(error(noRequires, CONSENT).getMessage().contains("no helper listed in 'requires helper' defines it"));
  }

  @Test
  void smaliBlocksAssembleAtLoad() {
    String replace = EXAMPLE.replace("action@block        track return-default",
        "action@block track replace\n    .locals 1\n    const/4 v0, 0x0\n    invoke-nonsense {v0}\n    return-void\n  end");
    PatchSyntaxException e = error(replace, CONSENT);
    assertEquals(18, e.pos().line(), e.getMessage());
    PatchSyntaxException frame = error(EXAMPLE.replace("action@block        track return-default",
        "action@block track replace\n    return-void\n  end"), CONSENT);
    assertTrue(frame.getMessage().contains("needs '.locals N'"), frame.getMessage());
    PatchSyntaxException open = error(EXAMPLE.replace("action@block        track return-default",
        "action@block track replace\n    .locals 0\n    return-void\n"), CONSENT);
    assertTrue(open.getMessage().contains("not closed"), open.getMessage());
  }

  @Test
  void returnValuesAreCheckedWhenTheTypeIsPinned() {
    String text = "patch a\n title t\n why w\n apps any\n match m\n  class La/B;\n  returns Ljava/lang/String;\n"
        + " action m return true\n verify m neutralized\n";
    PatchSyntaxException e = error(text);
    assertEquals(8, e.pos().line());
    assertTrue(e.getMessage().contains("needs a boolean or integer return type"), e.getMessage());
  }

  @Test
  void stringsAndEscapes() throws Exception {
    String text = "patch a\n title t\n why w\n apps any\n match m\n  class La/B;\n  string \"x\\\"y\\u0041\\n\"\n"
        + " action m strings \"old\" -> \"n\\\\ew\"\n verify m strings-absent \"old\" bare\n";
    Patch p = load(text).patch("a").orElseThrow();
    assertEquals("x\"yA\n", ((Clause.LoadsString) p.fingerprints().get(0).clauses().get(1)).value());
    assertEquals(new Operation.Strings("old", "n\\ew"), p.actions().get(0).operation());
    assertEquals(List.of("old", "bare"), p.verifies().get(0).strings());
    assertTrue(error(text.replace("\\u0041", "\\u00")).getMessage().contains("4 hex digits"));
  }

  @Test
  void conflictingActionsOnOneFingerprint() {
    String text = "patch a\n title t\n why w\n apps any\n match m\n  class La/B;\n  name c\n"
        + " action m return-default\n action m return false\n verify m neutralized\n";
    assertTrue(error(text).getMessage().contains("two actions on fingerprint m"));
  }
}
