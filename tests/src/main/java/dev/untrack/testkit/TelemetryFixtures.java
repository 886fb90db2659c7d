package dev.untrack.testkit;

import dev.untrack.testkit.sandbox.FakeAndroid;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Fixture apps and framework jars that reproduce the known Xiaomi telemetry patterns, built in code: Java
 * sources (under {@code src/main/resources/fixtures/}) compiled by javac against the fake Android classes and
 * dexed by D8, packaged with a binary manifest and signed with a test "vendor" key. SDK copies carry the real
 * SDK package names and the anchor strings and behaviours of telemetry-targets.md; app code has obfuscated
 * names. Each fixture is built once per JVM.
 *
 * <p>Anyone may call these: the checker's tests, the end-to-end ROM tests, benchmarks.
 */
public final class TelemetryFixtures {
  /** What a fixture contains (facts the checker and the patch tests can assert on). */
  public enum Sdk {
    ONETRACK("Lcom/xiaomi/onetrack/"),
    MISTAT("Lcom/xiaomi/mistatistic/sdk/"),
    MISTAT_V3("Lcom/xiaomi/stat/"),
    ANALYTICS_CLIENT("Lcom/xiaomi/analytics/"),
    SENSORS("Lcom/sensorsdata/analytics/android/sdk/"),
    ADS_ZEUS("Lcom/miui/zeus/"),
    ADS_MIGLOBAL("Lcom/xiaomi/miglobaladsdk/"),
    ADS_XIAOMI("Lcom/xiaomi/ad/"),
    ADS_MSA("Lcom/miui/systemAdSolution/"),
    LEGACY_MIUI_ANALYTICS("Lmiui/analytics/");

    public final String packagePrefix;

    Sdk(String packagePrefix) {
      this.packagePrefix = packagePrefix;
    }
  }

