package dev.untrack.checker;

import static dev.untrack.checker.CheckerFixtures.java;
import static dev.untrack.checker.CheckerFixtures.scanApk;
import static dev.untrack.checker.CheckerFixtures.sitesIn;
import static dev.untrack.checker.CheckerFixtures.smali;
import static dev.untrack.checker.CheckerFixtures.sources;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.checker.report.AppReport;
import dev.untrack.checker.report.CallSite;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The shapes the patcher leaves behind (bodies that only return; a gate prepended to an entry point) and the
 * shapes it must not be credited for. Gates are recognised by what the gate method does, never by its name.
 */
class PatchedFormsTest {
  private static final String CALLER = String.join("\n",
      ".class public Lcom/example/Main;",
      ".super Ljava/lang/Object;",
      ".field static ot:Lcom/xiaomi/onetrack/OneTrack;",
      ".method public static onCreate()V",
      "    .registers 3",
      "    sget-object v0, Lcom/example/Main;->ot:Lcom/xiaomi/onetrack/OneTrack;",
      "    const-string v1, \"app_start\"",
      "    const/4 v2, 0",
      "    invoke-virtual {v0, v1, v2}, Lcom/xiaomi/onetrack/OneTrack;->track(Ljava/lang/String;Ljava/util/Map;)V",
      "    return-void",
      ".end method");

  private static String oneTrack(String trackBody) {
    return String.join("\n",
        ".class public Lcom/xiaomi/onetrack/OneTrack;",
        ".super Ljava/lang/Object;",
        ".method public track(Ljava/lang/String;Ljava/util/Map;)V",
        "    .registers 4",
        trackBody,
        ".end method");
  }

  private static final String ORIGINAL_BODY = String.join("\n",
      "    invoke-static {p1}, Lcom/xiaomi/onetrack/Net;->post(Ljava/lang/String;)V",
      "    return-void");

  private static String gatedBody(String gate) {
    return String.join("\n",
        "    const/4 v0, 0",
        "    invoke-static {v0}, " + gate,
        "    move-result v0",
        "    if-nez v0, :go",
        "    return-void",
        "    :go",
        "    invoke-static {p1}, Lcom/xiaomi/onetrack/Net;->post(Ljava/lang/String;)V",
        "    return-void");
  }

  /** A consent helper in the shape of the honor-switch helper: context by reflection, key read with a default. */
  private static String consentHelper(String cls, String method, String defaultValue, String test) {
    return String.join("\n",
        ".class public " + cls,
        ".super Ljava/lang/Object;",
        ".method public static " + method + "(Landroid/content/Context;)Z",
        "    .registers 5",
        "    if-nez p0, :have",
        "    :try_start",
        "    const-string v0, \"android.app.ActivityThread\"",
        "    invoke-static {v0}, Ljava/lang/Class;->forName(Ljava/lang/String;)Ljava/lang/Class;",
        "    move-result-object v0",
        "    const-string v1, \"currentApplication\"",
        "    const/4 v2, 0",
        "    new-array v2, v2, [Ljava/lang/Class;",
        "    invoke-virtual {v0, v1, v2}, Ljava/lang/Class;->getMethod(Ljava/lang/String;[Ljava/lang/Class;)Ljava/lang/reflect/Method;",
        "    move-result-object v0",
        "    const/4 v1, 0",
        "    const/4 v2, 0",
        "    new-array v2, v2, [Ljava/lang/Object;",
        "    invoke-virtual {v0, v1, v2}, Ljava/lang/reflect/Method;->invoke(Ljava/lang/Object;[Ljava/lang/Object;)Ljava/lang/Object;",
        "    move-result-object p0",
        "    check-cast p0, Landroid/content/Context;",
        "    :try_end",
        "    .catch Ljava/lang/Exception; {:try_start .. :try_end} :none",
        "    if-nez p0, :have",
        "    :none",
        "    const/4 v0, 0",
        "    return v0",
        "    :have",
        "    invoke-virtual {p0}, Landroid/content/Context;->getContentResolver()Landroid/content/ContentResolver;",
        "    move-result-object v0",
        "    const-string v1, \"upload_log_pref\"",
        "    const/4 v2, " + defaultValue,
        "    invoke-static {v0, v1, v2}, Landroid/provider/Settings$Secure;->getInt(Landroid/content/ContentResolver;Ljava/lang/String;I)I",
        "    move-result v0",
        test,
        "    const/4 v0, 1",
        "    return v0",
        "    :out",
        "    const/4 v0, 0",
        "    return v0",
        ".end method");
  }

  private static final String EQ1 = "    const/4 v1, 1\n    if-ne v0, v1, :out";
  private static final String NONZERO = "    if-eqz v0, :out";

  private static String constantHelper(String cls, String method, int value) {
    return String.join("\n",
        ".class public " + cls,
        ".super Ljava/lang/Object;",
        ".method public static " + method + "(Landroid/content/Context;)Z",
        "    .registers 2",
        "    const/4 v0, " + value,
        "    return v0",
        ".end method");
  }

