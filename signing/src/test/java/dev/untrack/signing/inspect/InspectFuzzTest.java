package dev.untrack.signing.inspect;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.untrack.signing.SigningException;
import dev.untrack.signing.apk.ApkResigner;
import dev.untrack.signing.apk.ResignOptions;
import dev.untrack.signing.testing.TestApks;
import dev.untrack.signing.testing.TestKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Hostile APKs and signature blocks: only {@link SigningException} may escape the inspection code. */
class InspectFuzzTest {
  private static byte[] signedApk;

  private static synchronized byte[] signedApk() {
    if (signedApk == null) {
      try {
        Path dir = Files.createTempDirectory(
            Files.createDirectories(Path.of("target").toAbsolutePath()), "fuzz-apk");
        Path in = TestApks.unsigned(dir.resolve("in.apk"));
        Path out = dir.resolve("out.apk");
        ApkResigner.resign(in, out, TestKeys.rsa2048(), ResignOptions.forMinSdk(21));
        signedApk = Files.readAllBytes(out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return signedApk;
  }

  /** Overwrites bytes of {@code base} at positions chosen by the fuzzer; truncates sometimes. */
  static byte[] mutate(byte[] base, FuzzedDataProvider data) {
    byte[] b = base.clone();
    int edits = data.consumeInt(0, 16);
    for (int i = 0; i < edits && b.length > 0; i++) {
      b[data.consumeInt(0, b.length - 1)] = data.consumeByte();
    }
    if (data.consumeBoolean() && b.length > 0) {
      b = java.util.Arrays.copyOf(b, data.consumeInt(0, b.length));
    }
    return b;
  }

  @FuzzTest(maxDuration = "30s")
  void signatureReportOnlyThrowsSigningException(FuzzedDataProvider data) throws IOException {
    byte[] apk = mutate(signedApk(), data);
    Path f = Files.createTempFile("fuzz", ".apk");
    try {
      Files.write(f, apk);
      SignatureReport.of(f);
    } catch (SigningException expected) {
      // rejected with a reason: fine
    } finally {
      Files.deleteIfExists(f);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void signingBlockParsersOnlyThrowSigningException(FuzzedDataProvider data) {
    byte[] raw = data.consumeRemainingAsBytes();
    try {
      ApkSigningBlock block = ApkSigningBlock.parse(raw, "fuzz");
      for (ApkSigningBlock.Pair p : block.pairs()) {
        for (Scheme s : new Scheme[] {Scheme.V2, Scheme.V3}) {
          try {
            BlockSchemeReader.read(s, p.value(), p.offset(), "fuzz");
          } catch (SigningException expected) {
            // fine
          }
        }
      }
      BlockSchemeReader.read(Scheme.V3, raw, 0, "fuzz");
    } catch (SigningException expected) {
      // fine
    }
    JarManifest.parse(raw);
  }
}
