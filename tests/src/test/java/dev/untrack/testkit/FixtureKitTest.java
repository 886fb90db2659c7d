package dev.untrack.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.apk.AndroidManifest;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.zip.ZipArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fixture kit produces what real tools accept: our parser, dexdump and apksigner. */
class FixtureKitTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void manifestRoundTripsThroughOurParser(boolean utf8) throws IOException {
    ManifestBuilder m = ManifestBuilder.of("com.miui.analytics")
        .version(2024010100, "2024.1.1")
        .sharedUserId("android.uid.system")
        .sdk(28, 34)
        .permission("android.permission.INTERNET")
        .component("service", ".AnalyticsService", true, "com.miui.action.ANALYTICS_SERVICE")
        .component("activity", "com.miui.analytics.Main", null);
    if (utf8) {
      m.utf8Strings();
    }
    AndroidManifest parsed = AndroidManifest.parse(m.build(), "AndroidManifest.xml");
    assertEquals("com.miui.analytics", parsed.packageName());
    assertEquals(2024010100L, parsed.versionCode());
    assertEquals("2024.1.1", parsed.versionName());
    assertEquals("android.uid.system", parsed.sharedUserId());
    assertEquals(28, parsed.minSdk());
    assertEquals(34, parsed.targetSdk());
    assertEquals(List.of("android.permission.INTERNET"), parsed.usesPermissions());
    assertEquals(2, parsed.components().size());
    AndroidManifest.Component svc = parsed.components().get(0);
    assertEquals("com.miui.analytics.AnalyticsService", svc.name());
    assertEquals(Boolean.TRUE, svc.exported());
    assertEquals(List.of("com.miui.action.ANALYTICS_SERVICE"), svc.actions());
    assertNull(parsed.components().get(1).exported());
  }

  @Test
  void javaFixtureBecomesDexThatDexdumpReads() throws IOException {
    List<byte[]> dex = DexCompiler.javaToDex(Map.of("com.example.Hello",
        "package com.example; public class Hello { public static String hi(String who) { return \"hi \" + who; } }"),
        List.of(), 26);
    assertEquals(1, dex.size());
    Path f = Files.write(tmp.resolve("classes.dex"), dex.get(0));
    Path dexdump = Oracle.require("dexdump", "dexdump");
    Oracle.Result r = Oracle.run(tmp, dexdump.toString(), f.toString()).assertOk("dexdump");
    assertTrue(r.stdout().contains("Lcom/example/Hello;"), r.stdout());
  }

  @Test
  void smaliFixtureAssembles() {
    byte[] dex = DexCompiler.smaliToDex(List.of(
        ".class public Lcom/example/S;\n.super Ljava/lang/Object;\n"
            + ".method public static f()I\n.registers 1\nconst/4 v0, 0x1\nreturn v0\n.end method\n"), 26);
    assertEquals("dex\n", new String(dex, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
  }

  @Test
  void signedFixtureApkVerifiesWithApksigner() throws IOException {
    List<byte[]> dex = DexCompiler.javaToDex(Map.of("com.example.A",
        "package com.example; public class A { }"), List.of(), 26);
    Path apk = ApkBuilder.create()
        .manifest(ManifestBuilder.of("com.example").build())
        .dex(dex)
        .resourcesArsc(new byte[] {1, 2, 3, 4, 5})
        .nativeLib("arm64-v8a", "libx.so", new byte[10_000])
        .signedWith(TestKeys.generate("vendor"), 26)
        .write(tmp.resolve("app.apk"));
    Path apksigner = Oracle.require("apksigner", "apksigner");
    Oracle.run(tmp, apksigner.toString(), "verify", "--min-sdk-version", "26", apk.toString()).assertOk("apksigner verify");
    try (ZipArchive z = ZipArchive.open(FileByteSource.open(apk))) {
      assertTrue(z.apkSigningBlock().isPresent());
      assertEquals(0, z.entry("resources.arsc").orElseThrow().dataOffset() % 4);
      assertEquals(0, z.entry("lib/arm64-v8a/libx.so").orElseThrow().dataOffset() % 4096);
      assertFalse(z.entry("META-INF/MANIFEST.MF").isEmpty());
    }
  }
}
