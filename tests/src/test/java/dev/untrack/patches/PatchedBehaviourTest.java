package dev.untrack.patches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.patcher.Policy;
import dev.untrack.patches.hosts.TelemetryHosts;
import dev.untrack.testkit.TelemetryFixtures;
import dev.untrack.testkit.TelemetryFixtures.Fixture;
import dev.untrack.testkit.sandbox.AndroidSandbox;
import dev.untrack.testkit.sandbox.FakeNetwork;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Behaviour, not bytes: each fixture is patched by the engine with the built-in catalogue, then the same user
 * scenario that leaks when unpatched ({@link UnpatchedTelemetryTest}) runs on the JVM against the patched dex.
 *
 * <ul>
 *   <li>{@code --policy block}: no telemetry request at all, whatever the switches say;
 *   <li>{@code --policy honor-switch}: none with the User Experience Program unset, off, or in incognito; some
 *       only when it is explicitly on;
 *   <li>the apps' real functions keep working, and hosts that must keep working are still reached.
 * </ul>
 *
 * A ROM is patched with one policy, so the framework jar (which apps reach by reflection) is patched with the
 * same policy as the app.
 */
class PatchedBehaviourTest {
  static List<byte[]> dex(Fixture f, Policy p) {
    return PatchedFixtures.patch(f, p).dex();
  }

  static List<byte[]> framework(Policy p) {
    return dex(TelemetryFixtures.miuiFramework(), p);
  }

  static AndroidSandbox patched(Fixture f, Policy p, boolean withFramework) {
    return Scenarios.sandbox(f.packageName() == null ? "android" : f.packageName(), dex(f, p),
        withFramework ? framework(p) : null);
  }

  /** Requests that would have reached a host on the telemetry list (or any host but the allowed ones). */
  static List<FakeNetwork.Request> telemetry(AndroidSandbox b, String... allowedHosts) {
    List<String> allowed = List.of(allowedHosts);
    return b.network().sent(r -> !allowed.contains(r.host()));
  }

  static void assertNothingLeaves(AndroidSandbox b, String what, String... allowedHosts) {
    assertEquals(List.of(), telemetry(b, allowedHosts), what + ": nothing may leave");
    for (String u : b.network().opened()) {
      String host = java.net.URI.create(u).getHost();
      assertFalse(TelemetryHosts.builtin().isBlocked(host), what + ": opened a connection to " + u);
    }
  }

  /**
   * The honor-switch matrix for one app: unset, off, OneTrack's "-1", then explicitly on. {@code scenario} runs
   * in a fresh sandbox each time; {@code leaked} says whether the run sent telemetry.
   */
  static void honorMatrix(Fixture f, boolean withFramework, Consumer<AndroidSandbox> scenario, String... allowed) {
    for (Integer uep : new Integer[] {null, 0, -1}) {
      try (AndroidSandbox b = patched(f, Policy.HONOR_SWITCH, withFramework)) {
        b.secure("upload_log_pref", uep);
        scenario.accept(b);
        assertNothingLeaves(b, f.name() + " honor-switch, upload_log_pref=" + uep, allowed);
      }
    }
    try (AndroidSandbox b = patched(f, Policy.HONOR_SWITCH, withFramework)) {
      b.secure("upload_log_pref", 1);
      scenario.accept(b);
      assertFalse(telemetry(b, allowed).isEmpty(), f.name() + " honor-switch, explicitly on: telemetry flows");
    }
  }

  static void blockAlways(Fixture f, boolean withFramework, Consumer<AndroidSandbox> scenario, String... allowed) {
    for (Integer uep : new Integer[] {null, 0, 1}) {
      try (AndroidSandbox b = patched(f, Policy.BLOCK, withFramework)) {
        b.secure("upload_log_pref", uep).secure("upload_debug_log_pref", uep).global("personalized_ad_enabled", uep);
        scenario.accept(b);
        assertNothingLeaves(b, f.name() + " block, switches=" + uep, allowed);
      }
    }
  }

