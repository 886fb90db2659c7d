package dev.untrack.checker;

import static dev.untrack.checker.CheckerFixtures.MISTAT;
import static dev.untrack.checker.CheckerFixtures.SENSORS;
import static dev.untrack.checker.CheckerFixtures.java;
import static dev.untrack.checker.CheckerFixtures.scanApk;
import static dev.untrack.checker.CheckerFixtures.sitesIn;
import static dev.untrack.checker.CheckerFixtures.sources;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.checker.report.AppReport;
import dev.untrack.checker.report.CallSite;
import dev.untrack.checker.report.SdkFinding;
import dev.untrack.checker.report.SettingsFinding;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Call-site classification on small apps compiled by javac + D8, one pattern each. */
class CallSitePatternsTest {
  private static final String GATES = "package g; import android.content.*; import android.provider.Settings;"
      + " import com.sensorsdata.analytics.android.sdk.SensorsDataAPI;"
      + " public class Gates {"
      + "  static boolean uep(Context c) { return Settings.Secure.getInt(c.getContentResolver(), \"upload_log_pref\", 0) == 1; }"
      + "  static boolean uepLax(Context c) { return Settings.Secure.getInt(c.getContentResolver(), \"upload_log_pref\", -1) != 0; }"
      + "  static boolean never() { return false; }"
      + "  static boolean strict(Context c) { try { return Settings.Secure.getInt(c.getContentResolver(), \"upload_log_pref\") == 1; }"
      + "    catch (Settings.SettingNotFoundException x) { return false; } }"
      + "  public static void viaThrowingRead(Context c) { if (strict(c)) { SensorsDataAPI.sharedInstance().track(\"t\", null); } }"
      + "  public static void inline(Context c, String e) {"
      + "    if (Settings.Secure.getInt(c.getContentResolver(), \"upload_log_pref\", 0) == 1) { SensorsDataAPI.sharedInstance().track(e, null); } }"
      + "  public static void viaPredicate(Context c, String e) { if (uep(c)) { SensorsDataAPI.sharedInstance().track(e, null); } }"
      + "  public static void lax(Context c, String e) { if (uepLax(c)) { SensorsDataAPI.sharedInstance().track(e, null); } }"
      + "  public static void dead(String e) { if (never()) { SensorsDataAPI.sharedInstance().track(e, null); } }"
      + "  public static void plain() { SensorsDataAPI.sharedInstance().track(\"app_start\", null); }"
      + "  public static void afterGateOnOtherPath(Context c, String e) {"
      + "    if (uep(c)) { System.nanoTime(); } SensorsDataAPI.sharedInstance().flush(); }"
      + " }";

  @Test
  void gatesAreRecognisedByWhatTheyDo() {
    AppReport r = scanApk("g.app", java(sources("com.sensorsdata.analytics.android.sdk.SensorsDataAPI", SENSORS,
        "g.Gates", GATES)));
    assertEquals(List.of(), r.errors());
    assertStatus(r, "g/Gates", "inline", "gated");
    assertStatus(r, "g/Gates", "viaPredicate", "gated");
    assertStatus(r, "g/Gates", "lax", "live");
    assertStatus(r, "g/Gates", "dead", "neutralized");
    assertStatus(r, "g/Gates", "plain", "live");
    assertStatus(r, "g/Gates", "afterGateOnOtherPath", "live");
    // getInt without a default throws when the switch was never set: only the handler (return false) runs
    assertStatus(r, "g/Gates", "viaThrowingRead", "gated");
    CallSite plain = sitesIn(r, "Lg/Gates;", "plain").get(0);
    assertEquals(List.of("app_start"), plain.strings());
    assertTrue(plain.offset() > 0x70, "dex offset of the invoke: " + plain.offset());
    assertTrue(sitesIn(r, "Lg/Gates;", "inline").get(0).reason().contains("upload_log_pref, default 0"),
        sitesIn(r, "Lg/Gates;", "inline").get(0).reason());
    // The SDK's own internal call (trackTimerEnd -> track) is not an app call site.
    assertTrue(r.callSites().stream().noneMatch(c -> c.callerClass().startsWith("Lcom/sensorsdata/")));

    List<SettingsFinding> reads = r.settings();
    assertEquals(4, reads.size(), reads.toString());
    SettingsFinding noDefault = reads.stream().filter(s -> s.callerMethod().startsWith("strict")).findFirst()
        .orElseThrow();
    assertEquals("none", noDefault.defaultValue());
    assertEquals(null, noDefault.unsetMeansConsent());
    SettingsFinding lax = reads.stream().filter(s -> s.callerMethod().startsWith("uepLax")).findFirst().orElseThrow();
    assertEquals("-1", lax.defaultValue());
    assertEquals(Boolean.TRUE, lax.unsetMeansConsent());
    SettingsFinding strict = reads.stream().filter(s -> s.callerMethod().startsWith("uep(")).findFirst().orElseThrow();
    assertEquals("0", strict.defaultValue());
    assertEquals(Boolean.FALSE, strict.unsetMeansConsent());
    assertEquals("secure", strict.namespace());
  }

