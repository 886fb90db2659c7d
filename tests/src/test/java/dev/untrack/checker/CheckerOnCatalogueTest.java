package dev.untrack.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.checker.report.AppReport;
import dev.untrack.checker.report.CallSite;
import dev.untrack.patcher.PatchReport;
import dev.untrack.patcher.PatchResult;
import dev.untrack.patcher.Patcher;
import dev.untrack.patcher.Policy;
import dev.untrack.patcher.app.App;
import dev.untrack.patcher.patch.Patch;
import dev.untrack.patcher.patch.PatchSet;
import dev.untrack.patcher.patch.VerifyClaim;
import dev.untrack.patcher.write.AppWriter;
import dev.untrack.patches.BuiltinPatches;
import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.testkit.TelemetryFixtures;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checker against the real engine and the built-in catalogue, on the catalogue's own Xiaomi-like fixtures:
 * it finds the telemetry before patching, and judges the output from its bytes alone.
 */
class CheckerOnCatalogueTest {
  private static PatchSet catalogue;
  private static Checker checker;

  @BeforeAll
  static void load() throws Exception {
    catalogue = BuiltinPatches.load();
    checker = new Checker(ScanOptions.defaults().withThreads(1));
  }

  static Stream<TelemetryFixtures.Fixture> fixtures() {
    return TelemetryFixtures.withTelemetry().stream();
  }

  static byte[] patch(TelemetryFixtures.Fixture f, Policy policy) throws Exception {
    return patchWithReport(f, policy).bytes();
  }

  record Patched(PatchReport report, byte[] bytes) {}

  static Patched patchWithReport(TelemetryFixtures.Fixture f, Policy policy) throws Exception {
    try (App app = App.open(new ArrayByteSource(f.bytes(), f.fileName()), f.fileName(), false)) {
      PatchResult result = new Patcher(catalogue, policy).patch(app);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      AppWriter.write(app, result, out);
      return new Patched(result.report(), out.toByteArray());
    }
  }

  private static AppReport scan(String name, byte[] bytes) {
    return checker.scanApp(CheckerFixtures.item(name, bytes));
  }

  private static String describe(AppReport r) {
    StringBuilder sb = new StringBuilder();
    sb.append(r.path()).append(": live ").append(r.count("live")).append(", gated ").append(r.count("gated"))
        .append(", neutralized ").append(r.count("neutralized")).append(", sdks ")
        .append(r.sdks().stream().map(s -> s.id() + "=" + s.status()).toList());
    for (CallSite c : r.sites("live")) {
      sb.append("\n  live ").append(c.caller()).append(" -> ").append(c.target()).append(": ").append(c.reason());
    }
    r.settings().forEach(s -> sb.append("\n  settings ").append(s));
    r.errors().forEach(e -> sb.append("\n  error ").append(e));
    return sb.toString();
  }