  // ---- OneTrack ------------------------------------------------------------------------------------------

  @Test
  void oneTrackBlock() {
    Fixture f = TelemetryFixtures.oneTrackApp();
    blockAlways(f, true, Scenarios::joyose);
    blockAlways(f, false, Scenarios::joyose);
    try (AndroidSandbox b = patched(f, Policy.BLOCK, true)) {
      b.callStatic("com.xiaomi.joyose.a.b", "a", b.context());
      assertEquals("fps=120;gpu=boost", b.callStatic("com.xiaomi.joyose.a.b", "a", "com.tencent.tmgp.pubgm"),
          "Joyose still tunes games");
      assertEquals(true, b.callStatic("com.xiaomi.onetrack.OneTrack", "isDisable"));
    }
  }

  @Test
  void oneTrackHonorSwitchClosesUnsetIsOnAndServerHosts() {
    Fixture f = TelemetryFixtures.oneTrackApp();
    honorMatrix(f, true, Scenarios::joyose);
    // without the framework getter OneTrack falls back to reading the key with default -1 ("on"): closed too
    honorMatrix(f, false, Scenarios::joyose);
    try (AndroidSandbox b = patched(f, Policy.HONOR_SWITCH, true)) {
      Scenarios.joyose(b);
      assertTrue(b.network().opened().isEmpty(), "not even the server config (which could replace hosts) is fetched");
    }
    try (AndroidSandbox b = patched(f, Policy.HONOR_SWITCH, true)) {
      b.secure("upload_log_pref", 1);
      Scenarios.joyose(b);
      assertTrue(b.network().sent().stream().anyMatch(r -> r.carries("com.tencent.tmgp.pubgm")), "consented events");
    }
  }

  @Test
  void oneTrackBasedTelemetryApps() {
    for (Object[] c : new Object[][] {
        {TelemetryFixtures.miSight(), (Consumer<AndroidSandbox>) Scenarios::miSight},
        {TelemetryFixtures.securityOnetrack(), (Consumer<AndroidSandbox>) Scenarios::securityOnetrack},
        {TelemetryFixtures.xmsfKeeper(), (Consumer<AndroidSandbox>) Scenarios::xmsfKeeper}}) {
      @SuppressWarnings("unchecked")
      Consumer<AndroidSandbox> s = (Consumer<AndroidSandbox>) c[1];
      blockAlways((Fixture) c[0], false, s);
      honorMatrix((Fixture) c[0], false, s);
    }
  }

  // ---- MiStat ---------------------------------------------------------------------------------------------

  @Test
  void miStatRespectUepBypassIsClosed() {
    Fixture f = TelemetryFixtures.miStatApp();
    blockAlways(f, true, Scenarios::powerKeeper);
    honorMatrix(f, true, Scenarios::powerKeeper);
    honorMatrix(f, false, Scenarios::powerKeeper);
    try (AndroidSandbox b = patched(f, Policy.BLOCK, true)) {
      Scenarios.powerKeeper(b);
      assertEquals("saver", b.callStatic("com.miui.powerkeeper.b.a", "a", 10), "PowerKeeper still picks power modes");
      assertEquals(true, b.callStatic("com.xiaomi.mistatistic.sdk.BuildSetting", "isRespectUEP"));
    }
  }

