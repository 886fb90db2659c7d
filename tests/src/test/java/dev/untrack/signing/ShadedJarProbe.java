package dev.untrack.signing;

import dev.untrack.signing.apk.ApkResigner;
import dev.untrack.signing.apk.ResignOptions;
import dev.untrack.signing.avb.AvbAlgorithm;
import dev.untrack.signing.avb.VbMeta;
import dev.untrack.signing.inspect.SignatureReport;
import dev.untrack.signing.inspect.SignatureStatus;
import dev.untrack.signing.keys.KeyGenOptions;
import dev.untrack.signing.keys.KeyGenerator;
import dev.untrack.signing.keys.KeyLoader;
import dev.untrack.signing.keys.KeyLocation;
import dev.untrack.signing.keys.PasswordSource;
import dev.untrack.signing.keys.SigningKey;
import dev.untrack.signing.ota.DigestSigner;
import dev.untrack.signing.ota.OtaZipSigner;
import dev.untrack.signing.ota.OtaZipVerifier;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Runs every signing path that touches BouncyCastle or the JCA, in a JVM whose class path is the shaded
 * {@code untrack.jar} (plus this class): what works in tests must work where BouncyCastle is an unsigned,
 * bundled library and cannot be a JCE provider. Prints "OK" and exits 0, or throws.
 */
public final class ShadedJarProbe {
  private ShadedJarProbe() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Path frameworkRes = Path.of(args[1]);
    SigningKey key = KeyGenerator.generate(KeyGenOptions.defaults(Instant.parse("2026-01-01T00:00:00Z"))
        .withBits(2048).withDistinguishedName("CN=probe"));
    Path p12 = dir.resolve("probe.p12");
    KeyGenerator.writePkcs12(key, p12, "probe", PasswordSource.of("pw".toCharArray()), false);
    SigningKey loaded = KeyLoader.load(KeyLocation.keystore(p12, null, PasswordSource.of("pw".toCharArray()), null));
    KeyGenerator.writePk8(loaded, dir.resolve("probe"), false);
    SigningKey pk8 = KeyLoader.load(KeyLocation.pk8(dir.resolve("probe.pk8"), dir.resolve("probe.x509.pem"), null));
    check(pk8.certificateSha256().equals(key.certificateSha256()), "pk8 round trip");

    Path apk = dir.resolve("in.apk");
    try (ZipFile fr = new ZipFile(frameworkRes.toFile());
        OutputStream os = Files.newOutputStream(apk); ZipOutputStream z = new ZipOutputStream(os)) {
      z.putNextEntry(new ZipEntry("AndroidManifest.xml"));
      z.write(fr.getInputStream(fr.getEntry("AndroidManifest.xml")).readAllBytes());
      z.closeEntry();
      z.putNextEntry(new ZipEntry("classes.dex"));
      z.write(new byte[1000]);
      z.closeEntry();
    }
    Path signed = dir.resolve("signed.apk");
    ApkResigner.resign(apk, signed, pk8, ResignOptions.forMinSdk(21));
    SignatureReport report = SignatureReport.of(signed);
    check(report.status() == SignatureStatus.VERIFIES, "APK verifies: " + report.issues());
    check(report.scheme(dev.untrack.signing.inspect.Scheme.V1).orElseThrow().allSignedDataVerifies(), "v1 PKCS#7");

    Path ota = dir.resolve("ota.zip");
    OtaZipSigner.sign(signed, ota, key);
    check(OtaZipVerifier.verify(ota, List.of(key.certificate())).verifies(), "OTA signature");

    VbMeta vb = VbMeta.create(List.of(), 1, 0, "probe", key, AvbAlgorithm.SHA256_RSA2048);
    check(VbMeta.parse(vb.encode(), "probe").verify().verifies(), "vbmeta signature");
    check(DigestSigner.of(key).sign(new byte[32]).length == 256, "digest signer");
    System.out.println("OK");
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }
}
