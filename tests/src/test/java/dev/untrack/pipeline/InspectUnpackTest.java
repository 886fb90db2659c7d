package dev.untrack.pipeline;

import static dev.untrack.testkit.CliRun.untrack;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.lp.LpFormat;
import dev.untrack.rom.lp.SuperWriter;
import dev.untrack.testkit.ApkBuilder;
import dev.untrack.testkit.CliRun;
import dev.untrack.testkit.DexCompiler;
import dev.untrack.testkit.FastbootPackageBuilder;
import dev.untrack.testkit.FsFixtures;
import dev.untrack.testkit.ManifestBuilder;
import dev.untrack.testkit.OracleImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code untrack inspect} and {@code unpack} on a fastboot package: tgz → sparse super → LP → EROFS → apps. */
class InspectUnpackTest {
  static final String LABEL = "u:object_r:system_file:s0";
  @TempDir static Path dir;
  static Path rom;
  static byte[] browserApk;

  static byte[] dexDefining(String... descriptors) {
    List<String> classes = new ArrayList<>();
    for (String d : descriptors) {
      classes.add(".class public " + d + "\n.super Ljava/lang/Object;\n");
    }
    return DexCompiler.smaliToDex(classes, 26);
  }

  @BeforeAll
  static void firmware() throws IOException {
    browserApk = ApkBuilder.create()
        .manifest(ManifestBuilder.of("com.mi.globalbrowser").version(12, "12.1.4").build())
        .dex(List.of(dexDefining("La/b/c;", "Lcom/sensorsdata/analytics/android/sdk/SensorsDataAPI;",
            "Lcom/xiaomi/mistatistic/sdk/MiStatInterface;")))
        .build();
    byte[] analytics = ApkBuilder.create()
        .manifest(ManifestBuilder.of("com.miui.analytics").sharedUserId("android.uid.system").build())
        .dex(List.of(dexDefining("Lcom/xiaomi/onetrack/OneTrack;")))
        .build();
    byte[] odexed = ApkBuilder.create().manifest(ManifestBuilder.of("com.miui.notes").build()).build();
    byte[] jar = ApkBuilder.create().dex(List.of(dexDefining("Lcom/xiaomi/stat/MiStat;"))).build();
    FsFixtures.Tree tree = new FsFixtures.Tree()
        .file("system/priv-app/MiBrowserGlobal/MiBrowserGlobal.apk", browserApk)
        .file("system/app/AnalyticsCore/AnalyticsCore.apk", analytics)
        .file("system/app/Notes/Notes.apk", odexed)
        .file("system/app/Notes/oat/arm64/Notes.odex", new byte[] {1, 2, 3})
        .file("system/framework/miuistatssdksharedv3.jar", jar)
        .file("system/etc/hosts", "127.0.0.1 localhost\n".getBytes(StandardCharsets.US_ASCII))
        .symlink("system/bin/sh", "/system/bin/mksh")
        .symlink("system/etc/hosts.link", "hosts");
    tree.label("system/priv-app/MiBrowserGlobal/MiBrowserGlobal.apk", LABEL)
        .owner("system/priv-app/MiBrowserGlobal/MiBrowserGlobal.apk", 0, 0)
        .mode("system/priv-app/MiBrowserGlobal/MiBrowserGlobal.apk", 0644);
    Path work = Files.createDirectories(dir.resolve("work"));
    Path erofs = FsFixtures.erofs(tree, work, "system", List.of("-zlz4hc"));
    Path rawSuper = dir.resolve("super.raw");
    try (FileByteSource sys = FileByteSource.open(erofs)) {
      SuperWriter.create(8L << 20, 65536, 2).virtualAb()
          .group("main_a", 6L << 20).group("main_b", 6L << 20)
          .addPartition("system_a", "main_a", LpFormat.PARTITION_ATTR_READONLY, sys)
          .addPartition("system_b", "main_b", LpFormat.PARTITION_ATTR_READONLY, 0, null)
          .layout().writeRawTo(rawSuper);
    }
    Path sparse = OracleImages.img2simg(rawSuper, dir.resolve("super.img"));
    rom = new FastbootPackageBuilder().root("testdev_images_V1.0").image("super.img", sparse)
        .flashAllScript().build(dir.resolve("testdev_images_V1.0.tgz"), FastbootPackageBuilder.Format.TGZ);
  }

  static JsonObject app(JsonArray apps, String location) {
    for (JsonElement e : apps) {
      if (e.getAsJsonObject().get("location").getAsString().equals(location)) {
        return e.getAsJsonObject();
      }
    }
    throw new AssertionError("no app " + location + " in " + apps);
  }