  /** Under honor-switch nothing is even recorded without consent, so nothing recorded then leaves later. */
  @Test
  void miStatRecordsNothingBeforeConsent() {
    Fixture f = TelemetryFixtures.miStatApp();
    try (AndroidSandbox b = patched(f, Policy.HONOR_SWITCH, true)) {
      Scenarios.powerKeeper(b);
      b.callStatic("com.xiaomi.mistatistic.sdk.MiStatInterface", "recordCalculateEvent", "battery", "drain_total", 37L);
      b.callStatic("com.xiaomi.mistatistic.sdk.MiStatInterface", "recordPageStart", b.context(), "battery_usage");
      b.callStatic("com.xiaomi.mistatistic.sdk.MiStatInterface", "triggerUploadManually");
      assertNothingLeaves(b, "MiStat before consent");
      b.secure("upload_log_pref", 1);
      b.callStatic("com.miui.powerkeeper.a.a", "a", "com.example.after", 5);
      assertTrue(b.network().sent().stream().anyMatch(r -> r.carries("com.example.after")), "consented event");
      assertTrue(b.network().sent().stream().noneMatch(r -> r.carries("com.whatsapp") || r.carries("drain_total")
          || r.carries("battery_usage")), "events from before consent were never recorded: " + b.network().sent());
    }
    try (AndroidSandbox b = patched(TelemetryFixtures.statsSharedJarV3(), Policy.HONOR_SWITCH, true)) {
      Scenarios.sharedMiStatV3(b);
      b.secure("upload_log_pref", 1);
      b.callStatic("com.xiaomi.stat.MiStat", "trackEvent", "after_consent");
      assertTrue(b.network().sent().stream().noneMatch(r -> r.carries("boot_completed")),
          "MiStat v3: the event from before consent was never recorded");
    }
  }

  @Test
  void sharedStatsJars() {
    blockAlways(TelemetryFixtures.statsSharedJar(), true, Scenarios::sharedMiStat);
    honorMatrix(TelemetryFixtures.statsSharedJar(), true, Scenarios::sharedMiStat);
    blockAlways(TelemetryFixtures.statsSharedJarV3(), true, Scenarios::sharedMiStatV3);
    honorMatrix(TelemetryFixtures.statsSharedJarV3(), true, Scenarios::sharedMiStatV3);
  }

  // ---- Analytics client and AnalyticsCore --------------------------------------------------------------

  @Test
  void analyticsClientNeverLoadsDownloadedCode() {
    Fixture f = TelemetryFixtures.analyticsClientApp();
    blockAlways(f, true, Scenarios::notes);
    honorMatrix(f, true, Scenarios::notes);
    for (Policy p : Policy.values()) {
      try (AndroidSandbox b = patched(f, p, true)) {
        b.secure("upload_log_pref", 1);
        b.asset("analytics_core_2.7.9.apk", new byte[] {'P', 'K', 3, 4, 0, 0});
        Scenarios.notes(b);
        assertEquals(List.of(), b.codeLoads(),
            p + ": downloaded or bundled (assets) analytics code is never loaded, even with consent");
        assertTrue(b.network().sent(r -> r.url().contains("/api/checkupdate/")).isEmpty(), p + ": no update check");
        assertEquals(1, b.callStatic("com.miui.notes.b.a", "a", b.context(), "title", "text"), "Notes still saves");
      }
    }
  }

  /** Core and client as two processes, talking over ICore; every combination of patched and unpatched. */
  @Test
  void analyticsCoreAcceptsAndDropsEventsAndReportsHealthy() {
    Fixture core = TelemetryFixtures.analyticsCore();
    Fixture client = TelemetryFixtures.analyticsClientApp();
    for (Policy p : Policy.values()) {
      for (boolean clientPatched : new boolean[] {false, true}) {
        for (Integer uep : new Integer[] {null, 0, 1}) {
          try (AndroidSandbox c = patched(core, p, true);
              AndroidSandbox a = Scenarios.sandbox("com.miui.notes",
                  clientPatched ? dex(client, p) : client.dex(), clientPatched ? framework(p) : UnpatchedTelemetryTest.framework())) {
            c.secure("upload_log_pref", uep);
            a.secure("upload_log_pref", uep);
            a.connectService("com.miui.action.ANALYTICS_SERVICE", c, Scenarios.analyticsCoreBinder(c));
            Scenarios.notesTrackerOnly(a);
            boolean consented = p == Policy.HONOR_SWITCH && Integer.valueOf(1).equals(uep);
            String what = p + " client " + (clientPatched ? "patched" : "unpatched") + " uep=" + uep;
            if (consented) {
              assertTrue(c.network().sent().stream().anyMatch(r -> r.carries("note_opened")),
                  what + ": consented events are uploaded");
            } else {
              assertNothingLeaves(c, "AnalyticsCore " + what);
            }
          }
        }
      }
      try (AndroidSandbox c = patched(core, p, true)) {
        Object icore = Scenarios.analyticsCoreInterface(c);
        assertEquals(true, c.call(icore, "isPolicyReady", "com.miui.notes", "notes_stat"), p + ": healthy");
        assertEquals(2024010100, c.call(icore, "getVersion"));
        assertEquals("2.7.9", c.call(icore, "getVersionName"));
        c.call(icore, "trackEvents", (Object) new String[] {"a", "b"});
        c.call(icore, "deleteAllEvents", "notes_stat");
        assertNothingLeaves(c, p + " AnalyticsCore direct calls");
      }
    }
  }

