package dev.untrack.checker;

import static dev.untrack.checker.CheckerFixtures.apk;
import static dev.untrack.checker.CheckerFixtures.java;
import static dev.untrack.checker.CheckerFixtures.sources;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.untrack.checker.input.PathSource;
import dev.untrack.checker.report.ReportFormat;
import dev.untrack.checker.report.ScanReport;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The four output formats carry the fields they promise, and the same scan gives the same bytes. */
class ReportFormatsTest {
  @TempDir static Path dir;

  @BeforeAll
  static void tree() throws IOException {
    String gates = "package g; import android.content.*; import android.provider.Settings;"
        + " import com.sensorsdata.analytics.android.sdk.SensorsDataAPI;"
        + " public class G {"
        + "  public static void gated(Context c) { if (Settings.Secure.getInt(c.getContentResolver(), \"upload_log_pref\", 0) == 1)"
        + "    { SensorsDataAPI.sharedInstance().track(\"<b>gated</b>\", null); } }"
        + "  public static void live(Context c) { SensorsDataAPI.sharedInstance().track(\"page_load_event_start\", null);"
        + "    if (Settings.Secure.getInt(c.getContentResolver(), \"upload_log_pref\", -1) != 0) { System.nanoTime(); } } }";
    byte[] app = apk("com.mi.globalbrowser", java(sources("com.sensorsdata.analytics.android.sdk.SensorsDataAPI",
        CheckerFixtures.SENSORS, "g.G", gates)));
    Files.createDirectories(dir.resolve("system/app/Browser"));
    Files.write(dir.resolve("system/app/Browser/Browser.apk"), app);
    Files.createDirectories(dir.resolve("system/etc"));
    Files.writeString(dir.resolve("system/etc/hosts"), "0.0.0.0 tracking.miui.com\n");
    Files.write(dir.resolve("system/app/broken.apk"), new byte[] {1, 2, 3});
  }

  private static String render(ReportFormat f, int threads) throws IOException {
    ScanReport r = Checker.scan(PathSource.of(dir), ScanOptions.defaults().withThreads(threads));
    StringWriter w = new StringWriter();
    f.write(r, w, "test");
    return w.toString();
  }