  private static void assertNoLiveTelemetry(AppReport after, Policy policy) {
    assertEquals(List.of(), after.errors());
    assertEquals(List.of(), after.sites("live"), describe(after));
    assertTrue(after.settings().stream().noneMatch(x -> Boolean.TRUE.equals(x.unsetMeansConsent())),
        "no read treats an unset switch as consent after patching: " + describe(after));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void blockPolicyLeavesNoLiveCallSites(TelemetryFixtures.Fixture f) throws Exception {
    AppReport before = scan(f.fileName(), f.bytes());
    AppReport after = scan(f.fileName(), patch(f, Policy.BLOCK));
    assertEquals(List.of(), before.errors());
    assertTrue(!before.sdks().isEmpty() || !before.hosts().isEmpty() || !before.settings().isEmpty(),
        "the fixture's telemetry is seen: " + describe(before));
    assertNoLiveTelemetry(after, Policy.BLOCK);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void honorSwitchLeavesOnlyGatedOrNeutralizedCalls(TelemetryFixtures.Fixture f) throws Exception {
    AppReport after = scan(f.fileName(), patch(f, Policy.HONOR_SWITCH));
    assertNoLiveTelemetry(after, Policy.HONOR_SWITCH);
  }

  /**
   * Each patch's {@code verify[@policy]} claims, checked per policy against what the checker sees in the output:
   * every call site into (or through) a method a claim covers has the claimed status (neutralized under block,
   * gated under honor-switch where the patch gates), and {@code strings-absent} strings are gone from the app's
   * hosts and paths. The claims must be exercised under both policies, or this test proves nothing.
   */
  @org.junit.jupiter.api.Test
  void verifyClaimsHoldPerPolicy() throws Exception {
    Map<Policy, Map<String, Integer>> exercised = new EnumMap<>(Policy.class);
    List<String> broken = new ArrayList<>();
    for (Policy policy : Policy.values()) {
      Map<String, Integer> seen = new TreeMap<>();
      exercised.put(policy, seen);
      for (TelemetryFixtures.Fixture f : TelemetryFixtures.withTelemetry()) {
        Patched patched = patchWithReport(f, policy);
        AppReport after = scan(f.fileName(), patched.bytes());
        for (PatchReport.Applied applied : patched.report().applied()) {
          Patch patch = catalogue.patch(applied.patch()).orElseThrow();
          List<VerifyClaim> claims = patch.verifiesUnder(policy);
          for (PatchReport.Touched t : applied.methods()) {
            for (VerifyClaim claim : claims) {
              if (!claim.fingerprint().equals(t.fingerprint())) {
                continue;
              }
              String want = switch (claim.kind()) {
                case NEUTRALIZED -> "neutralized";
                case GATED -> "gated";
                default -> null;
              };
              if (want == null) {
                continue;
              }
              for (CallSite c : after.callSites()) {
                if (!c.target().equals(t.method()) && !c.via().contains(t.method())) {
                  continue;
                }
                seen.merge(patch.id() + "/" + claim.fingerprint() + " " + want, 1, Integer::sum);
                if (!c.status().equals(want)) {
                  broken.add(policy + " " + f.name() + ": " + patch.id() + " claims " + claim.fingerprint() + " "
                      + want + ", the checker sees " + c.status() + " at " + c.callerClass() + "->" + c.callerMethod()
                      + " -> " + c.target() + " (" + c.reason() + ")");
                }
              }
            }
          }
          for (VerifyClaim claim : claims) {
            if (claim.kind() != VerifyClaim.Kind.STRINGS_ABSENT) {
              continue;
            }
            for (String gone : claim.strings()) {
              String text = after.hosts() + " " + after.paths();
              if (text.contains(gone)) {
                broken.add(policy + " " + f.name() + ": " + patch.id() + " claims " + gone + " absent: " + text);
              }
            }
          }
        }
      }
    }
    assertEquals(List.of(), broken);
    for (Policy policy : Policy.values()) {
      Set<String> statuses = new TreeSet<>();
      exercised.get(policy).keySet().forEach(k -> statuses.add(k.substring(k.lastIndexOf(' ') + 1)));
      assertTrue(exercised.get(policy).size() >= 5, policy + ": claims exercised " + exercised.get(policy));
      assertTrue(statuses.contains(policy == Policy.BLOCK ? "neutralized" : "gated"), policy + ": " + statuses);
    }
  }

  @org.junit.jupiter.api.Test
  void theBrowsersAreSeenThroughTheirDispatcher() {
    AppReport mint = scan("MintBrowser.apk", TelemetryFixtures.mintBrowser().bytes());
    List<CallSite> viaDispatcher = mint.sites("live").stream().filter(c -> c.depth() > 0).toList();
    assertTrue(!viaDispatcher.isEmpty(), describe(mint));
    assertTrue(viaDispatcher.stream().anyMatch(c -> c.sdks().containsAll(List.of("mistat", "sensors"))),
        describe(mint));
  }
}