  /**
   * The client patched, AnalyticsCore as shipped (a ROM may patch only some apps): the client alone keeps its
   * events (Tracker.track and Tracker.log) unless the user consented, and getTracker still hands out a Tracker.
   */
  @Test
  void patchedAnalyticsClientKeepsEventsFromAnUnpatchedCore() {
    Fixture core = TelemetryFixtures.analyticsCore();
    Fixture client = TelemetryFixtures.analyticsClientApp();
    for (Policy p : Policy.values()) {
      for (Integer uep : new Integer[] {null, 0, -1, 1}) {
        try (AndroidSandbox c = Scenarios.sandbox("com.miui.analytics", core.dex(), UnpatchedTelemetryTest.framework());
            AndroidSandbox a = patched(client, p, true)) {
          c.secure("upload_log_pref", uep);
          a.secure("upload_log_pref", uep);
          a.connectService("com.miui.action.ANALYTICS_SERVICE", c, Scenarios.analyticsCoreBinder(c));
          Scenarios.notesTrackerOnly(a);
          assertTrue(a.staticField("com.miui.notes.a.a", "b") != null, "getTracker hands out a Tracker");
          boolean consented = p == Policy.HONOR_SWITCH && Integer.valueOf(1).equals(uep);
          String what = p + " uep=" + uep;
          boolean any = c.network().sent().stream().anyMatch(r -> r.carries("note_opened") || r.carries("note_shared"));
          assertEquals(consented, any, what + ": events reach the unpatched core only with consent");
          assertEquals(List.of(), a.codeLoads(), what + ": no analytics code loaded");
        }
      }
    }
  }

  // ---- browsers -----------------------------------------------------------------------------------------

  static String activity(Fixture f) {
    return f.packageName().startsWith("com.mi.") ? "com.mi.globalbrowser.mini.BrowserActivity"
        : "com.android.browser.BrowserActivity";
  }

  static void browseAll(AndroidSandbox b, Fixture f) {
    Object a = Scenarios.browse(b, activity(f));
    Scenarios.browseIncognito(b, a);
  }

  @Test
  void browsersBlock() {
    for (Fixture f : List.of(TelemetryFixtures.mintBrowser(), TelemetryFixtures.miBrowser(), TelemetryFixtures.miuiBrowser())) {
      blockAlways(f, true, b -> browseAll(b, f));
      try (AndroidSandbox b = patched(f, Policy.BLOCK, true)) {
        b.secure("upload_log_pref", 1);
        Object a = Scenarios.browse(b, activity(f));
        assertEquals(false, b.call(a, "aggregatedDataCollectionShown"), f.name() + ": the switch shows off");
        assertEquals(1, b.call(a, "historySize"), f.name() + ": browsing still works");
        assertNoPermanentAnonymousId(b, f);
      }
    }
  }

