package dev.untrack.patches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.testkit.TelemetryFixtures;
import dev.untrack.testkit.sandbox.AndroidSandbox;
import dev.untrack.testkit.sandbox.FakeNetwork;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The fixtures reproduce the leaks the patches exist for: run unpatched, each one sends telemetry that carries
 * what the public reports said it carries. (If a fixture stopped leaking, the "after" tests would prove
 * nothing.)
 */
class UnpatchedTelemetryTest {
  static List<byte[]> framework() {
    return TelemetryFixtures.miuiFramework().dex();
  }

  static boolean anyCarries(AndroidSandbox b, Predicate<FakeNetwork.Request> where, String needle) {
    return b.network().sent(where).stream().anyMatch(r -> r.carries(needle));
  }

  static Predicate<FakeNetwork.Request> host(String h) {
    return r -> h.equals(r.host());
  }

  @Test
  void oneTrackTreatsUnsetAsOnAndFollowsServerHosts() {
    // no MIUI framework getter reachable: OneTrack reads upload_log_pref with default -1 and takes -1 as "on"
    try (AndroidSandbox b = Scenarios.sandbox("com.xiaomi.joyose", TelemetryFixtures.oneTrackApp().dex(), null)) {
      Scenarios.joyose(b);
      assertTrue(b.network().sent().stream().anyMatch(r -> r.url().contains("/api/v4/detail/config")), "config fetch");
      assertTrue(anyCarries(b, host(Scenarios.REPLACED_HOST), "com.tencent.tmgp.pubgm"),
          "game events go to the host the server chose: " + b.network().sent());
      assertTrue(b.network().sent().stream().anyMatch(r -> r.url().endsWith("/track/v4")));
    }
  }

  @Test
  void oneTrackSendsBasicEventsWithTheProgramOff() {
    try (AndroidSandbox b = Scenarios.sandbox("com.xiaomi.joyose", TelemetryFixtures.oneTrackApp().dex(), framework())) {
      b.secure("upload_log_pref", 0);
      Scenarios.joyose(b);
      assertTrue(anyCarries(b, r -> r.url().endsWith("/track/v4"), "onetrack_dau"), "DAU event despite opt-out");
      assertFalse(anyCarries(b, r -> true, "game_boost"), "non-basic events do respect the switch");
    }
  }

  @Test
  void miStatIgnoresTheProgramWhenToldNotToRespectIt() {
    try (AndroidSandbox b = Scenarios.sandbox("com.miui.powerkeeper", TelemetryFixtures.miStatApp().dex(), framework())) {
      b.secure("upload_log_pref", 0);
      Scenarios.powerKeeper(b);
      assertTrue(anyCarries(b, host("data.mistat.xiaomi.com"), "com.whatsapp"), b.network().sent().toString());
      assertTrue(b.log().stream().anyMatch(l -> l.contains("sRespectUEP false")));
    }
  }

  @Test
  void analyticsClientDownloadsAndLoadsCodeAndMiStatV3Uploads() {
    try (AndroidSandbox b = Scenarios.sandbox("com.miui.notes", TelemetryFixtures.analyticsClientApp().dex(), framework())) {
      Scenarios.notes(b);
      assertTrue(b.network().sent().stream().anyMatch(r -> "sdkconfig.ad.xiaomi.com".equals(r.host())
          && r.url().contains("/api/checkupdate/lastusefulversion")));
      assertEquals(1, b.codeLoads().size(), "the downloaded analytics code is loaded into the app");
      assertTrue(b.log().stream().anyMatch(l -> l.contains("download finished, use new analytics.")));
      assertTrue(anyCarries(b, r -> r.url().endsWith("/mistats/v3"), "Diary: visit to the clinic"));
      assertTrue(b.bindAttempts().contains("com.miui.action.ANALYTICS_SERVICE -> com.miui.analytics"));
    }
  }

  @Test
  void analyticsClientLoadsAnalyticsCodeBundledInItsAssets() {
    try (AndroidSandbox b = Scenarios.sandbox("com.miui.notes", TelemetryFixtures.analyticsClientApp().dex(), framework())) {
      b.asset("analytics_core_2.7.9.apk", new byte[] {'P', 'K', 3, 4, 0, 0});
      Scenarios.notes(b);
      assertTrue(b.codeLoads().stream().anyMatch(p -> p.endsWith("asset_analytics.apk")), b.codeLoads().toString());
    }
  }

