package dev.untrack.pipeline.demo;

import dev.untrack.signing.apk.InstallLocation;
import java.util.List;

/**
 * One app the demo builds.
 *
 * @param fileName the APK's file name
 * @param packageName manifest package
 * @param story one line on what it stands for
 * @param smali the cli resource with its code (smali, classes in order)
 * @param sharedUserId null for none
 * @param kind the manifest component kind
 * @param component the component's class
 * @param action the component's intent action
 * @param location where Android would find it, which decides its signing
 * @param romPath where it lives in the demo firmware
 */
public record DemoApp(String fileName, String packageName, String story, String smali, String sharedUserId,
    String kind, String component, String action, InstallLocation location, String romPath) {

  /** Mint Browser: one dispatcher that feeds Sensors Analytics and MiStat (telemetry-targets.md). */
  public static final DemoApp MINT_BROWSER = new DemoApp("MintBrowser.apk", "com.mi.globalbrowser.mini",
      "a Mint-like browser: one event dispatcher feeding Sensors Analytics and MiStat", "MintBrowser.smali", null,
      "activity", "com.mi.globalbrowser.mini.BrowserActivity", "android.intent.action.VIEW",
      InstallLocation.DATA_APP, "product/data-app/MintBrowser/MintBrowser.apk");

  /** Joyose: a system app with the OneTrack SDK (unset counts as consent, server-replaceable hosts). */
  public static final DemoApp JOYOSE = new DemoApp("Joyose.apk", "com.xiaomi.joyose",
      "a Joyose-like system app with the OneTrack SDK", "Joyose.smali", null, "service",
      "com.xiaomi.joyose.JoyoseService", "com.xiaomi.joyose.START", InstallLocation.SYSTEM,
      "system/app/Joyose/Joyose.apk");

  public static List<DemoApp> all() {
    return List.of(MINT_BROWSER, JOYOSE);
  }
}