  static void assertNoPermanentAnonymousId(AndroidSandbox b, Fixture f) {
    String cls = f.packageName().startsWith("com.mi.") ? "com.mi.globalbrowser.mini.common_business.g.c" : "miui.browser.c.d";
    Object first = b.callStatic(cls, "a", b.context());
    Object second = b.callStatic(cls, "a", b.context());
    assertNotEquals(first, second, f.name() + ": a fresh id every time");
    assertEquals(36, ((String) first).length(), "still a well-formed UUID");
    for (String file : List.of("browser_stat", "stat_pref")) {
      Object prefs = b.call(b.context(), "getSharedPreferences", file, 0);
      assertEquals(false, b.call(prefs, "contains", "anonymous_id"), f.name() + ": nothing stored");
    }
  }

  @Test
  void browsersHonorSwitchIncognitoIsAlwaysOut() {
    for (Fixture f : List.of(TelemetryFixtures.mintBrowser(), TelemetryFixtures.miuiBrowser())) {
      honorMatrix(f, true, b -> browseAll(b, f));
      try (AndroidSandbox b = patched(f, Policy.HONOR_SWITCH, true)) {
        b.secure("upload_log_pref", 1);
        Object a = Scenarios.browse(b, activity(f));
        assertTrue(b.network().sent().stream().anyMatch(r -> r.carries(Scenarios.VISITED_URL)),
            f.name() + ": consented browsing statistics flow");
        assertEquals(true, b.call(a, "aggregatedDataCollectionShown"), f.name() + ": the switch tells the truth (on)");
        b.network().clear();
        Scenarios.browseIncognito(b, a);
        assertNothingLeaves(b, f.name() + " incognito with consent");
        assertEquals(false, b.call(a, "aggregatedDataCollectionShown"), f.name() + ": off in incognito");
        assertNoPermanentAnonymousId(b, f);
      }
      try (AndroidSandbox b = patched(f, Policy.HONOR_SWITCH, true)) {
        // incognito restored at start-up (no switch change in this process): found in the preferences
        Object prefs = b.call(b.context(), "getSharedPreferences", f.packageName() + "_preferences", 0);
        b.call(b.call(b.call(prefs, "edit"), "putBoolean",
            f.packageName().startsWith("com.mi.") ? "incognito_mode" : "key_incognito_state", true), "commit");
        b.secure("upload_log_pref", 1);
        Object a = Scenarios.browser(b, activity(f));
        b.call(a, "loadUrl", Scenarios.INCOGNITO_URL);
        assertNothingLeaves(b, f.name() + " incognito restored from preferences");
      }
    }
  }

  @Test
  void mintEnhancedIncognitoCannotReEnableStatistics() {
    Fixture f = TelemetryFixtures.mintBrowser();
    try (AndroidSandbox b = patched(f, Policy.HONOR_SWITCH, true)) {
      b.secure("upload_log_pref", 1);
      Object a = Scenarios.browser(b, activity(f));
      b.network().clear();  // start-up events before incognito are consented
      b.call(a, "setIncognito", true);
      b.call(a, "setEnhancedIncognito", true);
      b.call(a, "setEnhancedIncognito", false);
      b.call(a, "setAggregatedDataCollection", true);
      b.call(a, "loadUrl", Scenarios.INCOGNITO_URL);
      assertNothingLeaves(b, "Mint: incognito + enhanced on/off + aggregated on");
    }
  }

  // ---- Security Center, ads, diagnostics ------------------------------------------------------------------

  @Test
  void securityCenterTelemetryStopsVirusDbKeepsWorking() {
    Fixture f = TelemetryFixtures.securityCenter();
    blockAlways(f, true, b -> {
      Scenarios.securityCenter(b);
      assertEquals(200, Scenarios.securityCenterVirusCheck(b), "virus database check");
    }, "api.sec.miui.com");
    honorMatrix(f, true, b -> {
      Scenarios.securityCenter(b);
      assertEquals(200, Scenarios.securityCenterVirusCheck(b));
    }, "api.sec.miui.com");
    try (AndroidSandbox b = patched(f, Policy.BLOCK, true)) {
      Scenarios.securityCenterVirusCheck(b);
      assertTrue(b.network().sent().stream().anyMatch(r -> r.url().contains("api.sec.miui.com/virus/update")));
    }
  }

