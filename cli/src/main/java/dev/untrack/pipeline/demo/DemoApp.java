package dev.untrack.pipeline.demo;

import dev.untrack.signing.apk.InstallLocation;
import java.util.List;

/**
 * One app the demo builds.
 *
 * @param fileName the APK's file name
 * @param packageName manifest package, or null for a framework jar
 * @param story one line on what it stands for
 * @param smali the cli resource with its code (smali, classes in order)
 * @param sharedUserId null for none
 * @param kind the manifest component kind
 * @param component the component's class
 * @param action the component's intent action
 * @param location where Android would find it, which decides its signing
 * @param userKey give the demo user key when patching (auto signing then re-signs it); false: no key, so the
 *     original certificate is kept
 * @param romPath where it lives in the demo firmware: the partition, then the path in its filesystem (system is
 *     system-as-root, so its apps are under {@code system/system/})
 */
public record DemoApp(String fileName, String packageName, String story, String smali, String sharedUserId,
    String kind, String component, String action, InstallLocation location, boolean userKey, String romPath) {

  /** Mint Browser: one dispatcher that feeds Sensors Analytics and MiStat (telemetry-targets.md). */
  public static final DemoApp MINT_BROWSER = new DemoApp("MintBrowser.apk", "com.mi.globalbrowser.mini",
      "a Mint-like browser: one event dispatcher feeding Sensors Analytics and MiStat", "MintBrowser.smali", null,
      "activity", "com.mi.globalbrowser.mini.BrowserActivity", "android.intent.action.VIEW",
      InstallLocation.SYSTEM, true, "product/app/MintBrowser/MintBrowser.apk");

  /** Joyose: a system app with the OneTrack SDK (unset counts as consent, server-replaceable hosts). */
  public static final DemoApp JOYOSE = new DemoApp("Joyose.apk", "com.xiaomi.joyose",
      "a Joyose-like system app with the OneTrack SDK", "Joyose.smali", null, "service",
      "com.xiaomi.joyose.JoyoseService", "com.xiaomi.joyose.START", InstallLocation.SYSTEM, false,
      "system/system/app/Joyose/Joyose.apk");

  /** A framework jar with a shared copy of old MiStat, loaded by path: nothing to sign. */
  public static final DemoApp STATS_JAR = new DemoApp("miuistatssdkshared.jar", null,
      "a framework jar with a shared copy of the MiStat SDK", "miuistatssdkshared.smali", null, null, null, null,
      InstallLocation.SYSTEM, false, "system/system/framework/miuistatssdkshared.jar");

  public static List<DemoApp> all() {
    return List.of(MINT_BROWSER, JOYOSE, STATS_JAR);
  }

  /** A code jar (no manifest, no signature) rather than an APK. */
  public boolean isJar() {
    return packageName == null;
  }

  /** The partition it lives in, in the demo firmware. */
  public String partition() {
    return romPath.substring(0, romPath.indexOf('/'));
  }

  /** Where the device sees it ({@code /system/app/...}, {@code /product/app/...}). */
  public String devicePath() {
    return partition().equals("system") ? pathInPartition() : "/" + partition() + pathInPartition();
  }

  /** Its absolute path inside that partition's filesystem. */
  public String pathInPartition() {
    return romPath.substring(romPath.indexOf('/'));
  }
}
