package dev.untrack.patches;

import dev.untrack.testkit.sandbox.AndroidSandbox;
import dev.untrack.testkit.sandbox.FakeNetwork;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a user does with each fixture app, as code: the same scenario runs on the unpatched and the patched app,
 * so the only difference the tests see is the patch. Also the server side: the fake network answers like the
 * vendor's servers would (OneTrack's config replaces the tracking hosts; the Analytics update check offers new
 * analytics code).
 */
final class Scenarios {
  static final String VISITED_URL = "https://example.org/health/clinic?appointment=42";
  static final String INCOGNITO_URL = "https://secret.example.net/private-diary";
  static final String SEARCH_WORDS = "symptoms of flu";
  static final String DOWNLOAD_URL = "https://files.example.org/statement.pdf";
  /** What the ad servers fill an ad request with. */
  static final String AD_TITLE = "Summer sale";
  /** The host OneTrack's server config redirects events to. */
  static final String REPLACED_HOST = "collector.tracking-example.net";

  private Scenarios() {}

  /** The vendor's servers, faked: config that replaces hosts, an analytics-code update, 200 {} otherwise. */
  static FakeNetwork.Response server(FakeNetwork.Request r) {
    if (r.url().contains("/api/v4/detail/config")) {
      return FakeNetwork.Response.ok("{\"domains\":{\"IN\":\"" + REPLACED_HOST + "\",\"INTL\":\"" + REPLACED_HOST
          + "\",\"CN\":\"" + REPLACED_HOST + "\"},\"disable\":false}");
    }
    if (r.url().contains("/api/checkupdate/lastusefulversion")) {
      return FakeNetwork.Response.ok("{\"url\":\"https://file.market.xiaomi.com/download/analytics/analytics.apk\","
          + "\"force\":false}");
    }
    if (r.url().contains("api.ad.intl.xiaomi.com/u/api/") || r.url().contains("api.ad.xiaomi.com/v2/ad/get")) {
      return FakeNetwork.Response.ok("{\"title\":\"" + AD_TITLE + "\"}");
    }
    if (r.url().endsWith("/analytics.apk")) {
      return new FakeNetwork.Response(200, new byte[] {'P', 'K', 3, 4, 0, 0});
    }
    return FakeNetwork.Response.ok("{}");
  }

  /** A sandbox for an app (and, when given, the framework jar it finds by reflection, as on a device). */
  static AndroidSandbox sandbox(String pkg, List<byte[]> appDex, List<byte[]> frameworkDex) {
    List<byte[]> all = new ArrayList<>(appDex);
    if (frameworkDex != null) {
      all.addAll(frameworkDex);
    }
    AndroidSandbox box = AndroidSandbox.of(pkg, all);
    box.network().respond(Scenarios::server);
    return box;
  }

  static void joyose(AndroidSandbox b) {
    b.callStatic("com.xiaomi.joyose.a.b", "a", b.context());
    b.callStatic("com.xiaomi.joyose.a.b", "a", "com.tencent.tmgp.pubgm");
  }

  static void powerKeeper(AndroidSandbox b) {
    b.callStatic("com.miui.powerkeeper.a.a", "a", b.context());
    b.callStatic("com.miui.powerkeeper.a.a", "a", "com.whatsapp", 37);
  }

  static void notes(AndroidSandbox b) {
    b.callStatic("com.miui.notes.a.a", "a", b.context());
    b.callStatic("com.miui.notes.a.a", "a", "Diary: visit to the clinic", 420);
  }

  /** The Analytics-client side only (Tracker events over ICore when AnalyticsCore is connected). */
  static void notesTrackerOnly(AndroidSandbox b) {
    b.callStatic("com.miui.notes.a.a", "a", b.context());
    Object tracker = b.staticField("com.miui.notes.a.a", "b");
    Object action = b.callStatic("com.xiaomi.analytics.Actions", "newEventAction", "note_opened");
    b.call(action, "addParam", "title", "Diary: visit to the clinic");
    b.call(tracker, "track", action);
    Object log = b.callStatic("com.xiaomi.analytics.LogEvent", "create", "note_shared to com.whatsapp");
    b.call(tracker, "log", log);
  }

  /** AnalyticsCore's binder, as a client app would see it after bindService. */
  static Object analyticsCoreBinder(AndroidSandbox core) {
    return core.bindLocalService("com.miui.analytics.AnalyticsService", "com.miui.action.ANALYTICS_SERVICE");
  }

  /** A client in the same sandbox talking to the core over its binder: the AIDL proxy path. */
  static Object analyticsCoreInterface(AndroidSandbox core) {
    return core.callStatic("com.miui.analytics.ICore$Stub", "asInterface", analyticsCoreBinder(core));
  }