  @Test
  void adSdks() {
    Fixture f = TelemetryFixtures.msa();
    blockAlways(f, true, b -> {
      assertEquals("no fill", Scenarios.msa(b), "no ad is loaded: callers see \"no fill\"");
      assertEquals("pending", Scenarios.msaListeners(b), "load listeners are never called");
    });
    honorMatrix(f, true, Scenarios::msa);
    for (Integer uep : new Integer[] {null, 0, -1}) {
      try (AndroidSandbox b = patched(f, Policy.HONOR_SWITCH, true)) {
        b.secure("upload_log_pref", uep);
        assertEquals("no fill", Scenarios.msa(b), "honor-switch, upload_log_pref=" + uep);
        assertEquals("pending", Scenarios.msaListeners(b));
      }
    }
    try (AndroidSandbox b = patched(f, Policy.HONOR_SWITCH, true)) {
      b.secure("upload_log_pref", 1);
      assertEquals(Scenarios.AD_TITLE, Scenarios.msa(b), "with consent the ad SDKs work as before");
      assertEquals("loaded, feed " + Scenarios.AD_TITLE, Scenarios.msaListeners(b));
      assertTrue(b.network().sent().stream().anyMatch(r -> "log.ad.xiaomi.com".equals(r.host())),
          "consented impressions are reported");
    }
    for (Policy p : Policy.values()) {
      try (AndroidSandbox b = patched(f, p, true)) {
        // block: every switch on; honor-switch: every switch unset
        b.secure("upload_log_pref", p == Policy.BLOCK ? 1 : null)
            .global("personalized_ad_enabled", p == Policy.BLOCK ? 1 : null);
        Scenarios.msa(b);
        assertEquals(false, b.callStatic("com.xiaomi.ad.common.a.b", "b", b.context()),
            p + ": the SDKs see personalized ads off");
        assertEquals(false, b.callStatic("com.xiaomi.miglobaladsdk.MiAdManager", "isInitialized"),
            p + ": the SDK is never initialised");
        assertEquals(false, b.callStatic("com.xiaomi.ad.common.a.b", "c", b.context()),
            p + ": the SDKs' own read of personalized_ad_enabled says off");
      }
    }
    try (AndroidSandbox b = patched(f, Policy.HONOR_SWITCH, true)) {
      b.secure("upload_log_pref", 1).global("personalized_ad_enabled", 1);
      assertEquals(true, b.callStatic("com.xiaomi.ad.common.a.b", "c", b.context()), "an explicit opt-in is obeyed");
      b.global("personalized_ad_enabled", 2);
      assertEquals(false, b.callStatic("com.xiaomi.ad.common.a.b", "c", b.context()), "bit 0x1 off");
    }
  }

  @Test
  void diagnosticsUploaders() {
    blockAlways(TelemetryFixtures.miuiDaemon(), true, Scenarios::daemon);
    blockAlways(TelemetryFixtures.miuiDaemon(), false, Scenarios::daemon);
    honorMatrix(TelemetryFixtures.miuiDaemon(), true, Scenarios::daemon);
    try (AndroidSandbox b = patched(TelemetryFixtures.miuiDaemon(), Policy.HONOR_SWITCH, true)) {
      b.secure("upload_log_pref", 1).secure("upload_debug_log_pref", 0);
      Scenarios.daemon(b);
      assertNothingLeaves(b, "MiuiDaemon with diagnostics explicitly off");
    }
    blockAlways(TelemetryFixtures.bugReport(), false, Scenarios::bugReport);
    for (Integer uep : new Integer[] {null, 0}) {
      try (AndroidSandbox b = patched(TelemetryFixtures.bugReport(), Policy.HONOR_SWITCH, false)) {
        b.secure("upload_log_pref", uep);
        Scenarios.bugReport(b);
        assertTrue(b.network().sent(r -> "bugreport.xiaomi.net".equals(r.host())).isEmpty(), "automatic logs wait");
        assertEquals(1, b.network().sent(r -> "feedback.miui.com".equals(r.host())).size(),
            "feedback the user sends is left alone under honor-switch");
      }
    }
  }

