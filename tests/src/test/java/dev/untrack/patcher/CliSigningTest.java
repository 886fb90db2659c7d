package dev.untrack.patcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.testkit.CliRun;
import dev.untrack.testkit.FixtureApps;
import dev.untrack.testkit.Oracle;
import dev.untrack.testkit.SigningBlocks;
import dev.untrack.testkit.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code untrack patch --sign}: keep-cert, resign with a user key, and refusals, through {@link dev.untrack.cli.Main}. */
class CliSigningTest {
  @TempDir static Path dir;
  static TestKeys.SigningKey vendor;
  static Path plain;
  static Path sharedUid;
  static Path patches;
  static Path keystore;
  static Path password;

  @BeforeAll
  static void build() throws Exception {
    vendor = TestKeys.generate("vendor");
    plain = Files.write(dir.resolve("plain.apk"), FixtureApps.apk("com.example.plain", null, vendor));
    sharedUid = Files.write(dir.resolve("system.apk"), FixtureApps.apk("com.example.sys", "android.uid.system", vendor));
    patches = Files.createDirectories(dir.resolve("p"));
    Files.writeString(patches.resolve("track.smalipatch"), CliPatchTest.TRACK);
    password = Files.writeString(dir.resolve("pw"), "correct horse\n");
    keystore = dir.resolve("user.p12");
    CliRun gen = CliRun.untrack("keys", "generate", "-o", keystore.toString(), "--bits", "2048",
        "--pass-file", password.toString());
    assertEquals(0, gen.code(), gen.err());
  }

  static CliRun patch(Path in, Path out, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("patch", in.toString(), "-o", out.toString(),
        "--patches", patches.toString()));
    args.addAll(List.of(extra));
    return CliRun.untrack(args.toArray(new String[0]));
  }

  @Test
  void defaultKeepsTheVendorCertificate() throws Exception {
    Path out = dir.resolve("kept.apk");
    CliRun r = patch(sharedUid, out);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("signing: keep-cert (com.example.sys: keeps its original certificate"), r.out());
    assertEquals(List.of(vendor.certificate()), SigningBlocks.v2Certificates(out));
  }

  @Test
  void resignWithTheUsersKeyVerifies() throws Exception {
    Path out = dir.resolve("resigned.apk");
    CliRun r = patch(plain, out, "--sign", "resign", "--key", keystore.toString(),
        "--store-pass-file", password.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("signing: resign"), r.out());
    List<X509Certificate> certs = SigningBlocks.v2Certificates(out);
    assertEquals(1, certs.size());
    assertNotEquals(vendor.certificate(), certs.get(0));
    Path apksigner = Oracle.require("apksigner", "apksigner");
    Oracle.run(dir, apksigner.toString(), "verify", "--min-sdk-version", "26", out.toString()).assertOk("apksigner");
    // auto with a key re-signs a plain system app too
    Path auto = dir.resolve("auto.apk");
    CliRun a = patch(plain, auto, "--key", keystore.toString(), "--store-pass-file", password.toString());
    assertEquals(0, a.code(), a.err());
    assertTrue(a.out().contains("signing: resign"), a.out());
  }

  @Test
  void refusalsExitFiveWithoutOutput() throws Exception {
    Path out = dir.resolve("refused.apk");
    CliRun shared = patch(sharedUid, out, "--sign", "resign", "--key", keystore.toString(),
        "--store-pass-file", password.toString());
    assertEquals(5, shared.code(), shared.out() + shared.err());
    assertTrue(shared.err().contains("refusing to re-sign an app with shared UID android.uid.system"), shared.err());
    assertFalse(Files.exists(out));
    CliRun user = patch(plain, out, "--install-location", "user");
    assertEquals(5, user.code(), user.out() + user.err());
    assertTrue(user.err().contains("give --key"), user.err());
    assertFalse(Files.exists(out));
    CliRun noKey = patch(plain, out, "--sign", "resign");
    assertEquals(2, noKey.code());
    assertFalse(Files.exists(out));
  }
}
