package dev.untrack.checker;

import static dev.untrack.checker.CheckerFixtures.java;
import static dev.untrack.checker.CheckerFixtures.sources;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.checker.input.PathSource;
import dev.untrack.checker.report.AppReport;
import dev.untrack.checker.report.ScanReport;
import dev.untrack.checker.report.Severity;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.zip.ZipArchive;
import dev.untrack.rom.zip.ZipEntry;
import dev.untrack.rom.zip.ZipWriter;
import dev.untrack.testkit.ApkBuilder;
import dev.untrack.testkit.ManifestBuilder;
import dev.untrack.testkit.TestKeys;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signature status per app, from the signing module's inspection; keep-cert is told apart with a baseline. */
class SignatureStatusTest {
  static List<byte[]> before;
  static List<byte[]> after;
  static TestKeys.SigningKey vendor;

  @TempDir Path tmp;

  @BeforeAll
  static void build() {
    before = java(sources("com.sensorsdata.analytics.android.sdk.SensorsDataAPI", CheckerFixtures.SENSORS,
        "a.b.c", BaselineTest.DISPATCH, "a.b.d", BaselineTest.CALLERS));
    after = java(sources("com.sensorsdata.analytics.android.sdk.SensorsDataAPI", BaselineTest.NEUTRAL_SENSORS,
        "a.b.c", BaselineTest.DISPATCH, "a.b.d", BaselineTest.CALLERS));
    vendor = TestKeys.generate("vendor");
  }

  private static byte[] signed(List<byte[]> dex) {
    return ApkBuilder.create().manifest(ManifestBuilder.of("com.mi.globalbrowser").build()).dex(dex)
        .signedWith(vendor, 26).build();
  }

  /** What a keep-cert patch writes: new classes.dex, every other entry and the signing block carried over. */
  private static void keepCert(Path original, byte[] newDex, Path out, boolean keepBlock) throws IOException {
    try (ZipArchive z = ZipArchive.open(FileByteSource.open(original));
        OutputStream os = Files.newOutputStream(out);
        ZipWriter w = new ZipWriter(os)) {
      for (ZipEntry e : z.entries()) {
        if (e.name().equals("classes.dex")) {
          w.replace(e, newDex, 4);
        } else {
          w.copy(z, e, 4);
        }
      }
      w.finish(keepBlock ? z.apkSigningBlock().orElseThrow() : null, z.comment());
    }
  }

  private AppReport scanOne(Path dir) throws IOException {
    ScanReport r = Checker.scan(PathSource.of(dir), ScanOptions.defaults().withThreads(1));
    return r.apps().get(0);
  }

  @Test
  void statusAlone() throws IOException {
    Path d1 = Files.createDirectories(tmp.resolve("signed"));
    Files.write(d1.resolve("Browser.apk"), signed(before));
    AppReport s = scanOne(d1);
    assertEquals("verifies", s.signature().status());
    assertEquals(List.of("v1", "v2", "v3"), s.signature().schemes());
    assertEquals(1, s.signature().certificates().size());
    Path d2 = Files.createDirectories(tmp.resolve("unsigned"));
    Files.write(d2.resolve("Browser.apk"), CheckerFixtures.apk("com.mi.globalbrowser", before));
    assertEquals("unsigned", scanOne(d2).signature().status());
    // an app held in memory (a view into an image) is verified from a temporary copy of the scanned bytes
    assertEquals("verifies", CheckerFixtures.scan("x.apk", signed(before)).signature().status());
  }

  @Test
  void keepCertIsToldFromBrokenOnlyAgainstTheOriginal() throws IOException {
    Path orig = Files.createDirectories(tmp.resolve("orig/app"));
    Files.write(orig.resolve("Browser.apk"), signed(before));
    Path kept = Files.createDirectories(tmp.resolve("kept/app"));
    keepCert(orig.resolve("Browser.apk"), after.get(0), kept.resolve("Browser.apk"), true);
    Path broken = Files.createDirectories(tmp.resolve("broken/app"));
    keepCert(orig.resolve("Browser.apk"), after.get(0), broken.resolve("Browser.apk"), false);

    ScanOptions o = ScanOptions.defaults().withDigests(true).withThreads(2);
    ScanReport base = Checker.scan(PathSource.of(orig.getParent()), o);
    ScanReport alone = Checker.scan(PathSource.of(kept.getParent()), o);
    assertEquals("broken", alone.apps().get(0).signature().status(), "alone, stale digests look broken");
    assertEquals(Severity.INFO, alone.apps().get(0).signature().severity(), "but that is no finding without a baseline");

    AppReport k = alone.comparedWith(base).apps().get(0);
    assertEquals("original-cert-kept", k.signature().status());
    assertTrue(k.signature().judgedAgainstBaseline());
    assertEquals(0, k.count("live"));
    assertFalse(k.findings().stream().anyMatch(f -> f.rule().startsWith("signature")));

    AppReport b = Checker.scan(PathSource.of(broken.getParent()), o).comparedWith(base).apps().get(0);
    assertEquals("broken", b.signature().status(), b.signature().issues().toString());
    assertTrue(b.findings().stream().anyMatch(f -> f.rule().equals("signature-broken")
        && f.severity() == Severity.MEDIUM));
  }
}