  // ---- the framework ------------------------------------------------------------------------------------

  @Test
  void frameworkSwitchesReadWhatTheCodeObeys() {
    try (AndroidSandbox b = Scenarios.sandbox("android", framework(Policy.BLOCK), null)) {
      b.secure("upload_log_pref", 1).secure("upload_debug_log_pref", 1).global("personalized_ad_enabled", 1);
      assertFalse(Scenarios.uep(b));
      assertFalse(Scenarios.debugLog(b));
      assertFalse(Scenarios.personalizedAds(b));
      Scenarios.legacyAnalytics(b);
      assertNothingLeaves(b, "legacy analytics, block");
      // the raw reader behind the getters: bit 0x1 reads off, the other bits keep their stored value
      b.global("personalized_ad_enabled", 3);
      assertFalse(Scenarios.personalizedAds(b));
      assertEquals(true, b.callStatic("android.provider.MiuiSettings$Ad", "isPersonalizedAdDialogPromoted",
          b.call(b.context(), "getContentResolver")));
      b.global("personalized_ad_enabled", null);
      assertEquals(false, b.callStatic("android.provider.MiuiSettings$Ad", "isPersonalizedAdDialogPromoted",
          b.call(b.context(), "getContentResolver")), "unset: no bit is on");
    }
    try (AndroidSandbox b = Scenarios.sandbox("android", framework(Policy.HONOR_SWITCH), null)) {
      assertFalse(Scenarios.uep(b), "unset is off");
      assertFalse(Scenarios.debugLog(b));
      assertFalse(Scenarios.personalizedAds(b), "unset is off (MIUI's own default is on)");
      Scenarios.legacyAnalytics(b);
      assertNothingLeaves(b, "legacy analytics, honor-switch unset");
      b.secure("upload_log_pref", 1).global("personalized_ad_enabled", 1);
      assertTrue(Scenarios.uep(b));
      assertTrue(Scenarios.debugLog(b), "diagnostics follow an explicit Program opt-in when unset");
      assertTrue(Scenarios.personalizedAds(b));
      b.secure("upload_debug_log_pref", 0);
      assertFalse(Scenarios.debugLog(b));
    }
    try (AndroidSandbox b = Scenarios.sandbox("android", framework(Policy.HONOR_SWITCH), null)) {
      b.secure("upload_log_pref", 1);
      Scenarios.legacyAnalytics(b);
      assertTrue(b.network().sent().stream().anyMatch(r -> r.carries("app_open")), "consented legacy events");
    }
  }

  // ---- keep working --------------------------------------------------------------------------------------

  @Test
  void keepWorkingAppsStillReachTheirServers() {
    for (Policy p : Policy.values()) {
      try (AndroidSandbox b = patched(TelemetryFixtures.xmsf(), p, true)) {
        assertEquals(200, b.callStatic("com.xiaomi.push.service.XMPushService", "register", "1000271", true));
        assertEquals(200, b.callStatic("com.xiaomi.push.service.XMPushService", "register", "1000271", false));
      }
      try (AndroidSandbox b = patched(TelemetryFixtures.updater(), p, true)) {
        assertEquals(200, b.callStatic("com.android.updater.UpdateCheck", "check", true));
      }
      try (AndroidSandbox b = patched(TelemetryFixtures.findDevice(), p, true)) {
        assertEquals(200, b.callStatic("com.xiaomi.finddevice.Locator", "report", 48.1, 11.5));
      }
      try (AndroidSandbox b = patched(TelemetryFixtures.account(), p, true)) {
        assertEquals(200, b.callStatic("com.xiaomi.account.Login", "login", "user"));
      }
      try (AndroidSandbox b = patched(TelemetryFixtures.miuiCore(), p, true)) {
        assertEquals(true, b.callStatic("com.miui.core.Sdk", "supports", 20));
      }
    }
  }
}
