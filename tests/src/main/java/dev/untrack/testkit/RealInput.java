package dev.untrack.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Real third-party inputs, written by others, fetched from Maven Central and the npm registry at test time,
 * pinned by SHA-256 and cached under {@code ~/.cache/untrack-test-inputs} (override with
 * {@code UNTRACK_TEST_INPUTS}). Never committed. Offline: skipped locally, failed in CI.
 */
public enum RealInput {
  /** The real Sensors Analytics SDK, common module (329 classes, {@code SensorsDataAPI}): an AAR. */
  SENSORS_COMMON_AAR(
      "https://repo1.maven.org/maven2/com/sensorsdata/analytics/android/common/0.1.4/common-0.1.4.aar",
      "0593ef55e47af24718b51abaf65ca807ae9cd2efc0ee18e121f7e81eecc54d02", null),
  /** An older single-artifact Sensors Analytics SDK: an AAR. */
  SENSORS_SDK_521_AAR(
      "https://repo1.maven.org/maven2/com/sensorsdata/analytics/android/SensorsAnalyticsSDK/5.2.1/SensorsAnalyticsSDK-5.2.1.aar",
      "5f4ee0389c692cd46c800b17cf0c318890b5c20a4ccad2656246b6366a4b5cf6", null),
  /** Appium UiAutomator2 server: an 18 MB, 16-dex APK built by modern d8, no trackers. */
  APPIUM_UIAUTOMATOR2_APK(
      "https://registry.npmjs.org/appium-uiautomator2-server/-/appium-uiautomator2-server-10.6.6.tgz",
      "c0ddd247106d51d41749ae3aeb1818df18f46735020ae464f525d016e96f2fe9",
      "package/apks/appium-uiautomator2-server-v10.6.6.apk"),
  /** Appium UiAutomator2 test APK: small, 4 dex. */
  APPIUM_UIAUTOMATOR2_TEST_APK(
      "https://registry.npmjs.org/appium-uiautomator2-server/-/appium-uiautomator2-server-10.6.6.tgz",
      "c0ddd247106d51d41749ae3aeb1818df18f46735020ae464f525d016e96f2fe9",
      "package/apks/appium-uiautomator2-server-debug-androidTest.apk"),
  /** Appium Settings: a 3 MB, 9-dex APK, no trackers. */
  APPIUM_SETTINGS_APK(
      "https://registry.npmjs.org/io.appium.settings/-/io.appium.settings-8.0.10.tgz",
      "1903bba3c16b387af259c79bd7eac26e905b5b7b016702aa25644fe673ff0b2d",
      "package/apks/settings_apk-debug.apk");

  private final String url;
  private final String sha256;
  private final String memberInTgz;

  RealInput(String url, String sha256, String memberInTgz) {
    this.url = url;
    this.sha256 = sha256;
    this.memberInTgz = memberInTgz;
  }

  /** The Debian-packaged framework-res.apk (a large APK without dex), or skip/fail. */
  public static Path frameworkRes() {
    Path p = Path.of("/usr/share/android-framework-res/framework-res.apk");
    if (!Files.isRegularFile(p)) {
      Oracle.unavailable("framework-res.apk not found (apt-get install android-framework-res)");
    }
    return p;
  }

  /** The file, downloaded and verified once, then served from the cache. Skips or fails when offline. */
  public synchronized Path get() {
    try {
      Path cache = cacheDir();
      Path download = cache.resolve(sha256 + "-" + url.substring(url.lastIndexOf('/') + 1));
      if (!Files.isRegularFile(download) || !sha256(download).equals(sha256)) {
        fetch(download);
      }
      if (memberInTgz == null) {
        return download;
      }
      Path member = cache.resolve(sha256 + "-" + memberInTgz.substring(memberInTgz.lastIndexOf('/') + 1));
      if (!Files.isRegularFile(member)) {
        extract(download, memberInTgz, member);
      }
      return member;
    } catch (IOException e) {
      Oracle.unavailable("real input " + name() + " unavailable (" + e.getMessage() + ")");
      throw new IllegalStateException("unreachable");
    }
  }

  private static Path cacheDir() throws IOException {
    String override = System.getenv("UNTRACK_TEST_INPUTS");
    Path dir = override != null ? Path.of(override)
        : Path.of(System.getProperty("user.home"), ".cache", "untrack-test-inputs");
    Files.createDirectories(dir);
    return dir;
  }

  private void fetch(Path target) throws IOException {
    HttpClient client = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(20))
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
    Path tmp = Files.createTempFile(target.getParent(), "download", ".part");
    try {
      HttpResponse<Path> r = client.send(
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5)).build(),
          HttpResponse.BodyHandlers.ofFile(tmp));
      if (r.statusCode() != 200) {
        throw new IOException("HTTP " + r.statusCode() + " for " + url);
      }
      String got = sha256(tmp);
      if (!got.equals(sha256)) {
        throw new IOException("SHA-256 of " + url + " is " + got + ", expected " + sha256);
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void extract(Path tgz, String member, Path target) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz));
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        if (e.getName().equals(member)) {
          Path tmp = Files.createTempFile(target.getParent(), "member", ".part");
          Files.copy(tar, tmp, StandardCopyOption.REPLACE_EXISTING);
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
          return;
        }
      }
    }
    throw new IOException(member + " not found in " + tgz);
  }

  static String sha256(Path p) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      try (InputStream in = Files.newInputStream(p)) {
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
          md.update(buf, 0, n);
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