  private static final String CONSENT = "Ldev/untrack/inject/Consent;";
  private static final String CONSENT_REF = "Ldev/untrack/inject/Consent;->allowed(Landroid/content/Context;)Z";

  private static CallSite site(List<byte[]> dex) {
    AppReport r = scanApk("com.example", dex);
    assertEquals(List.of(), r.errors(), "errors");
    List<CallSite> s = sitesIn(r, "Lcom/example/Main;", "onCreate");
    assertEquals(1, s.size(), r.callSites().toString());
    assertEquals("defined", r.sdks().stream().filter(x -> x.id().equals("onetrack")).findFirst().orElseThrow().status());
    return s.get(0);
  }

  @Test
  void unpatchedEntryPointIsLive() {
    CallSite c = site(smali(CALLER, oneTrack(ORIGINAL_BODY)));
    assertEquals("live", c.status());
    assertEquals(List.of("app_start"), c.strings());
  }

  @Test
  void blockPolicyBodyIsNeutralized() {
    CallSite c = site(smali(CALLER, oneTrack("    return-void")));
    assertEquals("neutralized", c.status(), c.reason());
    assertTrue(c.reason().contains("no side effects"), c.reason());
  }

  @Test
  void honorSwitchGateIsGated() {
    CallSite c = site(smali(CALLER, oneTrack(gatedBody(CONSENT_REF)), consentHelper(CONSENT, "allowed", "0", EQ1)));
    assertEquals("gated", c.status(), c.reason());
    assertTrue(c.reason().contains("upload_log_pref, default 0"), c.reason());
  }

  @Test
  void gateIsRecognisedUnderAnyName() {
    CallSite c = site(smali(CALLER, oneTrack(gatedBody("La/z;->q(Landroid/content/Context;)Z")),
        consentHelper("La/z;", "q", "0", EQ1)));
    assertEquals("gated", c.status(), c.reason());
  }

  @Test
  void blockPolicyGateThatAlwaysSaysNoNeutralizes() {
    CallSite c = site(smali(CALLER, oneTrack(gatedBody(CONSENT_REF)), constantHelper(CONSENT, "allowed", 0)));
    assertEquals("neutralized", c.status(), c.reason());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "helper named Consent that always says yes, const",
    "helper that treats an unset switch (-1) as consent, lax",
  })
  void gatesThatDoNotHoldAreNotTrusted(String what, String variant) {
    String helper = variant.equals("const") ? constantHelper(CONSENT, "allowed", 1)
        : consentHelper(CONSENT, "allowed", "-1", NONZERO);
    CallSite c = site(smali(CALLER, oneTrack(gatedBody(CONSENT_REF)), helper));
    assertEquals("live", c.status(), what + ": " + c.reason());
  }

  @Test
  void laxGateIsAlsoASettingsFinding() {
    AppReport r = scanApk("com.example", smali(CALLER, oneTrack(gatedBody(CONSENT_REF)),
        consentHelper(CONSENT, "allowed", "-1", NONZERO)));
    assertEquals(1, r.settings().size(), r.settings().toString());
    assertEquals("-1", r.settings().get(0).defaultValue());
    assertEquals(Boolean.TRUE, r.settings().get(0).unsetMeansConsent());
  }

  @Test
  void patchedSdkLeavesNoLiveCallSitesEvenThroughADispatcher() {
    // --policy block: entry points return without doing anything. The dispatcher's calls are then neutralized,
    // so it is not a telemetry wrapper and its callers are not call sites.
    String sensors = "package com.sensorsdata.analytics.android.sdk; import java.util.*;"
        + " public class SensorsDataAPI { private static final SensorsDataAPI I = new SensorsDataAPI();"
        + " public static SensorsDataAPI sharedInstance() { return I; }"
        + " public void track(String e, Map<String, Object> p) { } public void flush() { } }";
    String mistat = "package com.xiaomi.mistatistic.sdk;"
        + " public class MiStatInterface { public static void recordCountEvent(String c, String k) { } }";
    String dispatcher = "package a.b; import java.util.Map;"
        + " public class c { public static void a(String e, Map<String, Object> m) {"
        + "   com.sensorsdata.analytics.android.sdk.SensorsDataAPI.sharedInstance().track(e, m);"
        + "   com.xiaomi.mistatistic.sdk.MiStatInterface.recordCountEvent(\"browser\", e); } }";
    String callers = "package a.b; public class d { public void onSearch(String w) { c.a(\"search\", null); } }";
    AppReport r = scanApk("com.mi.globalbrowser.mini", java(sources(
        "com.sensorsdata.analytics.android.sdk.SensorsDataAPI", sensors,
        "com.xiaomi.mistatistic.sdk.MiStatInterface", mistat, "a.b.c", dispatcher, "a.b.d", callers)));
    assertEquals(0, r.count("live"), r.callSites().toString());
    assertEquals(2, r.count("neutralized"));
    assertTrue(sitesIn(r, "La/b/d;", "onSearch").isEmpty());
  }
}
