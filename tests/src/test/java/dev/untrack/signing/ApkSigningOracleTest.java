package dev.untrack.signing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.apk.AndroidManifest;
import dev.untrack.signing.apk.ApkResigner;
import dev.untrack.signing.apk.ResignOptions;
import dev.untrack.signing.apk.ResignResult;
import dev.untrack.signing.inspect.Scheme;
import dev.untrack.signing.inspect.SignatureReport;
import dev.untrack.signing.inspect.SignatureStatus;
import dev.untrack.signing.keys.SigningKey;
import dev.untrack.testkit.Oracle;
import dev.untrack.testkit.RealInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** APK signing checked by apksigner and zipalign, on real APKs written by others. */
class ApkSigningOracleTest {
  @TempDir Path dir;

  private static String apksigner(Path apk, String... sdkRange) throws Exception {
    Path tool = Oracle.require("apksigner", "apksigner");
    List<String> cmd = new java.util.ArrayList<>(List.of(tool.toString(), "verify", "-v", "--print-certs"));
    cmd.addAll(List.of(sdkRange));
    cmd.add(apk.toString());
    return Oracle.run(null, Duration.ofMinutes(5), cmd).assertOk("apksigner verify").stdout();
  }

  /** apksigner names only the schemes the SDK range relies on: check each scheme on a range that needs it. */
  private static void assertAllSchemesVerify(Path apk, String certSha256) throws Exception {
    String modern = apksigner(apk);
    assertTrue(modern.contains("Verified using v3 scheme (APK Signature Scheme v3): true"), modern);
    assertTrue(modern.contains("certificate SHA-256 digest: " + certSha256), modern);
    String old = apksigner(apk, "--min-sdk-version", "21", "--max-sdk-version", "27");
    assertTrue(old.contains("Verified using v1 scheme (JAR signing): true"), old);
    assertTrue(old.contains("Verified using v2 scheme (APK Signature Scheme v2): true"), old);
  }

  private static void zipalignCheck(Path apk) throws Exception {
    Path tool = Oracle.require("zipalign", "zipalign");
    Oracle.run(null, Duration.ofMinutes(5), List.of(tool.toString(), "-c", "-p", "4", apk.toString()))
        .assertOk("zipalign -c -p 4");
  }

  @Test
  void unsignedUnalignedFrameworkResIsResignedVerifiedAndAligned() throws Exception {
    Path in = RealInput.frameworkRes();
    AndroidManifest m = SigningFixtures.manifest(in);
    SigningKey key = SigningFixtures.key("untrack oracle");
    Path out = dir.resolve("framework-res.apk");
    ResignResult r = ApkResigner.resign(in, out, key, ResignOptions.forMinSdk(Math.max(1, m.minSdk())));
    assertAllSchemesVerify(out, r.certificateSha256());
    zipalignCheck(out);
    assertEquals(SignatureStatus.VERIFIES, SignatureReport.of(out).status());

    Path again = dir.resolve("again.apk");
    ApkResigner.resign(in, again, key, ResignOptions.forMinSdk(Math.max(1, m.minSdk())));
    assertEquals(-1, Files.mismatch(out, again), "signing is deterministic");
  }

  @Test
  void realSignedApkIsResignedAndKeepCertKeepsTheOriginalCertificate() throws Exception {
    Path original = RealInput.APPIUM_SETTINGS_APK.get();
    String originalReport = apksigner(original);
    String originalDigest = certDigest(originalReport);
    SignatureReport base = SignatureReport.of(original);
    assertEquals(SignatureStatus.VERIFIES, base.status(), base.issues().toString());
    assertEquals(originalDigest, SigningKey.certificateSha256(base.identityCertificates().get(0)));

    // resign: verifies with our certificate
    AndroidManifest m = SigningFixtures.manifest(original);
    Path resigned = dir.resolve("resigned.apk");
    SigningKey key = SigningFixtures.key("untrack resign");
    ApkResigner.resign(original, resigned, key, ResignOptions.forMinSdk(m.minSdk()));
    assertAllSchemesVerify(resigned, key.certificateSha256());
    assertTrue(!apksigner(resigned).contains(originalDigest), "the old signer is gone");
    zipalignCheck(resigned);

    // keep-cert: a changed dex with the original signature block and META-INF carried over
    Path patched = SigningFixtures.patchKeepingSignature(original, dir.resolve("patched.apk"), "classes.dex",
        dex -> {
          byte[] d = dex.clone();
          d[d.length - 1] ^= 1;
          return d;
        });
    Oracle.Result broken = Oracle.run(null, Duration.ofMinutes(5),
        List.of(Oracle.require("apksigner", "apksigner").toString(), "verify", patched.toString()));
    assertNotEquals(0, broken.exitCode(), "digests no longer match, as expected");
    SignatureReport kept = SignatureReport.of(patched, original);
    assertEquals(SignatureStatus.ORIGINAL_CERT_KEPT, kept.status(), kept.issues().toString());
    assertEquals(originalDigest, SigningKey.certificateSha256(kept.identityCertificates().get(0)));
    assertArrayEquals(base.identityCertificates().get(0).getEncoded(), kept.identityCertificates().get(0).getEncoded());
    assertTrue(kept.scheme(Scheme.V2).orElseThrow().allSignedDataVerifies());
    zipalignCheck(patched);
  }

  private static String certDigest(String apksignerOutput) {
    for (String line : apksignerOutput.split("\n")) {
      int i = line.indexOf("certificate SHA-256 digest: ");
      if (i >= 0) {
        return line.substring(i + "certificate SHA-256 digest: ".length()).trim().toLowerCase(Locale.ROOT);
      }
    }
    throw new AssertionError("no certificate digest in:\n" + apksignerOutput);
  }
}
