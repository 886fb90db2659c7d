package dev.untrack.testkit.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.testkit.DexCompiler;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sandbox runs dex on the JVM against fake Android, and every request lands in the fake network. */
class AndroidSandboxTest {
  private static final String APP = """
      package com.example;
      import android.content.Context;
      import android.provider.Settings;
      import java.io.OutputStream;
      import java.net.HttpURLConnection;
      import java.net.URL;
      public class App {
        public static int send(Context ctx, String host, String payload) throws Exception {
          int uep = Settings.Secure.getInt(ctx.getContentResolver(), "upload_log_pref", -1);
          HttpURLConnection c = (HttpURLConnection) new URL("https://" + host + "/track/v4?uep=" + uep).openConnection();
          c.setRequestMethod("POST");
          c.setDoOutput(true);
          try (OutputStream o = c.getOutputStream()) { o.write(payload.getBytes("UTF-8")); }
          return c.getResponseCode();
        }
        public static void socket() throws Exception { new java.net.Socket("example.org", 80).close(); }
      }
      """;

  @Test
  void requestsAreRecordedAndNeverSent() {
    List<byte[]> dex = DexCompiler.javaToDex(Map.of("com.example.App", APP), List.of(FakeAndroid.jar()), 26);
    try (AndroidSandbox box = AndroidSandbox.of("com.example", dex)) {
      box.secure("upload_log_pref", 0);
      assertEquals(200, box.callStatic("com.example.App", "send", box.context(), "tracking.miui.com", "hello"));
      FakeNetwork.Request r = box.network().sent().get(0);
      assertEquals("https://tracking.miui.com/track/v4?uep=0", r.url());
      assertEquals("POST", r.method());
      assertEquals("hello", r.bodyText());
      assertTrue(r.carries("hello"));

      assertThrows(AndroidSandbox.SandboxException.class,
          () -> box.callStatic("com.example.App", "send", box.context(), "x.telemetry.invalid", "p"));
      assertEquals(List.of("https://x.telemetry.invalid/track/v4?uep=0"), box.network().unresolved());
      assertEquals(1, box.network().sent().size());
      assertThrows(SecurityException.class, () -> box.callStatic("com.example.App", "socket"));
    }
  }

  @Test
  void sandboxesDoNotShareState() {
    List<byte[]> dex = DexCompiler.javaToDex(Map.of("com.example.App", APP), List.of(FakeAndroid.jar()), 26);
    try (AndroidSandbox a = AndroidSandbox.of("com.example", dex);
        AndroidSandbox b = AndroidSandbox.of("com.example", dex)) {
      a.secure("upload_log_pref", 1);
      assertEquals("1", a.secureValue("upload_log_pref"));
      assertEquals(null, b.secureValue("upload_log_pref"));
    }
  }
}
