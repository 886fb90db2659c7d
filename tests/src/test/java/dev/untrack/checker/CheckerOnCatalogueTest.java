package dev.untrack.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.checker.report.AppReport;
import dev.untrack.checker.report.CallSite;
import dev.untrack.patcher.PatchResult;
import dev.untrack.patcher.Patcher;
import dev.untrack.patcher.Policy;
import dev.untrack.patcher.app.App;
import dev.untrack.patcher.patch.PatchSet;
import dev.untrack.patcher.write.AppWriter;
import dev.untrack.patches.BuiltinPatches;
import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.testkit.TelemetryFixtures;
import java.io.ByteArrayOutputStream;
import java.util.List;
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
    try (App app = App.open(new ArrayByteSource(f.bytes(), f.fileName()), f.fileName(), false)) {
      PatchResult result = new Patcher(catalogue, policy).patch(app);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      AppWriter.write(app, result, out);
      return out.toByteArray();
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

  @org.junit.jupiter.api.Test
  void theBrowsersAreSeenThroughTheirDispatcher() {
    AppReport mint = scan("MintBrowser.apk", TelemetryFixtures.mintBrowser().bytes());
    List<CallSite> viaDispatcher = mint.sites("live").stream().filter(c -> c.depth() > 0).toList();
    assertTrue(!viaDispatcher.isEmpty(), describe(mint));
    assertTrue(viaDispatcher.stream().anyMatch(c -> c.sdks().containsAll(List.of("mistat", "sensors"))),
        describe(mint));
  }
}
