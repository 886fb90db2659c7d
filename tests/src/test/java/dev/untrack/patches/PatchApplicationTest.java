package dev.untrack.patches;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.android.tools.r8.CompilationMode;
import com.android.tools.r8.D8;
import com.android.tools.r8.D8Command;
import com.android.tools.r8.OutputMode;
import dev.untrack.patcher.PatchReport;
import dev.untrack.patcher.Policy;
import dev.untrack.patcher.patch.Fingerprint;
import dev.untrack.patcher.patch.Patch;
import dev.untrack.testkit.Oracle;
import dev.untrack.testkit.RealInput;
import dev.untrack.testkit.TelemetryFixtures;
import dev.untrack.testkit.TelemetryFixtures.Fixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every patch applies exactly where intended: the set of patches each fixture gets is known in advance, for
 * each policy; nothing is ambiguous or fails; apps that must keep working and real third-party APKs come out
 * byte-identical; every patched dex loads in dexdump and in D8; every fingerprint of the catalogue finds its
 * target somewhere.
 */
class PatchApplicationTest {
  @TempDir Path tmp;

  static final Set<String> ONETRACK = Set.of("onetrack.api", "onetrack.disabled", "onetrack.uep", "onetrack.basic-events");
  static final Set<String> ONETRACK_HONOR = ONETRACK;

  static Set<String> set(Set<String> a, String... more) {
    Set<String> s = new TreeSet<>(a);
    s.addAll(List.of(more));
    return s;
  }

  /** fixture name → {block, honor-switch} patch ids expected to apply. */
  static Map<String, List<Set<String>>> expected() {
    Map<String, List<Set<String>>> m = new TreeMap<>();
    m.put("joyose", List.of(set(ONETRACK, "endpoints.telemetry-hosts"), ONETRACK_HONOR));
    m.put("MiSightService", List.of(set(ONETRACK, "endpoints.telemetry-hosts"), ONETRACK_HONOR));
    m.put("SecurityOnetrackService", List.of(set(ONETRACK, "endpoints.telemetry-hosts"), ONETRACK_HONOR));
    m.put("XMSFKeeper", List.of(set(ONETRACK, "endpoints.telemetry-hosts"), ONETRACK_HONOR));
    m.put("powerkeeper", List.of(Set.of("mistat.gate", "mistat.api", "endpoints.telemetry-hosts"),
        Set.of("mistat.gate", "mistat.record")));
    m.put("miuistatssdkshared", List.of(Set.of("mistat.gate", "mistat.api", "endpoints.telemetry-hosts"),
        Set.of("mistat.gate", "mistat.record")));
    m.put("miuistatssdksharedv3", List.of(Set.of("mistat3.api", "endpoints.telemetry-hosts"), Set.of("mistat3.upload", "mistat3.track")));
    m.put("notes", List.of(Set.of("analytics.tracker", "analytics.no-code-download", "mistat3.api",
        "endpoints.telemetry-hosts"), Set.of("analytics.tracker", "analytics.no-code-download", "mistat3.upload",
        "mistat3.track")));
    m.put("AnalyticsCore", List.of(Set.of("analytics-core.service", "endpoints.telemetry-hosts"),
        Set.of("analytics-core.service", "analytics-core.upload")));
    m.put("SecurityCenter", List.of(Set.of("securitycenter.analytics", "securitycenter.reporting",
        "endpoints.telemetry-hosts"), Set.of("securitycenter.analytics", "securitycenter.reporting")));
    m.put("MSA-Global", List.of(Set.of("ads.network", "ads.loaders", "ads.identity"),
        Set.of("ads.network", "ads.loaders", "ads.identity")));
    m.put("MiuiDaemon", List.of(Set.of("endpoints.telemetry-hosts"), Set.of("daemon.diagnostics")));
    m.put("BugReport", List.of(Set.of("endpoints.telemetry-hosts"), Set.of("bugreport.upload")));
    Set<String> browser = Set.of("browser.dispatcher", "browser.anonymous-id", "browser.aggregated-data-switch",
        "sensors.disabled", "sensors.api");
    for (String mint : List.of("MintBrowser", "MiBrowserGlobal")) {
      m.put(mint, List.of(set(browser, "mistat.gate", "mistat.api", "endpoints.telemetry-hosts"),
          set(browser, "browser.incognito", "mistat.gate", "mistat.record")));
    }
    m.put("Browser", List.of(set(set(browser, "endpoints.telemetry-hosts"), ONETRACK.toArray(new String[0])),
        set(set(browser, "browser.incognito"), ONETRACK_HONOR.toArray(new String[0]))));
    m.put("framework-miui", List.of(Set.of("settings.switches", "legacy-analytics.api", "endpoints.telemetry-hosts"),
        Set.of("settings.switches", "legacy-analytics.api", "legacy-analytics.dispatch")));
    return m;
  }

  @Test
  void eachFixtureGetsExactlyTheIntendedPatches() {
    Map<String, List<Set<String>>> expected = expected();
    for (Fixture f : TelemetryFixtures.withTelemetry()) {
      assertTrue(expected.containsKey(f.name()), "no expectation for " + f.name());
      for (Policy p : Policy.values()) {
        PatchedFixtures.Patched r = PatchedFixtures.patch(f, p);
        assertEquals(PatchReport.Outcome.PATCHED, r.report().outcome(), f.name() + " " + p);
        assertEquals(List.of(), r.report().errors(), f.name() + " " + p);
        Set<String> want = expected.get(f.name()).get(p == Policy.BLOCK ? 0 : 1);
        assertEquals(new TreeSet<>(want), new TreeSet<>(r.appliedIds()), f.name() + " under " + p);
        boolean gates = r.report().applied().stream().flatMap(a -> a.methods().stream())
            .anyMatch(t -> t.detail().contains("Consent") || t.detail().contains("prepended")
                || t.detail().contains("body replaced"));
        if (gates && p == Policy.HONOR_SWITCH) {
          assertTrue(r.report().helpers().contains("consent"),
              f.name() + ": the consent helper travels with the code that calls it");
        }
      }
    }
  }

