package dev.untrack.patches;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.untrack.testkit.DexCompiler;
import dev.untrack.testkit.sandbox.AndroidSandbox;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The consent helper, assembled from the catalogue's helper file and run on the JVM: the whole consent rule,
 * for both policies, in every state of the switches.
 */
class ConsentHelperTest {
  /** The smali of one helper variant, cut out of helpers/consent.smalipatch. */
  static String variant(String policy) throws IOException {
    String text;
    try (InputStream in = ConsentHelperTest.class.getResourceAsStream("/dev/untrack/patches/helpers/consent.smalipatch")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<String> out = new ArrayList<>();
    boolean inside = false;
    for (String line : text.split("\n", -1)) {
      if (line.trim().equals("helper@" + policy + " consent")) {
        inside = true;
      } else if (inside && line.trim().equals("end")) {
        return String.join("\n", out) + "\n";
      } else if (inside) {
        out.add(line);
      }
    }
    throw new IllegalStateException("no helper@" + policy + " consent");
  }

  private static AndroidSandbox sandbox(String policy) throws IOException {
    byte[] dex = DexCompiler.smaliToDex(List.of(variant(policy)), 26);
    return AndroidSandbox.of("com.example.app", List.of(dex));
  }

  private static boolean allowed(AndroidSandbox box, Object ctx) {
    return (Boolean) box.callStatic("dev.untrack.inject.Consent", "allowed", new Object[] {ctx});
  }

  private static boolean ask(AndroidSandbox box, String method) {
    Object cr = box.call(box.context(), "getContentResolver");
    return (Boolean) box.callStatic("dev.untrack.inject.Consent", method, cr);
  }

  @Test
  void blockSaysNoWhateverTheSwitchesSay() throws IOException {
    try (AndroidSandbox box = sandbox("block")) {
      box.secure("upload_log_pref", 1).secure("upload_debug_log_pref", 1).global("personalized_ad_enabled", 1);
      assertEquals(false, allowed(box, box.context()));
      assertEquals(false, allowed(box, null));
      assertEquals(true, box.callStatic("dev.untrack.inject.Consent", "denied", new Object[] {null}));
      assertEquals(false, ask(box, "uep"));
      assertEquals(false, ask(box, "uploadDebugLog"));
      assertEquals(false, ask(box, "personalizedAds"));
    }
  }

  @Test
  void honorSwitchCountsUnsetAsOut() throws IOException {
    try (AndroidSandbox box = sandbox("honor-switch")) {
      assertEquals(false, allowed(box, box.context()), "unset");
      assertEquals(false, ask(box, "uep"));
      box.secure("upload_log_pref", 0);
      assertEquals(false, allowed(box, box.context()), "off");
      box.secure("upload_log_pref", -1);
      assertEquals(false, allowed(box, box.context()), "-1 (OneTrack's 'unset') is not consent");
      box.secure("upload_log_pref", 2);
      assertEquals(false, allowed(box, box.context()), "only exactly 1 is consent");
      box.secure("upload_log_pref", 1);
      assertEquals(true, allowed(box, box.context()), "explicitly on");
      assertEquals(false, box.callStatic("dev.untrack.inject.Consent", "denied", box.context()));
    }
  }

  @Test
  void honorSwitchFindsTheApplicationWhenGivenNoContext() throws IOException {
    try (AndroidSandbox box = sandbox("honor-switch")) {
      box.secure("upload_log_pref", 1);
      assertEquals(true, allowed(box, null), "null context: the process's application");
      box.detachApplication();
      assertEquals(false, allowed(box, null), "no application at all: out");
    }
  }

  @Test
  void honorSwitchIncognitoIsAlwaysOut() throws IOException {
    try (AndroidSandbox box = sandbox("honor-switch")) {
      box.secure("upload_log_pref", 1);
      box.callStatic("dev.untrack.inject.Consent", "setIncognito", true);
      assertEquals(false, allowed(box, box.context()));
      assertEquals(true, box.callStatic("dev.untrack.inject.Consent", "isIncognito"));
      box.callStatic("dev.untrack.inject.Consent", "setIncognito", false);
      assertEquals(false, allowed(box, box.context()), "stays out until the process restarts");
    }
    try (AndroidSandbox box = sandbox("honor-switch")) {
      box.secure("upload_log_pref", 1);
      assertEquals(true, allowed(box, box.context()));
      Object prefs = box.call(box.context(), "getSharedPreferences", "com.example.app_preferences", 0);
      Object editor = box.call(prefs, "edit");
      box.call(editor, "putBoolean", "pref_Incognito_Mode", true);
      box.call(editor, "commit");
      assertEquals(false, allowed(box, box.context()), "an incognito key in the default preferences");
      assertEquals(false, allowed(box, null));
      box.call(box.call(box.call(prefs, "edit"), "putBoolean", "pref_Incognito_Mode", false), "commit");
      assertEquals(true, allowed(box, box.context()), "incognito switched off in the preferences");
    }
  }

  @Test
  void diagnosticsNeedTheirOwnSwitchAndTheProgram() throws IOException {
    try (AndroidSandbox box = sandbox("honor-switch")) {
      assertEquals(false, box.callStatic("dev.untrack.inject.Consent", "diagnosticsAllowed", box.context()));
      box.secure("upload_log_pref", 1);
      assertEquals(true, box.callStatic("dev.untrack.inject.Consent", "diagnosticsAllowed", box.context()));
      box.secure("upload_debug_log_pref", 0);
      assertEquals(false, box.callStatic("dev.untrack.inject.Consent", "diagnosticsAllowed", new Object[] {null}));
    }
    try (AndroidSandbox box = sandbox("block")) {
      box.secure("upload_log_pref", 1).secure("upload_debug_log_pref", 1);
      assertEquals(false, box.callStatic("dev.untrack.inject.Consent", "diagnosticsAllowed", box.context()));
    }
  }

  @Test
  void honorSwitchDiagnosticsAndAds() throws IOException {
    try (AndroidSandbox box = sandbox("honor-switch")) {
      box.secure("upload_debug_log_pref", 1);
      assertEquals(false, ask(box, "uploadDebugLog"), "diagnostics need the Program switch");
      box.secure("upload_log_pref", 1);
      assertEquals(true, ask(box, "uploadDebugLog"));
      box.secure("upload_debug_log_pref", null);
      assertEquals(true, ask(box, "uploadDebugLog"), "unset follows the Program switch");
      box.secure("upload_debug_log_pref", 0);
      assertEquals(false, ask(box, "uploadDebugLog"));

      assertEquals(false, ask(box, "personalizedAds"), "unset is off");
      box.global("personalized_ad_enabled", 2);
      assertEquals(false, ask(box, "personalizedAds"), "bit 0x1 clear");
      box.global("personalized_ad_enabled", 3);
      assertEquals(true, ask(box, "personalizedAds"));
    }
  }
}
