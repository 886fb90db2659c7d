package dev.untrack.checker;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.untrack.checker.report.AppReport;
import java.util.Arrays;

/**
 * Hostile dex and APK bytes: scanning never throws, and every problem is reported as bad input, never as an
 * internal error. The base is a small dex with an entry point, a gate, reflection and a settings read.
 */
class CheckerFuzzTest {
  private static byte[] dex;
  private static byte[] apk;
  private static Checker checker;

  private static synchronized void init() {
    if (dex == null) {
      dex = CheckerFixtures.smali(PatchedFormsTestSources.CALLER,
          PatchedFormsTestSources.gatedOneTrack(), PatchedFormsTestSources.consent()).get(0);
      apk = CheckerFixtures.apk("com.fuzz", java.util.List.of(dex));
      checker = new Checker(ScanOptions.defaults().withThreads(1));
    }
  }

  static byte[] mutate(byte[] base, FuzzedDataProvider data) {
    byte[] b = base.clone();
    int edits = data.consumeInt(0, 16);
    for (int i = 0; i < edits && b.length > 0; i++) {
      b[data.consumeInt(0, b.length - 1)] = data.consumeByte();
    }
    if (data.consumeBoolean() && b.length > 0) {
      b = Arrays.copyOf(b, data.consumeInt(0, b.length));
    }
    return b;
  }

  @FuzzTest(maxDuration = "30s")
  void dexScanNeverThrows(FuzzedDataProvider data) {
    init();
    AppReport r = checker.scanApp(CheckerFixtures.item("fuzz.dex", mutate(dex, data)));
    assertNotNull(r);
    MalformedInputsTest.assertNoInternalError(r);
  }

  @FuzzTest(maxDuration = "30s")
  void packLoaderOnlyThrowsCheckerException(FuzzedDataProvider data) throws java.io.IOException {
    String text = data.remainingBytes() == 0
        ? "{\"id\": \"p\", \"sdks\": [{\"id\": \"s\", \"name\": \"S\", \"packages\": [\"com.s\"],"
            + " \"entryPoints\": [{\"class\": \"Lcom/s/A;\", \"name\": \"t*\"}]}],"
            + " \"settings\": [{\"key\": \"k\", \"consentWhen\": \"eq1\"}], \"trackers\": {\"1\": {}}}"
        : data.consumeRemainingAsString();
    java.nio.file.Path f = java.nio.file.Files.createTempFile("fuzz", ".json");
    try {
      java.nio.file.Files.writeString(f, text);
      dev.untrack.checker.pack.SignaturePack p = dev.untrack.checker.pack.PackLoader.load(f);
      dev.untrack.checker.match.Signatures.compile(java.util.List.of(p));
    } catch (CheckerException expected) {
      // refused with a reason
    } finally {
      java.nio.file.Files.deleteIfExists(f);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void apkScanNeverThrows(FuzzedDataProvider data) {
    init();
    AppReport r = checker.scanApp(CheckerFixtures.item("fuzz.apk", mutate(apk, data)));
    assertNotNull(r);
    MalformedInputsTest.assertNoInternalError(r);
  }
}
