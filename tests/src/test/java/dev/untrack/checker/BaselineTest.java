package dev.untrack.checker;

import static dev.untrack.checker.CheckerFixtures.apk;
import static dev.untrack.checker.CheckerFixtures.java;
import static dev.untrack.checker.CheckerFixtures.sources;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.checker.input.PathSource;
import dev.untrack.checker.report.Comparison;
import dev.untrack.checker.report.ScanReport;
import dev.untrack.testkit.ApkBuilder;
import dev.untrack.testkit.ManifestBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Before/after: what was removed, what remains, and that nothing else changed. */
class BaselineTest {
  static final String DISPATCH = "package a.b; import java.util.Map;"
      + " public class c { public static void a(String e, Map<String, Object> m) {"
      + "   com.sensorsdata.analytics.android.sdk.SensorsDataAPI.sharedInstance().track(e, m); } }";
  static final String CALLERS = "package a.b; public class d {"
      + " public void s(String w) { c.a(\"search\", null); } public void p() { c.a(\"page\", null); } }";
  static final String NEUTRAL_SENSORS = "package com.sensorsdata.analytics.android.sdk; import java.util.*;"
      + " public class SensorsDataAPI { private static final SensorsDataAPI I = new SensorsDataAPI();"
      + " public static SensorsDataAPI sharedInstance() { return I; } public void track(String e, Map<String, Object> p) { } }";

  static byte[] original;
  static byte[] patched;
  static byte[] other;

  @TempDir Path tmp;

  @BeforeAll
  static void build() {
    original = apk("com.mi.globalbrowser", java(sources("com.sensorsdata.analytics.android.sdk.SensorsDataAPI",
        CheckerFixtures.SENSORS, "a.b.c", DISPATCH, "a.b.d", CALLERS)));
    patched = apk("com.mi.globalbrowser", java(sources("com.sensorsdata.analytics.android.sdk.SensorsDataAPI",
        NEUTRAL_SENSORS, "a.b.c", DISPATCH, "a.b.d", CALLERS)));
    other = ApkBuilder.create().manifest(ManifestBuilder.of("com.other").build()).deflated("res/raw/a.txt",
        new byte[] {1, 2, 3}).build();
  }

  private Path tree(String name, byte[] browser, byte[] otherApp, String conf) throws IOException {
    Path root = tmp.resolve(name);
    Files.createDirectories(root.resolve("app/Browser"));
    Files.createDirectories(root.resolve("app/Other"));
    Files.createDirectories(root.resolve("etc"));
    Files.write(root.resolve("app/Browser/Browser.apk"), browser);
    Files.write(root.resolve("app/Other/Other.apk"), otherApp);
    Files.writeString(root.resolve("etc/readme.conf"), conf);
    Files.write(root.resolve("build.prop.bin"), new byte[] {9, 9});
    return root;
  }

  private static Comparison compare(Path after, Path before) throws IOException {
    ScanOptions o = ScanOptions.defaults().withDigests(true);
    ScanReport b = Checker.scan(PathSource.of(before), o);
    ScanReport a = Checker.scan(PathSource.of(after), o);
    return a.compare(b);
  }

  @Test
  void patchedAppLosesItsLiveSitesAndNothingElseChanges() throws IOException {
    Path before = tree("before", original, other, "x=1\n");
    Path after = tree("after", patched, other, "x=1\n");
    Comparison c = compare(after, before);
    assertEquals(3, c.liveBefore(), "1 direct + 2 through the dispatcher");
    assertEquals(0, c.liveAfter());
    assertEquals(3, c.liveRemoved());
    assertEquals(0, c.liveAdded());
    Comparison.AppDelta browser = c.apps().stream().filter(d -> d.path().equals("app/Browser/Browser.apk"))
        .findFirst().orElseThrow();
    assertEquals("changed", browser.change());
    assertEquals(List.of("classes.dex"), browser.changedEntries());
    assertTrue(browser.telemetryChanged());
    assertEquals(1, browser.neutralizedAfter());
    assertEquals("unchanged", c.apps().stream().filter(d -> d.path().equals("app/Other/Other.apk")).findFirst()
        .orElseThrow().change());
    assertEquals(List.of(), c.unexpected());
    assertEquals(List.of(), c.files());
  }

  @Test
  void changesOutsideThePatchedAppsAreFlagged() throws IOException {
    byte[] otherChanged = ApkBuilder.create().manifest(ManifestBuilder.of("com.other").build())
        .deflated("res/raw/a.txt", new byte[] {1, 2, 4}).build();
    Path before = tree("before2", original, other, "x=1\n");
    Path after = tree("after2", patched, otherChanged, "x=2\n");
    Comparison c = compare(after, before);
    List<String> paths = c.unexpected().stream().map(Comparison.Unexpected::path).toList();
    assertEquals(List.of("app/Other/Other.apk", "etc/readme.conf"), paths, c.unexpected().toString());
    assertTrue(c.unexpected().get(0).reason().contains("telemetry findings did not"));
  }
}
