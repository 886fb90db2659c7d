package dev.untrack.checker;

import dev.untrack.checker.input.ItemKind;
import dev.untrack.checker.input.ScanItem;
import dev.untrack.checker.report.AppReport;
import dev.untrack.checker.report.CallSite;
import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.testkit.ApkBuilder;
import dev.untrack.testkit.DexCompiler;
import dev.untrack.testkit.ManifestBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small pattern-focused fixtures for the checker: fake Android framework classes to compile against (kept out
 * of the dex, as the real framework is), minimal stand-ins for SDK entry points, and helpers to scan an app
 * built in memory. The SDK stand-ins carry only the API shape the checker keys on; realistic SDK mimics live
 * with the patch catalogue.
 */
final class CheckerFixtures {
  private static Path stubs;

  private CheckerFixtures() {}

  /** android.content.Context/ContentResolver and android.provider.Settings, compiled once per JVM. */
  static synchronized Path androidStubs() {
    if (stubs == null) {
      try {
        // under target/, so the build cleans it (a temp dir with files in it is not removed on exit)
        Path dir = Files.createDirectories(Path.of("target", "checker-android-stubs").toAbsolutePath());
        Map<String, String> src = new LinkedHashMap<>();
        src.put("android.content.ContentResolver", "package android.content; public class ContentResolver {}");
        src.put("org.json.JSONObject", "package org.json; public class JSONObject {}");
        src.put("android.content.Context", "package android.content; public abstract class Context {"
            + " public abstract ContentResolver getContentResolver(); }");
        StringBuilder settings = new StringBuilder("package android.provider; import android.content.ContentResolver;"
            + " public final class Settings { public static class SettingNotFoundException extends Exception {}");
        for (String ns : List.of("Secure", "System", "Global")) {
          settings.append(" public static final class ").append(ns).append(" {")
              .append(" public static int getInt(ContentResolver cr, String k, int d) { throw new RuntimeException(); }")
              .append(" public static int getInt(ContentResolver cr, String k) throws SettingNotFoundException {"
                  + " throw new RuntimeException(); }")
              .append(" public static String getString(ContentResolver cr, String k) { throw new RuntimeException(); }")
              .append(" public static boolean putInt(ContentResolver cr, String k, int v) { throw new RuntimeException(); }")
              .append(" }");
        }
        settings.append(" }");
        src.put("android.provider.Settings", settings.toString());
        DexCompiler.compileJava(src, List.of(), dir);
        stubs = dir;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return stubs;
  }

  /** Minimal Sensors Analytics stand-in: the entry points queue the event (a side effect). */
  static final String SENSORS = "package com.sensorsdata.analytics.android.sdk; import java.util.*;"
      + " public class SensorsDataAPI { private static final SensorsDataAPI I = new SensorsDataAPI();"
      + " private final List<String> queue = new ArrayList<>();"
      + " public static SensorsDataAPI sharedInstance() { return I; }"
      + " public void track(String e, Map<String, Object> p) { queue.add(e); }"
      + " public void trackTimerEnd(String e) { track(e, null); }"
      + " public void login(String id) { queue.add(id); }"
      + " public void flush() { queue.clear(); } }";

  /** Minimal MiStat stand-in. */
  static final String MISTAT = "package com.xiaomi.mistatistic.sdk; import java.util.*;"
      + " public class MiStatInterface { static final List<String> Q = new ArrayList<>();"
      + " public static void recordCountEvent(String c, String k) { Q.add(c + k); } }";

  static Map<String, String> sources(String... nameThenSource) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < nameThenSource.length; i += 2) {
      m.put(nameThenSource[i], nameThenSource[i + 1]);
    }
    return m;
  }

  static List<byte[]> java(Map<String, String> sources) {
    return DexCompiler.javaToDex(sources, List.of(androidStubs()), 26);
  }

  static List<byte[]> smali(String... classes) {
    return List.of(DexCompiler.smaliToDex(List.of(classes), 26));
  }

  static byte[] apk(String pkg, List<byte[]> dex) {
    return ApkBuilder.create().manifest(ManifestBuilder.of(pkg).build()).dex(dex).build();
  }

  static ScanItem item(String path, byte[] bytes) {
    ItemKind kind = ItemKind.classify(path, java.util.Arrays.copyOf(bytes, Math.min(4, bytes.length)), bytes.length);
    return new ScanItem(path, kind, bytes.length, () -> new ArrayByteSource(bytes, path));
  }

  static AppReport scan(String path, byte[] bytes) {
    return new Checker(ScanOptions.defaults().withThreads(1)).scanApp(item(path, bytes));
  }

  static AppReport scanApk(String pkg, List<byte[]> dex) {
    return scan(pkg + ".apk", apk(pkg, dex));
  }

  /** The call sites made from a caller method (by simple method name) in class {@code cls}. */
  static List<CallSite> sitesIn(AppReport r, String cls, String method) {
    return r.callSites().stream()
        .filter(c -> c.callerClass().equals(cls) && c.callerMethod().startsWith(method + "("))
        .toList();
  }
}