  static Object browser(AndroidSandbox b, String activityClass) {
    Object activity = b.newInstance(activityClass);
    b.call(activity, "attach", b.context());
    b.call(activity, "onCreate", new Object[] {null});
    return activity;
  }

  /** Browse, search, download; then switch incognito on and browse again. */
  static Object browse(AndroidSandbox b, String activityClass) {
    Object a = browser(b, activityClass);
    b.call(a, "loadUrl", VISITED_URL);
    b.call(a, "search", SEARCH_WORDS, "google");
    b.call(a, "download", DOWNLOAD_URL, true);
    return a;
  }

  static void browseIncognito(AndroidSandbox b, Object activity) {
    b.call(activity, "setIncognito", true);
    b.call(activity, "loadUrl", INCOGNITO_URL);
    b.call(activity, "search", "incognito " + SEARCH_WORDS, "google");
  }

  static void securityCenter(AndroidSandbox b) {
    b.callStatic("com.miui.analytics.SecurityCenterAnalytics", "trackEvent", b.context(), "open_main",
        Map.of("entry", "launcher"));
    b.callStatic("com.miui.analytics.SecurityCenterAnalytics", "recordScanResult", b.context(), 2);
    b.callStatic("com.miui.networkassistant.utils.AnalyticsHelper", "trackTrafficEvent", b.context(),
        "com.whatsapp", 123456789L);
    b.callStatic("com.miui.securitycenter.c.b", "c", b.context());
  }

  /** Security Center's real job: returns the HTTP status of the virus-database check. */
  static int securityCenterVirusCheck(AndroidSandbox b) {
    return (Integer) b.callStatic("com.miui.securityscan.a.a", "a", b.context());
  }

  /** MSA shows ads: returns the native ad's title or "no fill". */
  static Object msa(AndroidSandbox b) {
    return b.callStatic("com.miui.msa.global.a", "a", b.context());
  }

  /** What MSA's MiMo ad listeners heard: "pending" when no load ever completed. */
  static Object msaListeners(AndroidSandbox b) {
    return b.staticField("com.miui.msa.global.a", "b");
  }

  static void daemon(AndroidSandbox b) {
    b.callStatic("com.miui.daemon.mqsas.upload.b", "a", b.context(), "anr", "com.whatsapp ANR in MainActivity");
  }

  static void miSight(AndroidSandbox b) {
    b.callStatic("com.miui.misight.a.a", "a", b.context(), "app_crash", "com.whatsapp");
  }

  static void securityOnetrack(AndroidSandbox b) {
    b.callStatic("com.xiaomi.security.onetrack.a", "a", b.context(), "virus_found", Map.of("pkg", "com.whatsapp"));
  }

  static void xmsfKeeper(AndroidSandbox b) {
    b.callStatic("com.xiaomi.xmsfkeeper.a", "a", b.context(), 3);
  }

  static void bugReport(AndroidSandbox b) {
    b.callStatic("com.miui.bugreport.a.a", "a", b.context(), "logcat: com.whatsapp crashed");
    b.callStatic("com.miui.bugreport.a.a", "b", b.context(), "my feedback");
  }

  /** Legacy framework analytics, called the way MIUI 5-6 apps did. */
  static void legacyAnalytics(AndroidSandbox b) {
    Object a = b.callStatic("miui.analytics.Analytics", "getInstance");
    b.call(a, "startSession", b.context());
    b.call(a, "trackEvent", "app_open");
  }

  /** A caller of a shared MiStat jar (the jar alone has no app code). */
  static void sharedMiStat(AndroidSandbox b) {
    b.callStatic("com.xiaomi.mistatistic.sdk.MiStatInterface", "initialize", b.context(), "2882303761517000000",
        "5000000000000", "shared");
    b.callStatic("com.xiaomi.mistatistic.sdk.MiStatInterface", "recordCountEvent", "sys", "boot_completed");
  }

  static void sharedMiStatV3(AndroidSandbox b) {
    b.callStatic("com.xiaomi.stat.MiStat", "initialize", b.context(), "2882303761517000001", "5000000000001", true,
        "shared");
    b.callStatic("com.xiaomi.stat.MiStat", "trackEvent", "boot_completed");
  }

  static boolean uep(AndroidSandbox b) {
    return (Boolean) b.callStatic("android.provider.MiuiSettings$Secure", "isUserExperienceProgramEnable",
        b.call(b.context(), "getContentResolver"));
  }

  static boolean debugLog(AndroidSandbox b) {
    return (Boolean) b.callStatic("android.provider.MiuiSettings$Secure", "isUploadDebugLogEnable",
        b.call(b.context(), "getContentResolver"));
  }

  static boolean personalizedAds(AndroidSandbox b) {
    return (Boolean) b.callStatic("android.provider.MiuiSettings$Ad", "isPersonalizedAdEnabled",
        b.call(b.context(), "getContentResolver"));
  }
}
