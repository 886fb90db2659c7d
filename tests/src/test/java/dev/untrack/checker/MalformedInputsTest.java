package dev.untrack.checker;

import static dev.untrack.checker.CheckerFixtures.apk;
import static dev.untrack.checker.CheckerFixtures.java;
import static dev.untrack.checker.CheckerFixtures.scan;
import static dev.untrack.checker.CheckerFixtures.sources;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.checker.input.PathSource;
import dev.untrack.checker.report.AppError;
import dev.untrack.checker.report.AppReport;
import dev.untrack.checker.report.ScanReport;
import dev.untrack.checker.report.Severity;
import dev.untrack.testkit.ApkBuilder;
import dev.untrack.testkit.ManifestBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken apps become error entries; the rest of the scan goes on. */
class MalformedInputsTest {
  private static List<byte[]> good;

  @TempDir Path tmp;

  @BeforeAll
  static void compile() {
    good = java(sources("com.sensorsdata.analytics.android.sdk.SensorsDataAPI", CheckerFixtures.SENSORS,
        "x.Main", "package x; public class Main { public static void go() {"
            + " com.sensorsdata.analytics.android.sdk.SensorsDataAPI.sharedInstance().track(\"e\", null); } }"));
  }

  @Test
  void aDirectoryWithBrokenAppsIsScannedToTheEnd() throws IOException {
    byte[] ok = apk("com.ok", good);
    Files.write(tmp.resolve("a-ok.apk"), ok);
    Files.write(tmp.resolve("b-truncated.apk"), Arrays.copyOf(ok, ok.length / 2));
    Files.write(tmp.resolve("c-not-a-zip.apk"), "this is not an APK".getBytes(StandardCharsets.US_ASCII));
    Files.write(tmp.resolve("d-garbage.dex"), "dex\n035\0 and then garbage".getBytes(StandardCharsets.US_ASCII));
    byte[] badDex = good.get(0).clone();
    Arrays.fill(badDex, 0x70, Math.min(badDex.length, 0x200), (byte) 0xff); // id sections overwritten
    Files.write(tmp.resolve("e-one-bad-dex.apk"), ApkBuilder.create().manifest(ManifestBuilder.of("com.e").build())
        .dex(List.of(good.get(0), badDex)).build());
    Files.createDirectories(tmp.resolve("z"));
    Files.write(tmp.resolve("z/z-ok.apk"), ok);

    ScanReport r = Checker.scan(PathSource.of(tmp), ScanOptions.defaults().withThreads(2));
    assertEquals(List.of("a-ok.apk", "b-truncated.apk", "c-not-a-zip.apk", "d-garbage.dex", "e-one-bad-dex.apk",
        "z/z-ok.apk"), r.apps().stream().map(AppReport::path).toList());
    AppReport a = app(r, "a-ok.apk");
    assertEquals(List.of(), a.errors());
    assertEquals(1, a.count("live"));
    assertEquals(1, app(r, "z/z-ok.apk").count("live"));
    for (String broken : List.of("b-truncated.apk", "c-not-a-zip.apk", "d-garbage.dex")) {
      AppReport b = app(r, broken);
      assertEquals(1, b.errors().size(), broken + ": " + b.errors());
      assertTrue(b.errors().get(0).fatal());
      assertNoInternalError(b);
      assertEquals(Severity.HIGH, b.highest(), "an app that cannot be analysed cannot be vouched for");
    }
    AppReport e = app(r, "e-one-bad-dex.apk");
    assertEquals(List.of("classes.dex"), e.dexFiles(), "the good dex is still analysed");
    assertEquals(1, e.count("live"));
    assertEquals(1, e.errors().size(), e.errors().toString());
    assertEquals("classes2.dex", e.errors().get(0).where());
    assertFalse(e.errors().get(0).fatal());
    assertNoInternalError(e);
    assertEquals(4, r.summary().appsWithErrors());
  }

  @Test
  void containerDexIsReportedAsUnsupported() {
    byte[] dex = good.get(0).clone();
    dex[4] = '0';
    dex[5] = '4';
    dex[6] = '1';
    AppReport r = scan("v41.apk", apk("com.v41", List.of(dex)));
    assertEquals(1, r.errors().size());
    assertTrue(r.errors().get(0).message().contains("041"), r.errors().get(0).message());
  }

  @Test
  void aSingleFileThatIsNotAnAppIsABadInput() throws IOException {
    Path img = Files.write(tmp.resolve("system.img"), new byte[4096]);
    assertThrows(CheckerException.class, () -> Checker.scan(PathSource.of(img), ScanOptions.defaults()));
  }

  static void assertNoInternalError(AppReport r) {
    for (AppError err : r.errors()) {
      assertFalse(err.message().startsWith(DexSetAnalyzer.INTERNAL), "bug, not bad input: " + err.message());
    }
  }

  private static AppReport app(ScanReport r, String path) {
    return r.apps().stream().filter(a -> a.path().equals(path)).findFirst().orElseThrow();
  }
}