  static List<String> strings(JsonElement array) {
    List<String> out = new ArrayList<>();
    array.getAsJsonArray().forEach(e -> out.add(e.getAsString()));
    return out;
  }

  @Test
  void inspectListsPartitionsAppsAndTheirSdks() {
    CliRun r = untrack("inspect", rom.toString(), "--json", "--work-dir", dir.toString());
    assertEquals(0, r.code(), r.err());
    JsonObject report = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals("FASTBOOT_PACKAGE", report.get("kind").getAsString());
    JsonArray parts = report.getAsJsonArray("partitions");
    JsonObject system = null;
    for (JsonElement p : parts) {
      if (p.getAsJsonObject().get("name").getAsString().equals("system_a")) {
        system = p.getAsJsonObject();
      }
    }
    assertEquals("EROFS", system.get("type").getAsString());
    assertEquals("super", system.get("parent").getAsString());
    JsonArray apps = report.getAsJsonArray("apps");
    assertEquals(4, apps.size(), apps.toString());
    JsonObject browser = app(apps, "system_a:/system/priv-app/MiBrowserGlobal/MiBrowserGlobal.apk");
    assertEquals("com.mi.globalbrowser", browser.get("packageName").getAsString());
    assertEquals(List.of("mistat", "sensors"), strings(browser.get("sdks")));
    assertEquals(1, browser.get("dexFiles").getAsInt());
    JsonObject core = app(apps, "system_a:/system/app/AnalyticsCore/AnalyticsCore.apk");
    assertEquals("android.uid.system", core.get("sharedUserId").getAsString());
    assertEquals(List.of("onetrack"), strings(core.get("sdks")));
    JsonObject notes = app(apps, "system_a:/system/app/Notes/Notes.apk");
    assertTrue(notes.get("odexed").getAsBoolean());
    JsonObject jar = app(apps, "system_a:/system/framework/miuistatssdksharedv3.jar");
    assertTrue(jar.get("packageName").isJsonNull());
    assertEquals(List.of("mistat-v3"), strings(jar.get("sdks")));

    CliRun text = untrack("inspect", rom.toString(), "--work-dir", dir.toString());
    assertEquals(0, text.code(), text.err());
    assertTrue(text.out().contains("4 apps and jars; 3 define telemetry SDK code"), text.out());
  }

  @Test
  void unpackWritesTreesAndAManifestThatKeepsWhatHostsLose() throws IOException {
    Path out = dir.resolve("unpacked");
    CliRun r = untrack("unpack", rom.toString(), "-o", out.toString(), "--partitions", "system_a", "--images",
        "--work-dir", dir.toString());
    assertEquals(0, r.code(), r.err());
    Path apk = out.resolve("system_a/system/priv-app/MiBrowserGlobal/MiBrowserGlobal.apk");
    assertArrayEquals(browserApk, Files.readAllBytes(apk));
    assertTrue(Files.isRegularFile(out.resolve("images/system_a.img")));
    assertTrue(Files.isSymbolicLink(out.resolve("system_a/system/etc/hosts.link")), "inside link created");
    assertFalse(Files.exists(out.resolve("system_a/system/bin/sh"), java.nio.file.LinkOption.NOFOLLOW_LINKS),
        "a link pointing outside the tree is not created");
    assertTrue(r.out().contains("points outside the tree"), r.out());
    List<String> meta = Files.readAllLines(out.resolve("system_a.files.jsonl"));
    JsonObject apkMeta = meta.stream().map(l -> JsonParser.parseString(l).getAsJsonObject())
        .filter(o -> o.get("path").getAsString().endsWith("MiBrowserGlobal.apk")).findFirst().orElseThrow();
    assertEquals(LABEL, apkMeta.get("selinux").getAsString());
    assertEquals("0644", apkMeta.get("mode").getAsString());
    assertTrue(meta.stream().anyMatch(l -> l.contains("\"symlink\":\"/system/bin/mksh\"")));
    assertTrue(Files.readString(out.resolve("partitions.json")).contains("\"system_a\""));
  }

  @Test
  void unpackFailureLeavesNothingBehind() throws IOException {
    Path out = dir.resolve("nothing");
    CliRun r = untrack("unpack", rom.toString(), "-o", out.toString(), "--partitions", "vendor_a",
        "--work-dir", dir.toString());
    assertEquals(3, r.code(), r.err());
    assertTrue(r.err().startsWith("untrack: ") && r.err().contains("no partition named 'vendor_a'"), r.err());
    assertEquals(1, r.err().strip().lines().count(), "one line, no stack trace");
    assertFalse(Files.exists(out));
    try (Stream<Path> s = Files.list(dir)) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".nothing.")), "no temp dir left");
    }
  }
}
