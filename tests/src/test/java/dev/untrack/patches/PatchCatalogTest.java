package dev.untrack.patches;

import static dev.untrack.testkit.CliRun.untrack;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.untrack.patcher.Policy;
import dev.untrack.patcher.patch.Action;
import dev.untrack.patcher.patch.Operation;
import dev.untrack.patcher.patch.Patch;
import dev.untrack.patches.hosts.TelemetryHosts;
import dev.untrack.testkit.CliRun;
import dev.untrack.testkit.TelemetryFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalogue as users meet it: {@code untrack patches list|show} explain every patch in words (what, why,
 * source, targets, how it is verified), and {@code untrack patch} runs it on every fixture app and on the real
 * Sensors SDK with no failed or ambiguous match.
 */
class PatchCatalogTest {
  @TempDir Path tmp;

  static final Set<String> IDS = Set.of("onetrack.api", "onetrack.disabled", "onetrack.uep", "onetrack.basic-events",
      "mistat.gate", "mistat.api", "mistat.record", "mistat3.api", "mistat3.upload", "mistat3.track", "analytics.tracker", "analytics.no-code-download",
      "analytics-core.service", "analytics-core.upload", "sensors.disabled", "sensors.api", "ads.network",
      "ads.loaders", "ads.identity", "settings.switches", "legacy-analytics.api", "legacy-analytics.dispatch", "browser.dispatcher",
      "browser.anonymous-id", "browser.aggregated-data-switch", "browser.incognito", "securitycenter.analytics",
      "securitycenter.reporting", "daemon.diagnostics", "bugreport.upload", "endpoints.telemetry-hosts");

  @Test
  void everyPatchExplainsItself() {
    List<Patch> patches = PatchedFixtures.catalogue().patches();
    Set<String> ids = new TreeSet<>();
    for (Patch p : patches) {
      ids.add(p.id());
      assertFalse(p.title().isBlank(), p.id());
      assertFalse(p.why().isEmpty(), p.id() + ": why");
      assertFalse(p.sources().isEmpty(), p.id() + ": every patch cites its public source");
      String why = String.join(" ", p.why());
      assertTrue(why.length() > 120, p.id() + ": why says what, why and how, in words");
      boolean gates = p.actions().stream().anyMatch(a -> a.operation().touchesBody());
      if (gates && p.policy() != dev.untrack.patcher.patch.PolicyScope.BLOCK
          && p.policy() != dev.untrack.patcher.patch.PolicyScope.HONOR_SWITCH) {
        assertTrue(why.contains("--policy"), p.id() + ": says what it does under each policy");
      }
    }
    assertEquals(new TreeSet<>(IDS), ids);
  }

  @Test
  void patchesListAndShow() {
    CliRun list = untrack("patches", "list");
    assertEquals(0, list.code(), list.err());
    for (String id : IDS) {
      assertTrue(list.out().contains(id), id + " listed");
    }
    CliRun show = untrack("patches", "show", "browser.dispatcher");
    assertEquals(0, show.code(), show.err());
    for (String s : List.of("Browsers: the app's event dispatcher does nothing", "Why:", "page_load_event_start",
        "Sources:", "palant.info", "forbes.com", "Targets:", "com.mi.globalbrowser.mini", "Finds:",
        "com/sensorsdata/analytics/android/sdk/", "Does:", "honor-switch", "Verification")) {
      assertTrue(show.out().contains(s), "patches show mentions " + s + ":\n" + show.out());
    }
    CliRun consent = untrack("patches", "show", "settings.switches");
    assertTrue(consent.out().contains("upload_log_pref"), consent.out());
  }

  /** The endpoint patch and the hosts file come from one list: every telemetry host is rewritten or is an ad host. */
  @Test
  void endpointRewritesCoverTheHostList() {
    Patch endpoints = PatchedFixtures.catalogue().patches().stream()
        .filter(p -> p.id().equals("endpoints.telemetry-hosts")).findFirst().orElseThrow();
    Set<String> rewritten = new TreeSet<>();
    for (Action a : endpoints.actions()) {
      if (a.operation() instanceof Operation.Strings s) {
        rewritten.add(s.oldValue());
        assertTrue(s.newValue().endsWith(".invalid"), s.newValue());
        assertFalse(s.newValue().contains(s.oldValue()));
      } else if (a.operation() instanceof Operation.StringsContaining s) {
        assertTrue(s.newValue().startsWith("https://") && s.newValue().endsWith(".invalid/"), s.newValue());
      }
    }
    for (String h : TelemetryHosts.builtin().blocked()) {
      boolean adHost = h.matches("(sdkconfig\\.ad|api\\.ad|globalapi\\.ad|log\\.ad|e\\.ad)\\..*");
      assertTrue(rewritten.contains(h) != adHost, h + (adHost ? " is left to ads.network" : " is rewritten"));
    }
    for (String keep : TelemetryHosts.builtin().neverBlocked()) {
      assertFalse(rewritten.contains(keep), keep);
    }
  }

  @Test
  void untrackPatchRunsTheCatalogueOnEveryFixtureAndTheRealSdk() throws Exception {
    List<TelemetryFixtures.Fixture> inputs = new java.util.ArrayList<>(TelemetryFixtures.withTelemetry());
    inputs.add(TelemetryFixtures.realSensorsSdk());
    for (TelemetryFixtures.Fixture f : inputs) {
      Path in = f.writeTo(tmp);
      for (Policy p : Policy.values()) {
        Path out = tmp.resolve(p.name() + "-" + f.fileName());
        CliRun r = untrack("patch", in.toString(), "-o", out.toString(), "--policy", p.name().toLowerCase().replace('_', '-'),
            "--json");
        assertEquals(0, r.code(), f.name() + " " + p + ": " + r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals("PATCHED", o.get("outcome").getAsString(), f.name() + " " + p);
        assertEquals(0, o.getAsJsonArray("errors").size(), f.name() + " " + p);
        assertTrue(Files.size(out) > 0);
      }
    }
  }
}