  /**
   * One fixture.
   *
   * @param name short name (also the file name stem)
   * @param packageName manifest package, or null for a framework jar
   * @param fileName {@code Name.apk} or {@code name.jar}
   * @param bytes the APK or JAR
   * @param dex its dex files (classes.dex first)
   * @param sdks SDKs it embeds
   * @param telemetryHosts hosts its code would send telemetry to when unpatched
   * @param keepWorking true for apps that must come out of patching untouched (negative controls)
   */
  public record Fixture(String name, String packageName, String fileName, byte[] bytes, List<byte[]> dex,
      Set<Sdk> sdks, Set<String> telemetryHosts, boolean keepWorking) {
    public boolean isJar() {
      return packageName == null;
    }

    /** Writes the fixture into {@code dir} under its file name. */
    public Path writeTo(Path dir) {
      try {
        return Files.write(dir.resolve(fileName), bytes);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static final Map<String, Fixture> CACHE = new ConcurrentHashMap<>();
  private static TestKeys.SigningKey vendorKey;

  private TelemetryFixtures() {}

  // ---- SDK-embedding system apps ---------------------------------------------------------------------

  /** Joyose-like app ({@code com.xiaomi.joyose}) with OneTrack: unset=on default, basic events, server hosts. */
  public static Fixture oneTrackApp() {
    return apk("joyose", "com.xiaomi.joyose", List.of("app/joyose", "sdk/onetrack"), Set.of(Sdk.ONETRACK),
        Set.of("tracking.intl.miui.com"), m -> m.component("service", "com.xiaomi.joyose.JoyoseService", false));
  }

  /** PowerKeeper-like app ({@code com.miui.powerkeeper}) with old MiStat and sRespectUEP turned off. */
  public static Fixture miStatApp() {
    return apk("powerkeeper", "com.miui.powerkeeper", List.of("app/powerkeeper", "sdk/mistat"), Set.of(Sdk.MISTAT),
        Set.of("data.mistat.xiaomi.com"), m -> m);
  }

  /** Notes-like app ({@code com.miui.notes}) with the Xiaomi Analytics client (binding, code download) and MiStat v3. */
  public static Fixture analyticsClientApp() {
    return apk("notes", "com.miui.notes", List.of("app/notes", "sdk/analytics", "sdk/icore", "sdk/mistat3"),
        Set.of(Sdk.ANALYTICS_CLIENT, Sdk.MISTAT_V3),
        Set.of("sdkconfig.ad.xiaomi.com", "data.mistat.intl.xiaomi.com"), m -> m);
  }

  /** AnalyticsCore ({@code com.miui.analytics}): the ICore service every Analytics client binds to. */
  public static Fixture analyticsCore() {
    return apk("AnalyticsCore", "com.miui.analytics", List.of("app/analyticscore", "sdk/icore"), Set.of(),
        Set.of("tracking.intl.miui.com"),
        m -> m.sharedUserId("android.uid.system")
            .component("service", "com.miui.analytics.AnalyticsService", true, "com.miui.action.ANALYTICS_SERVICE"));
  }

  /** Security Center ({@code com.miui.securitycenter}): own analytics, traffic reports, ad layout; a virus-db check that must keep working. */
  public static Fixture securityCenter() {
    return apk("SecurityCenter", "com.miui.securitycenter", List.of("app/securitycenter"), Set.of(),
        Set.of("data.sec.miui.com", "api.sec.miui.com", "adv.sec.miui.com"),
        m -> m.sharedUserId("android.uid.system"));
  }

  /** MSA ({@code com.miui.msa.global}) with the MiMo/Zeus, global ad and MSA SDK code. */
  public static Fixture msa() {
    return apk("MSA-Global", "com.miui.msa.global", List.of("app/msa", "sdk/ads"),
        Set.of(Sdk.ADS_ZEUS, Sdk.ADS_MIGLOBAL, Sdk.ADS_XIAOMI, Sdk.ADS_MSA),
        Set.of("e.ad.xiaomi.com", "sdkconfig.ad.intl.xiaomi.com", "api.ad.intl.xiaomi.com", "log.ad.xiaomi.com",
            "api.ad.xiaomi.com", "globalapi.ad.xiaomi.com"), m -> m);
  }

  public static Fixture miuiDaemon() {
    return apk("MiuiDaemon", "com.miui.daemon", List.of("app/daemon"), Set.of(), Set.of("mqs-log.miui.com"),
        m -> m.sharedUserId("android.uid.system"));
  }

  public static Fixture miSight() {
    return apk("MiSightService", "com.miui.misightservice", List.of("app/misight", "sdk/onetrack"),
        Set.of(Sdk.ONETRACK), Set.of("tracking.intl.miui.com"), m -> m);
  }

  public static Fixture securityOnetrack() {
    return apk("SecurityOnetrackService", "com.xiaomi.security.onetrack", List.of("app/securityonetrack", "sdk/onetrack"),
        Set.of(Sdk.ONETRACK), Set.of("tracking.intl.miui.com"), m -> m);
  }

  public static Fixture xmsfKeeper() {
    return apk("XMSFKeeper", "com.xiaomi.xmsfkeeper", List.of("app/xmsfkeeper", "sdk/onetrack"),
        Set.of(Sdk.ONETRACK), Set.of("tracking.miui.com"), m -> m);
  }

  public static Fixture bugReport() {
    return apk("BugReport", "com.miui.bugreport", List.of("app/bugreport"), Set.of(),
        Set.of("bugreport.xiaomi.net", "feedback.miui.com"), m -> m);
  }

  // ---- browsers ------------------------------------------------------------------------------------------

  /** Mint ({@code com.mi.globalbrowser.mini}): Sensors + MiStat dispatcher, incognito switches, anonymous id. */
  public static Fixture mintBrowser() {
    return browser("MintBrowser", "com.mi.globalbrowser.mini");
  }

  /** Mi Browser / Pro ({@code com.mi.globalbrowser}): the same code base as Mint under another package. */
  public static Fixture miBrowser() {
    return browser("MiBrowserGlobal", "com.mi.globalbrowser");
  }

  private static Fixture browser(String name, String pkg) {
    return apk(name, pkg, List.of("app/mintbrowser", "sdk/sensors", "sdk/mistat"), Set.of(Sdk.SENSORS, Sdk.MISTAT),
        Set.of("sa.api.intl.miui.com", "data.mistat.xiaomi.com"),
        m -> m.component("activity", "com.mi.globalbrowser.mini.BrowserActivity", true, "android.intent.action.VIEW"));
  }

  /** MIUI Browser ({@code com.android.browser}): Sensors + OneTrack dispatcher with other obfuscated names. */
  public static Fixture miuiBrowser() {
    return apk("Browser", "com.android.browser", List.of("app/miuibrowser", "sdk/sensors", "sdk/onetrack"),
        Set.of(Sdk.SENSORS, Sdk.ONETRACK), Set.of("sa-api.api.intl.miui.com", "tracking.intl.miui.com"),
        m -> m.component("activity", "com.android.browser.BrowserActivity", true, "android.intent.action.VIEW"));
  }

  // ---- framework jars ------------------------------------------------------------------------------------

  /** A framework jar with MiuiSettings (Program, diagnostics and ad switches) and legacy miui.analytics. */
  public static Fixture miuiFramework() {
    return jar("framework-miui", List.of("framework/miui"), Set.of(Sdk.LEGACY_MIUI_ANALYTICS), Set.of("tracking.miui.com"));
  }

  /** {@code /system/framework/miuistatssdkshared.jar}: a shared copy of old MiStat. */
  public static Fixture statsSharedJar() {
    return jar("miuistatssdkshared", List.of("sdk/mistat"), Set.of(Sdk.MISTAT), Set.of("data.mistat.xiaomi.com"));
  }

  /** {@code /system/framework/miuistatssdksharedv3.jar}: a shared copy of MiStat v3. */
  public static Fixture statsSharedJarV3() {
    return jar("miuistatssdksharedv3", List.of("sdk/mistat3"), Set.of(Sdk.MISTAT_V3), Set.of("data.mistat.xiaomi.com"));
  }

  // ---- the real Sensors Analytics SDK -------------------------------------------------------------------

  /**
   * The real Sensors Analytics SDK ({@link RealInput#SENSORS_COMMON_AAR}, from Maven Central): the AAR's
   * classes.jar dexed by D8 and packaged as a jar, the way an app that bundles it would carry it. Skipped
   * (or failed in CI) when the input cannot be fetched.
   */
  public static Fixture realSensorsSdk() {
    return CACHE.computeIfAbsent("real:sensors", k -> {
      byte[] classesJar = aarClassesJar(RealInput.SENSORS_COMMON_AAR.get());
      List<byte[]> dex = BuildCache.files(BuildCache.key("sensors-aar-d8-api26",
              Map.of("classes.jar", java.util.HexFormat.of().formatHex(sha256(classesJar)))),
          () -> DexCompiler.jarToDex(classesJar, List.of(FakeAndroid.jar()), 26));
      return new Fixture("sensors-common-0.1.4", null, "sensors-common-0.1.4.jar", jarOf(dex), dex,
          new TreeSet<>(Set.of(Sdk.SENSORS)), new TreeSet<>(), false);
    });
  }

  /** The {@code classes.jar} inside an AAR. */
  public static byte[] aarClassesJar(Path aar) {
    try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(aar.toFile())) {
      java.util.zip.ZipEntry e = z.getEntry("classes.jar");
      if (e == null) {
        throw new IllegalStateException(aar + " has no classes.jar");
      }
      try (java.io.InputStream in = z.getInputStream(e)) {
        return in.readAllBytes();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] sha256(byte[] b) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(b);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- must keep working -------------------------------------------------------------------------------

  public static Fixture xmsf() {
    return keep("xmsf", "com.xiaomi.xmsf", "keep/xmsf");
  }

  public static Fixture updater() {
    return keep("Updater", "com.android.updater", "keep/updater");
  }

  public static Fixture findDevice() {
    return keep("FindDevice", "com.xiaomi.finddevice", "keep/finddevice");
  }

  public static Fixture account() {
    return keep("XiaomiAccount", "com.xiaomi.account", "keep/account");
  }

  public static Fixture miuiCore() {
    return keep("miuisystem", "com.miui.core", "keep/miuicore");
  }

  // ---- sets ----------------------------------------------------------------------------------------------

  /** Every fixture with telemetry (apps, browsers, framework jars). */
  public static List<Fixture> withTelemetry() {
    return List.of(oneTrackApp(), miStatApp(), analyticsClientApp(), analyticsCore(), securityCenter(), msa(),
        miuiDaemon(), miSight(), securityOnetrack(), xmsfKeeper(), bugReport(), mintBrowser(), miBrowser(),
        miuiBrowser(), miuiFramework(), statsSharedJar(), statsSharedJarV3());
  }

  /** Apps that must come out of patching untouched. */
  public static List<Fixture> keepWorking() {
    return List.of(xmsf(), updater(), findDevice(), account(), miuiCore());
  }

  public static List<Fixture> all() {
    List<Fixture> all = new ArrayList<>(withTelemetry());
    all.addAll(keepWorking());
    return all;
  }

  // ---- building ------------------------------------------------------------------------------------------

  private interface ManifestCustomizer {
    ManifestBuilder apply(ManifestBuilder m);
  }

  private static Fixture keep(String name, String pkg, String dir) {
    return apk(name, pkg, List.of(dir), Set.of(), Set.of(), m -> m, true);
  }

  private static Fixture apk(String name, String pkg, List<String> dirs, Set<Sdk> sdks, Set<String> hosts,
      ManifestCustomizer manifest) {
    return apk(name, pkg, dirs, sdks, hosts, manifest, false);
  }

  private static Fixture apk(String name, String pkg, List<String> dirs, Set<Sdk> sdks, Set<String> hosts,
      ManifestCustomizer manifest, boolean keep) {
    return CACHE.computeIfAbsent("apk:" + name, k -> {
      List<byte[]> dex = compile(dirs);
      byte[] m = manifest.apply(ManifestBuilder.of(pkg).version(2024010100, "2024.1.1").sdk(28, 34)
          .permission("android.permission.INTERNET")).build();
      byte[] apk = ApkBuilder.create().manifest(m).dex(dex).resourcesArsc(new byte[] {2, 0, 12, 0})
          .signedWith(vendorKey(), 28).build();
      return new Fixture(name, pkg, name + ".apk", apk, dex, new TreeSet<>(sdks), new TreeSet<>(hosts), keep);
    });
  }

  private static Fixture jar(String name, List<String> dirs, Set<Sdk> sdks, Set<String> hosts) {
    return CACHE.computeIfAbsent("jar:" + name, k -> {
      List<byte[]> dex = compile(dirs);
      return new Fixture(name, null, name + ".jar", jarOf(dex), dex, new TreeSet<>(sdks), new TreeSet<>(hosts), false);
    });
  }

  /** A framework-style jar: classes*.dex stored in a zip with a manifest, fixed timestamps. */
  static byte[] jarOf(List<byte[]> dex) {
    try {
      ByteArrayOutputStream bo = new ByteArrayOutputStream();
      try (ZipOutputStream z = new ZipOutputStream(bo)) {
        ZipEntry mf = new ZipEntry("META-INF/MANIFEST.MF");
        mf.setTime(1230768000000L);
        z.putNextEntry(mf);
        z.write("Manifest-Version: 1.0\r\nCreated-By: untrack fixtures\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        z.closeEntry();
        for (int i = 0; i < dex.size(); i++) {
          ZipEntry e = new ZipEntry(i == 0 ? "classes.dex" : "classes" + (i + 1) + ".dex");
          e.setTime(1230768000000L);
          z.putNextEntry(e);
          z.write(dex.get(i));
          z.closeEntry();
        }
      }
      return bo.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Compiles the Java sources under the given fixture folders into dex (fakes on the classpath only). */
  public static List<byte[]> compile(List<String> dirs) {
    Map<String, String> sources = new TreeMap<>();
    for (String d : dirs) {
      Map<String, String> part = FakeAndroid.readSources("fixtures/" + d);
      for (Map.Entry<String, String> e : part.entrySet()) {
        if (sources.putIfAbsent(e.getKey(), e.getValue()) != null) {
          throw new IllegalStateException("class " + e.getKey() + " defined twice in fixture folders " + dirs);
        }
      }
    }
    Map<String, String> keyed = new TreeMap<>(sources);
    FakeAndroid.sources().forEach((k, v) -> keyed.put("fake:" + k, v));
    return BuildCache.files(BuildCache.key("fixture-dex-d8-8.5.35-api26", keyed),
        () -> DexCompiler.javaToDex(new LinkedHashMap<>(sources), List.of(FakeAndroid.jar()), 26));
  }

  private static synchronized TestKeys.SigningKey vendorKey() {
    if (vendorKey == null) {
      vendorKey = TestKeys.generate("Xiaomi fixture vendor");
    }
    return vendorKey;
  }
}