  @Test
  void obfuscatedDispatcherIsFollowedToItsCallers() {
    String dispatcher = "package a.b; import java.util.Map;"
        + " import com.sensorsdata.analytics.android.sdk.SensorsDataAPI;"
        + " import com.xiaomi.mistatistic.sdk.MiStatInterface;"
        + " public class c { public static void a(String e, Map<String, Object> m) {"
        + "   SensorsDataAPI.sharedInstance().track(e, m); MiStatInterface.recordCountEvent(\"browser\", e); } }";
    String callers = "package a.b; import java.util.*;"
        + " public class d {"
        + "  public void onPageStart(String url) { Map<String, Object> m = new HashMap<>(); m.put(\"url\", url);"
        + "    c.a(\"page_load_event_start\", m); }"
        + "  public void onSearch(String w) { c.a(\"search\", null); } }";
    AppReport r = scanApk("com.mi.globalbrowser.mini", java(sources(
        "com.sensorsdata.analytics.android.sdk.SensorsDataAPI", SENSORS,
        "com.xiaomi.mistatistic.sdk.MiStatInterface", MISTAT, "a.b.c", dispatcher, "a.b.d", callers)));
    List<CallSite> direct = sitesIn(r, "La/b/c;", "a");
    assertEquals(2, direct.size(), r.callSites().toString());
    assertTrue(direct.stream().allMatch(c -> c.status().equals("live") && c.depth() == 0));
    List<CallSite> viaWrapper = sitesIn(r, "La/b/d;", "onPageStart");
    assertEquals(1, viaWrapper.size(), r.callSites().toString());
    CallSite w = viaWrapper.get(0);
    assertEquals("live", w.status());
    assertEquals(1, w.depth());
    assertEquals("La/b/c;->a(Ljava/lang/String;Ljava/util/Map;)V", w.target());
    assertEquals(List.of("mistat", "sensors"), w.sdks());
    assertTrue(w.strings().contains("page_load_event_start"), w.strings().toString());
    assertEquals(1, sitesIn(r, "La/b/d;", "onSearch").size());
    SdkFinding sensors = r.sdks().stream().filter(s -> s.id().equals("sensors")).findFirst().orElseThrow();
    assertEquals("defined", sensors.status());
    assertEquals(1, sensors.live());
  }

  @Test
  void presenceIsNotUse_referencedOnly() {
    // The app calls the SDK but does not contain it (a shared framework copy would provide it).
    String app = "package x; public class Main { public static void go() {"
        + " com.sensorsdata.analytics.android.sdk.SensorsDataAPI.sharedInstance().track(\"e\", null); } }";
    List<byte[]> dex = dev.untrack.testkit.DexCompiler.javaToDex(sources("x.Main", app),
        List.of(CheckerFixtures.androidStubs(), sensorsClasses()), 26);
    AppReport r = scanApk("x.app", dex);
    SdkFinding s = r.sdks().stream().filter(f -> f.id().equals("sensors")).findFirst().orElseThrow();
    assertEquals("referenced", s.status());
    assertEquals(0, s.definedClasses());
    assertTrue(s.referencedTypes() >= 1);
    CallSite c = sitesIn(r, "Lx/Main;", "go").get(0);
    assertEquals("live", c.status());
    assertTrue(c.reason().contains("outside this app"), c.reason());
  }

  @Test
  void definedButNeverCalledHasNoCallSites() {
    AppReport r = scanApk("y.app", java(sources("com.sensorsdata.analytics.android.sdk.SensorsDataAPI", SENSORS)));
    SdkFinding s = r.sdks().stream().filter(f -> f.id().equals("sensors")).findFirst().orElseThrow();
    assertEquals("defined", s.status());
    assertEquals(0, r.count("live"));
  }

  private static java.nio.file.Path sensorsClasses() {
    try {
      java.nio.file.Path dir = java.nio.file.Files.createTempDirectory(
          java.nio.file.Files.createDirectories(java.nio.file.Path.of("target").toAbsolutePath()), "sensors-classes");
      dev.untrack.testkit.DexCompiler.compileJava(sources("com.sensorsdata.analytics.android.sdk.SensorsDataAPI",
          SENSORS), List.of(), dir);
      return dir;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static void assertStatus(AppReport r, String cls, String method, String status) {
    List<CallSite> s = sitesIn(r, "L" + cls + ";", method);
    assertEquals(1, s.size(), method + ": " + r.callSites());
    assertEquals(status, s.get(0).status(), method + ": " + s.get(0));
  }
}