  @Test
  void analyticsClientHandsEventsToAnalyticsCoreWhichUploadsThem() {
    try (AndroidSandbox core = Scenarios.sandbox("com.miui.analytics", TelemetryFixtures.analyticsCore().dex(), framework());
        AndroidSandbox app = Scenarios.sandbox("com.miui.notes", TelemetryFixtures.analyticsClientApp().dex(), framework())) {
      app.connectService("com.miui.action.ANALYTICS_SERVICE", core, Scenarios.analyticsCoreBinder(core));
      Scenarios.notesTrackerOnly(app);
      assertTrue(anyCarries(core, r -> r.url().endsWith("/track/spock"), "note_opened"), core.network().sent().toString());
      assertTrue(anyCarries(core, r -> true, "Diary: visit to the clinic"));
      assertTrue(anyCarries(core, r -> true, "note_shared"), "Tracker.log events too");
    }
  }

  @Test
  void analyticsCoreAsksTheServerBeforeReportingPolicyReady() {
    try (AndroidSandbox core = Scenarios.sandbox("com.miui.analytics", TelemetryFixtures.analyticsCore().dex(), framework())) {
      Object icore = Scenarios.analyticsCoreInterface(core);
      assertEquals(true, core.call(icore, "isPolicyReady", "com.miui.notes", "notes_stat"));
      assertTrue(core.network().sent().stream().anyMatch(r -> r.url().contains("/track/spock/policy")));
      assertEquals(2024010100, core.call(icore, "getVersion"));
    }
  }

  @Test
  void browsersSendUrlsSearchesAndDownloadsAlsoInIncognito() {
    for (TelemetryFixtures.Fixture f : List.of(TelemetryFixtures.mintBrowser(), TelemetryFixtures.miuiBrowser())) {
      boolean mint = f.packageName().startsWith("com.mi.");
      String activity = mint ? "com.mi.globalbrowser.mini.BrowserActivity" : "com.android.browser.BrowserActivity";
      try (AndroidSandbox b = Scenarios.sandbox(f.packageName(), f.dex(), framework())) {
        b.secure("upload_log_pref", 1);
        Object a = Scenarios.browse(b, activity);
        Scenarios.browseIncognito(b, a);
        String sensorsHost = mint ? "sa.api.intl.miui.com" : "sa-api.api.intl.miui.com";
        assertTrue(anyCarries(b, host(sensorsHost), Scenarios.VISITED_URL), f.name() + " " + b.network().sent());
        assertTrue(anyCarries(b, host(sensorsHost), Scenarios.SEARCH_WORDS));
        assertTrue(anyCarries(b, host(sensorsHost), Scenarios.DOWNLOAD_URL));
        assertTrue(anyCarries(b, host(sensorsHost), Scenarios.INCOGNITO_URL), "incognito leaks (default switches)");
        assertTrue(anyCarries(b, r -> true, "mint_user@example.com") || !mint, "signed-in account name");
        Predicate<FakeNetwork.Request> second = mint ? host("data.mistat.xiaomi.com") : r -> r.url().endsWith("/track/v4");
        assertTrue(anyCarries(b, second, Scenarios.VISITED_URL), f.name() + " second SDK once the Program is on");
        assertTrue(b.network().sent().stream().anyMatch(r -> r.url().contains("/sa?project=")));
      }
    }
  }

  @Test
  void sensorsIgnoresTheProgramSwitch() {
    try (AndroidSandbox b = Scenarios.sandbox("com.mi.globalbrowser.mini", TelemetryFixtures.mintBrowser().dex(), framework())) {
      b.secure("upload_log_pref", 0);
      Scenarios.browse(b, "com.mi.globalbrowser.mini.BrowserActivity");
      assertTrue(anyCarries(b, host("sa.api.intl.miui.com"), Scenarios.SEARCH_WORDS));
      assertTrue(b.network().sent(host("data.mistat.xiaomi.com")).isEmpty(), "MiStat does respect it here");
    }
  }

  @Test
  void securityCenterReportsToItsOwnEndpointsAndChecksVirusDb() {
    try (AndroidSandbox b = Scenarios.sandbox("com.miui.securitycenter", TelemetryFixtures.securityCenter().dex(), framework())) {
      Scenarios.securityCenter(b);
      assertTrue(anyCarries(b, host("data.sec.miui.com"), "open_main"));
      assertTrue(anyCarries(b, r -> r.url().contains("api.sec.miui.com/report"), "com.whatsapp"));
      assertTrue(b.network().sent().stream().anyMatch(r -> "adv.sec.miui.com".equals(r.host())));
      assertEquals(200, Scenarios.securityCenterVirusCheck(b));
    }
  }

