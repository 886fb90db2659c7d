package dev.untrack.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.checker.input.PathSource;
import dev.untrack.checker.report.AppReport;
import dev.untrack.checker.report.ScanReport;
import dev.untrack.checker.report.SdkFinding;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.zip.ZipArchive;
import dev.untrack.testkit.DexCompiler;
import dev.untrack.testkit.RealInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The checker on inputs written by others: the real Sensors SDK, real multidex APKs, an APK without code. */
class RealInputsTest {
  @TempDir Path tmp;

  /** classes.jar of the real Sensors Analytics AAR. */
  static Path sensorsJar(Path tmp) throws IOException {
    Path aar = RealInput.SENSORS_COMMON_AAR.get();
    Path jar = tmp.resolve("classes.jar");
    try (ZipArchive z = ZipArchive.open(FileByteSource.open(aar))) {
      Files.write(jar, z.readAll(z.entry("classes.jar").orElseThrow(), 64 << 20));
    }
    return jar;
  }

  /** The real SDK dexed by D8 as an app build would. */
  static List<byte[]> sensorsDex(Path tmp) throws IOException {
    return DexCompiler.jarToDexCached(sensorsJar(tmp), 26);
  }

  @Test
  void realSensorsSdkIsDetectedAsDefined() throws IOException {
    List<byte[]> dex = sensorsDex(tmp);
    AppReport r = CheckerFixtures.scanApk("com.example.withsensors", dex);
    assertEquals(List.of(), r.errors());
    SdkFinding s = r.sdks().stream().filter(f -> f.id().equals("sensors")).findFirst().orElseThrow();
    assertEquals("defined", s.status());
    assertTrue(s.definedClasses() >= 300, "classes: " + s.definedClasses());
    assertTrue(s.examples().stream().allMatch(e -> e.startsWith("Lcom/sensorsdata/analytics/android/sdk/")));
    // The SDK alone makes no app call sites: its calls into its own API are internal.
    assertEquals(0, r.callSites().size(), r.callSites().toString());
  }

  @Test
  void callSitesIntoTheRealSdkAreClassified() throws IOException {
    Path jar = sensorsJar(tmp);
    String use = "package r; import android.content.Context; import android.provider.Settings;"
        + " import com.sensorsdata.analytics.android.sdk.SensorsDataAPI;"
        + " public class Use {"
        + "  public static void live() { SensorsDataAPI.sharedInstance().track(\"open_page\"); }"
        + "  public static void gated(Context c) {"
        + "    if (Settings.Secure.getInt(c.getContentResolver(), \"upload_log_pref\", 0) == 1) {"
        + "      SensorsDataAPI.sharedInstance().login(\"account\"); } } }";
    List<byte[]> dex = new java.util.ArrayList<>(DexCompiler.jarToDexCached(jar, 26));
    dex.addAll(DexCompiler.javaToDex(CheckerFixtures.sources("r.Use", use),
        List.of(CheckerFixtures.androidStubs(), jar), 26));
    AppReport r = CheckerFixtures.scanApk("com.example.realsdk", dex);
    assertEquals(List.of(), r.errors());
    CallSitePatternsTest.assertStatus(r, "r/Use", "live", "live");
    CallSitePatternsTest.assertStatus(r, "r/Use", "gated", "gated");
    assertEquals(List.of("open_page"), CheckerFixtures.sitesIn(r, "Lr/Use;", "live").get(0).strings());
  }

  @ParameterizedTest
  @EnumSource(value = RealInput.class, names = {"APPIUM_UIAUTOMATOR2_APK", "APPIUM_UIAUTOMATOR2_TEST_APK",
      "APPIUM_SETTINGS_APK"})
  void appiumApksHaveNoXiaomiFindings(RealInput input) throws IOException {
    Path apk = input.get();
    ScanReport report = Checker.scan(PathSource.of(apk), ScanOptions.defaults());
    assertEquals(1, report.apps().size());
    AppReport r = report.apps().get(0);
    assertEquals("apk", r.kind());
    assertTrue(r.dexFiles().size() >= 1, r.dexFiles().toString());
    assertEquals(List.of(), r.errors());
    assertEquals(List.of(), r.sdks());
    assertEquals(List.of(), r.callSites());
    assertEquals(List.of(), r.hosts());
    assertEquals(List.of(), r.paths());
    assertEquals(List.of(), r.settings());
    assertEquals("none", report.summary().highest());
  }

  @Test
  void apkWithoutDexIsHandled() throws IOException {
    Path res = RealInput.frameworkRes();
    ScanReport report = Checker.scan(PathSource.of(res), ScanOptions.defaults());
    AppReport r = report.apps().get(0);
    assertEquals("android", r.packageName());
    assertEquals(List.of(), r.dexFiles());
    assertEquals(List.of(), r.errors());
    assertEquals(List.of(), r.sdks());
  }
}