  @Test
  void appsThatMustKeepWorkingComeOutByteIdentical() {
    for (Fixture f : TelemetryFixtures.keepWorking()) {
      for (Policy p : Policy.values()) {
        PatchedFixtures.Patched r = PatchedFixtures.patch(f, p);
        assertEquals(PatchReport.Outcome.UNCHANGED, r.report().outcome(), f.name());
        assertEquals(List.of(), r.report().applied(), f.name());
        assertArrayEquals(f.bytes(), r.bytes(), f.name() + ": byte-identical");
      }
    }
  }

  @Test
  void realNegativeControlsAreUntouched() throws Exception {
    for (Path in : List.of(RealInput.APPIUM_SETTINGS_APK.get(), RealInput.APPIUM_UIAUTOMATOR2_APK.get(),
        RealInput.frameworkRes())) {
      byte[] bytes = Files.readAllBytes(in);
      for (Policy p : Policy.values()) {
        PatchedFixtures.Patched r = PatchedFixtures.patch(bytes, in.getFileName().toString(), null, p);
        assertTrue(r.report().isCopy(), in + ": " + r.report().outcome());
        assertEquals(List.of(), r.report().applied(), in + " " + p);
        assertArrayEquals(bytes, r.bytes(), in + ": byte-identical");
      }
    }
  }

  @Test
  void everyPatchedDexLoadsInDexdumpAndD8() throws Exception {
    Path dexdump = Oracle.require("dexdump", "dexdump");
    int n = 0;
    for (Fixture f : TelemetryFixtures.withTelemetry()) {
      for (Policy p : Policy.values()) {
        List<byte[]> dex = PatchedFixtures.patch(f, p).dex();
        for (int i = 0; i < dex.size(); i++) {
          Path d = Files.write(tmp.resolve(f.name() + "-" + p + "-" + i + ".dex"), dex.get(i));
          Oracle.Result r = Oracle.run(tmp, dexdump.toString(), "-d", d.toString()).assertOk("dexdump " + d);
          assertTrue(!r.stdout().isEmpty() && !r.stderr().contains("Failure"), r.stderr());
          Path out = Files.createDirectories(tmp.resolve("d8-" + n++));
          D8.run(D8Command.builder().addProgramFiles(d).setMinApiLevel(26).setMode(CompilationMode.DEBUG)
              .setOutput(out, OutputMode.DexIndexed).build());
          assertTrue(Files.size(out.resolve("classes.dex")) > 0);
        }
      }
    }
  }

  /** ads.network (found by hosts) and ads.loaders (by name) both stub the ad reporter: one change, reported. */
  @Test
  void theSameStubFromTwoPatchesIsMadeOnceAndReported() {
    for (Policy p : Policy.values()) {
      PatchReport r = PatchedFixtures.patch(TelemetryFixtures.msa(), p).report();
      List<PatchReport.Touched> loaders = r.applied().stream().filter(a -> a.patch().equals("ads.loaders"))
          .flatMap(a -> a.methods().stream()).filter(t -> t.method().startsWith("Lcom/xiaomi/miglobaladsdk/report/a;->b("))
          .toList();
      assertEquals(1, loaders.size(), p + ": " + r.applied());
      assertEquals(false, loaders.get(0).changed());
      assertTrue(loaders.get(0).detail().startsWith("superseded by patch ads.network (the same "), loaders.get(0).detail());
    }
  }

  @Test
  void patchingAPatchedAppChangesNothing() {
    for (Fixture f : List.of(TelemetryFixtures.mintBrowser(), TelemetryFixtures.oneTrackApp(), TelemetryFixtures.analyticsCore())) {
      for (Policy p : Policy.values()) {
        PatchedFixtures.Patched once = PatchedFixtures.patch(f, p);
        PatchedFixtures.Patched twice = PatchedFixtures.patch(once.bytes(), f.fileName(), f, p);
        assertArrayEquals(once.bytes(), twice.bytes(), f.name() + " " + p + ": idempotent");
      }
    }
  }

  /** Every fingerprint finds its target in some fixture (the ones listed here have no fixture and say why). */
  @Test
  void everyFingerprintIsExercisedByAFixture() {
    Set<String> noFixture = Set.of(
        // hosts that no fixture hard-codes (listed for real ROMs)
        "endpoints.telemetry-hosts/*");
    Set<String> seen = new TreeSet<>();
    for (Fixture f : TelemetryFixtures.withTelemetry()) {
      for (Policy p : Policy.values()) {
        for (PatchReport.Applied a : PatchedFixtures.patch(f, p).report().applied()) {
          a.methods().forEach(t -> seen.add(a.patch() + "/" + t.fingerprint()));
        }
      }
    }
    for (Patch patch : PatchedFixtures.catalogue().patches()) {
      for (Fingerprint fp : patch.fingerprints()) {
        String key = patch.id() + "/" + fp.name();
        if (noFixture.contains(key) || noFixture.contains(patch.id() + "/*")) {
          continue;
        }
        assertTrue(seen.contains(key), key + " matched nothing in any fixture");
      }
    }
  }
}