  @Test
  void adSdksTrackViewsAndClicksWithTheAdId() {
    try (AndroidSandbox b = Scenarios.sandbox("com.miui.msa.global", TelemetryFixtures.msa().dex(), framework())) {
      b.global("ad_aaid", null);
      assertEquals(Scenarios.AD_TITLE, Scenarios.msa(b));
      assertEquals("loaded, feed " + Scenarios.AD_TITLE, Scenarios.msaListeners(b));
      for (String h : TelemetryFixtures.msa().telemetryHosts()) {
        assertTrue(b.network().sent().stream().anyMatch(r -> h.equals(r.host())), h + " in " + b.network().sent());
      }
      assertTrue(anyCarries(b, host("e.ad.xiaomi.com"), "\"personalized\":true"), "personalized ads default on");
      assertTrue(b.network().sent().stream().anyMatch(r -> r.url().contains("personalized=true")),
          "the SDK's own read of personalized_ad_enabled: unset counts as on");
    }
  }

  @Test
  void telemetryAppsUpload() {
    try (AndroidSandbox b = Scenarios.sandbox("com.miui.daemon", TelemetryFixtures.miuiDaemon().dex(), null)) {
      Scenarios.daemon(b);
      assertTrue(anyCarries(b, host("mqs-log.miui.com"), "ANR"));
    }
    try (AndroidSandbox b = Scenarios.sandbox("com.miui.misightservice", TelemetryFixtures.miSight().dex(), null)) {
      Scenarios.miSight(b);
      assertTrue(anyCarries(b, r -> r.url().endsWith("/track/v4"), "misight_fault"));
    }
    try (AndroidSandbox b = Scenarios.sandbox("com.xiaomi.security.onetrack", TelemetryFixtures.securityOnetrack().dex(), null)) {
      Scenarios.securityOnetrack(b);
      assertTrue(anyCarries(b, r -> r.url().endsWith("/track/v4"), "virus_found"));
    }
    try (AndroidSandbox b = Scenarios.sandbox("com.xiaomi.xmsfkeeper", TelemetryFixtures.xmsfKeeper().dex(), null)) {
      Scenarios.xmsfKeeper(b);
      assertTrue(anyCarries(b, r -> r.url().endsWith("/track/v4"), "xmsf_keep_alive"));
    }
    try (AndroidSandbox b = Scenarios.sandbox("com.miui.bugreport", TelemetryFixtures.bugReport().dex(), null)) {
      Scenarios.bugReport(b);
      assertTrue(anyCarries(b, host("bugreport.xiaomi.net"), "com.whatsapp crashed"));
      assertTrue(anyCarries(b, host("feedback.miui.com"), "my feedback"));
    }
  }

  @Test
  void frameworkSwitchesAndLegacyAnalytics() {
    try (AndroidSandbox b = Scenarios.sandbox("android", framework(), null)) {
      assertFalse(Scenarios.uep(b), "stable build: unset is off in the framework getter");
      b.secure("upload_log_pref", 1);
      assertTrue(Scenarios.uep(b));
      assertTrue(Scenarios.debugLog(b), "diagnostics follow the Program switch when unset");
      assertTrue(Scenarios.personalizedAds(b), "personalized ads default on");
      Scenarios.legacyAnalytics(b);
      assertTrue(anyCarries(b, host("tracking.miui.com"), "app_open"));
    }
  }

  @Test
  void sharedStatsJarsUpload() {
    try (AndroidSandbox b = Scenarios.sandbox("android", TelemetryFixtures.statsSharedJar().dex(), framework())) {
      b.secure("upload_log_pref", 1);
      Scenarios.sharedMiStat(b);
      assertTrue(anyCarries(b, host("data.mistat.xiaomi.com"), "boot_completed"));
    }
    try (AndroidSandbox b = Scenarios.sandbox("android", TelemetryFixtures.statsSharedJarV3().dex(), framework())) {
      Scenarios.sharedMiStatV3(b);
      assertTrue(anyCarries(b, r -> r.url().endsWith("/mistats/v3"), "boot_completed"));
    }
  }

  @Test
  void keepWorkingAppsReachTheirServers() {
    try (AndroidSandbox b = Scenarios.sandbox("com.xiaomi.xmsf", TelemetryFixtures.xmsf().dex(), null)) {
      assertEquals(200, b.callStatic("com.xiaomi.push.service.XMPushService", "register", "1000271", true));
      assertEquals("register.xmpush.global.xiaomi.com", b.network().sent().get(0).host());
    }
  }
}