  @Test
  void jsonHasTheDocumentedFieldsAndIsDeterministic() throws IOException {
    String a = render(ReportFormat.JSON, 1);
    String b = render(ReportFormat.JSON, 2);
    assertArrayEquals(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    JsonObject root = JsonParser.parseString(a).getAsJsonObject();
    JsonObject summary = root.getAsJsonObject("summary");
    assertEquals(3, summary.get("apps").getAsInt());
    assertEquals(1, summary.getAsJsonObject("callSites").get("live").getAsInt());
    JsonObject browser = find(root.getAsJsonArray("apps"), "system/app/Browser/Browser.apk");
    assertEquals("com.mi.globalbrowser", browser.get("package").getAsString());
    JsonObject sdk = browser.getAsJsonArray("sdks").get(0).getAsJsonObject();
    assertEquals("sensors", sdk.get("id").getAsString());
    assertEquals("defined", sdk.get("status").getAsString());
    assertTrue(sdk.get("defined").getAsBoolean());
    JsonObject cs = browser.getAsJsonObject("callSites");
    assertEquals(1, cs.get("live").getAsInt());
    assertEquals(1, cs.get("gated").getAsInt());
    assertEquals(0, cs.get("neutralized").getAsInt());
    JsonObject live = cs.getAsJsonArray("liveSites").get(0).getAsJsonObject();
    assertEquals("Lg/G;", live.get("class").getAsString());
    assertTrue(live.get("method").getAsString().startsWith("live("));
    assertTrue(live.get("offset").getAsLong() > 0);
    assertEquals("classes.dex", live.get("dex").getAsString());
    JsonArray settings = browser.getAsJsonArray("settings");
    assertEquals(2, settings.size());
    assertEquals("upload_log_pref", settings.get(0).getAsJsonObject().get("key").getAsString());
    assertEquals("unsigned", browser.getAsJsonObject("signature").get("status").getAsString());
    JsonObject hosts = find(root.getAsJsonArray("apps"), "system/etc/hosts");
    assertTrue(hosts.getAsJsonArray("hosts").get(0).getAsJsonObject().get("blocked").getAsBoolean());
    JsonObject broken = find(root.getAsJsonArray("apps"), "system/app/broken.apk");
    assertTrue(broken.getAsJsonArray("errors").get(0).getAsJsonObject().get("fatal").getAsBoolean());
    assertEquals("high", summary.get("highest").getAsString());
  }

  @Test
  void sarifIsVersion210WithRulesAndLocations() throws IOException {
    JsonObject root = JsonParser.parseString(render(ReportFormat.SARIF, 2)).getAsJsonObject();
    assertEquals("2.1.0", root.get("version").getAsString());
    JsonObject run = root.getAsJsonArray("runs").get(0).getAsJsonObject();
    JsonObject driver = run.getAsJsonObject("tool").getAsJsonObject("driver");
    assertEquals("untrack", driver.get("name").getAsString());
    JsonArray rules = driver.getAsJsonArray("rules");
    boolean sawLive = false;
    for (JsonElement e : run.getAsJsonArray("results")) {
      JsonObject res = e.getAsJsonObject();
      int idx = res.get("ruleIndex").getAsInt();
      assertEquals(res.get("ruleId").getAsString(), rules.get(idx).getAsJsonObject().get("id").getAsString());
      assertTrue(res.getAsJsonArray("locations").get(0).getAsJsonObject().getAsJsonObject("physicalLocation")
          .getAsJsonObject("artifactLocation").get("uri").getAsString().startsWith("system/"));
      if (res.get("ruleId").getAsString().equals("live-call-site")) {
        sawLive = true;
        assertEquals("error", res.get("level").getAsString());
        assertTrue(res.getAsJsonArray("locations").get(0).getAsJsonObject().getAsJsonArray("logicalLocations")
            .get(0).getAsJsonObject().get("fullyQualifiedName").getAsString().startsWith("Lg/G;->live("));
        assertTrue(res.getAsJsonObject("properties").get("offset").getAsLong() > 0);
      }
      assertFalse(res.get("ruleId").getAsString().startsWith("gated"), "gated sites are evidence, not alerts");
    }
    assertTrue(sawLive);
  }

  @Test
  void htmlIsOneSelfContainedPage() throws IOException {
    String h = render(ReportFormat.HTML, 2);
    assertTrue(h.startsWith("<!DOCTYPE html>"));
    assertFalse(h.contains("<script"), "no scripts");
    assertFalse(h.contains("src=") || h.contains("href=\"http") || h.contains("@import"), "no external resources");
    assertTrue(h.contains("system/app/Browser/Browser.apk"));
    assertTrue(h.contains("&lt;b&gt;gated&lt;/b&gt;"), "strings from the app are escaped");
    assertFalse(h.contains("<b>gated</b>"));
    assertTrue(h.contains("1 live call site"));
  }

  @Test
  void textIsASummaryTable() throws IOException {
    String t = render(ReportFormat.TEXT, 2);
    assertTrue(t.contains("PATH"), t);
    assertTrue(t.contains("Live call sites (1):"), t);
    assertTrue(t.contains("Lg/G;->live("), t);
    assertTrue(t.contains("page_load_event_start"), t);
    assertTrue(t.contains("Settings reads where an unset switch counts as consent (1):"), t);
    assertTrue(t.contains("3 apps, 1 live call site,"), t);
  }

  private static JsonObject find(JsonArray apps, String path) {
    for (JsonElement e : apps) {
      if (e.getAsJsonObject().get("path").getAsString().equals(path)) {
        return e.getAsJsonObject();
      }
    }
    throw new AssertionError(path + " not in report");
  }
}
