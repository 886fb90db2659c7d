package dev.untrack.testkit;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Realistic fixture apps for patcher tests: several dex files compiled by javac and D8 (like a real multidex
 * app), a binary manifest (optionally with {@code sharedUserId}), compressed and stored entries, a resource
 * table, page-aligned native libraries, and a vendor signature (v1+v2+v3). The code is plain Java so patched
 * methods can be run on the JVM with {@link DexRunner}.
 */
public final class FixtureApps {
  private FixtureApps() {}

  /** A telemetry SDK as found in vendor apps: events, switches, endpoints. classes.dex. */
  public static final Map<String, String> TRACKER = Map.of(
      "com.example.track.Tracker", """
          package com.example.track;
          import java.util.ArrayList;
          import java.util.List;
          public class Tracker implements Sink {
            public static int sent;
            public static final List<String> QUEUE = new ArrayList<>();
            private final String name;
            public Tracker(String name) { this.name = name; }
            public void track(String event) { QUEUE.add(name + ":" + event); sent++; }
            public boolean isEnabled() { return true; }
            public int level() { return 3; }
            public String endpoint() { return "https://tracking.example.com/track/v4?app=" + name; }
            public static String host() { return "tracking.example.com"; }
            public List<String> pending() { return new ArrayList<>(QUEUE); }
            public long mix(int a, long b, String c, double d) {
              long x = a + b + c.length();
              QUEUE.add("mix" + x);
              return x + (long) d;
            }
            public static void upload(Object context, String payload) { QUEUE.add("upload:" + payload); sent++; }
            public int[] codes() { return new int[] {1, 2, 3}; }
            public int wide(long a, long b, long c, long d, long e, long f, long g, long h, long i) {
              long s = a + b + c + d + e + f + g + h + i;
              int x0 = 1, x1 = 2, x2 = 3, x3 = 4, x4 = 5, x5 = 6;
              QUEUE.add("wide" + s);
              return (int) s + x0 + x1 + x2 + x3 + x4 + x5;
            }
          }
          """,
      "com.example.track.Sink", """
          package com.example.track;
          public interface Sink {
            void track(String event);
          }
          """,
      "com.example.track.Switch", """
          package com.example.track;
          public final class Switch {
            private Switch() {}
            public static boolean uploadAllowed(String key) { return !"off".equals(key); }
          }
          """);

  /** App code that calls the SDK. classes2.dex. */
  public static final Map<String, String> APP = Map.of(
      "com.example.app.Main", """
          package com.example.app;
          import com.example.track.Tracker;
          public class Main {
            public static String run() {
              Tracker t = new Tracker("main");
              t.track("open");
              return t.endpoint() + "|" + t.isEnabled() + "|" + t.level();
            }
            public static String config() { return "https://tracking.example.com/config"; }
          }
          """);

  /** A third dex with unrelated code, which must stay byte-identical. */
  public static final Map<String, String> UTIL = Map.of(
      "com.example.util.Strings", """
          package com.example.util;
          public final class Strings {
            private Strings() {}
            public static String join(String a, String b) { return a + "," + b; }
          }
          """);

  private static List<byte[]> dexFiles;

  /**
   * The three dex files: classes.dex (tracker), classes2.dex (app), classes3.dex (util). Compiled once per JVM
   * (one javac + D8 run, split by package as a multidex build would place them).
   */
  public static synchronized List<byte[]> dexFiles() {
    if (dexFiles == null) {
      java.util.Map<String, String> all = new java.util.HashMap<>(TRACKER);
      all.putAll(APP);
      all.putAll(UTIL);
      byte[] dex = DexCompiler.javaToDex(all, List.of(), 26).get(0);
      dexFiles = List.of(onlyClasses(dex, "Lcom/example/track/"), onlyClasses(dex, "Lcom/example/app/"),
          onlyClasses(dex, "Lcom/example/util/"));
    }
    return dexFiles;
  }

  private static byte[] onlyClasses(byte[] dex, String prefix) {
    try {
      org.jf.dexlib2.dexbacked.DexBackedDexFile f =
          new org.jf.dexlib2.dexbacked.DexBackedDexFile(org.jf.dexlib2.Opcodes.forApi(26), dex);
      org.jf.dexlib2.writer.pool.DexPool pool = new org.jf.dexlib2.writer.pool.DexPool(f.getOpcodes());
      for (org.jf.dexlib2.iface.ClassDef c : f.getClasses()) {
        if (c.getType().startsWith(prefix)) {
          pool.internClass(c);
        }
      }
      org.jf.dexlib2.writer.io.MemoryDataStore store = new org.jf.dexlib2.writer.io.MemoryDataStore();
      pool.writeTo(store);
      return store.getData();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A signed APK with the fixture dex files and the usual other entries. */
  public static byte[] apk(String packageName, String sharedUserId, TestKeys.SigningKey vendor) {
    ManifestBuilder m = ManifestBuilder.of(packageName).version(42, "4.2").sdk(26, 33)
        .permission("android.permission.INTERNET")
        .component("service", ".TrackService", false, "com.example.action.TRACK");
    if (sharedUserId != null) {
      m.sharedUserId(sharedUserId);
    }
    ApkBuilder b = ApkBuilder.create()
        .manifest(m.build())
        .dex(dexFiles())
        .resourcesArsc(pattern(3000, 7))
        .deflated("res/layout/main.xml", "<LinearLayout/>".repeat(40).getBytes(StandardCharsets.UTF_8))
        .stored("assets/config.bin", pattern(777, 3))
        .nativeLib("arm64-v8a", "libtrack.so", pattern(9000, 11))
        .nativeLib("armeabi-v7a", "libtrack.so", pattern(5000, 13));
    if (vendor != null) {
      b.signedWith(vendor, 26);
    }
    return b.build();
  }

  static byte[] pattern(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * seed + (i >> 5));
    }
    return b;
  }
}
