package dev.untrack.pipeline;

import static dev.untrack.testkit.CliRun.untrack;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.untrack.testkit.CliRun;
import dev.untrack.testkit.Oracle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code untrack demo} through the command line: files, checker verdict, signatures, determinism. */
class DemoTest {
  @TempDir static Path dir;
  static Path out;
  static CliRun first;

  static Map<String, byte[]> files(Path root) throws Exception {
    Map<String, byte[]> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        m.put(root.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return m;
  }

  @BeforeAll
  static void runDemo() {
    out = dir.resolve("demo");
    first = untrack("demo", "-o", out.toString(), "--json");
    assertEquals(0, first.code(), first.err());
  }

  @Test
  void reportsEveryAppPatchedAndNoLiveTelemetryLeft() {
    JsonObject r = JsonParser.parseString(first.out()).getAsJsonObject();
    assertTrue(r.get("liveBefore").getAsLong() > 0, first.out());
    assertEquals(0, r.get("liveAfter").getAsLong(), first.out());
    assertEquals(3, r.getAsJsonArray("apps").size());
    for (JsonElement e : r.getAsJsonArray("apps")) {
      JsonObject a = e.getAsJsonObject();
      assertTrue(a.getAsJsonArray("patches").size() >= 3, a.toString());
      if (!a.get("packageName").isJsonNull()) {
        assertTrue(a.get("liveBefore").getAsLong() > 0, a.toString());
      }
      assertEquals(0, a.get("liveAfter").getAsLong(), a.toString());
      assertTrue(Files.isRegularFile(out.resolve(a.get("original").getAsString())));
      assertTrue(Files.isRegularFile(out.resolve(a.get("patched").getAsString())));
    }
    JsonObject browser = r.getAsJsonArray("apps").get(0).getAsJsonObject();
    assertTrue(browser.get("signing").getAsString().startsWith("resign"), browser.toString());
    assertTrue(browser.getAsJsonArray("patches").toString().contains("browser.dispatcher"), browser.toString());
    JsonObject joyose = r.getAsJsonArray("apps").get(1).getAsJsonObject();
    assertEquals("keep-cert", joyose.get("signing").getAsString());
    assertTrue(Files.isRegularFile(out.resolve("report.txt")));
    assertTrue(Files.isRegularFile(out.resolve("report.json")));
  }

  @Test
  void buildsInspectsAndScansTheFirmware() {
    JsonObject rom = JsonParser.parseString(first.out()).getAsJsonObject().getAsJsonObject("rom");
    assertTrue(Files.isRegularFile(out.resolve(rom.get("firmware").getAsString())), rom.toString());
    String summary = rom.getAsJsonArray("summary").toString();
    assertTrue(summary.contains("system_a:/system/app/Joyose/Joyose.apk"), summary);
    assertTrue(summary.contains("product_a:/app/MintBrowser/MintBrowser.apk"), summary);
    assertTrue(summary.contains("checker on the firmware: 13 live telemetry call sites"), summary);
    assertFalse(rom.getAsJsonArray("patched").isEmpty(), rom.toString());
    for (JsonElement p : rom.getAsJsonArray("patched")) {
      assertTrue(Files.isRegularFile(out.resolve(p.getAsString())), rom.toString());
    }
    // The ROM step ran for real: untrack patch's own checker verdict on what it wrote.
    assertTrue(rom.get("note").getAsString().contains("live telemetry call sites"), rom.toString());
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("checker: live call sites: (\\d+) \\(input: (\\d+)\\)")
        .matcher(summary);
    long before = 0;
    while (m.find()) {
      assertEquals("0", m.group(1), summary);
      before += Long.parseLong(m.group(2));
    }
    assertEquals(13, before, summary);
  }

  @Test
  void patchedPartitionImagesPassFsck() throws Exception {
    JsonObject rom = JsonParser.parseString(first.out()).getAsJsonObject().getAsJsonObject("rom");
    Oracle.require("fsck.erofs", "erofs-utils");
    int images = 0;
    for (JsonElement p : rom.getAsJsonArray("patched")) {
      Path file = out.resolve(p.getAsString());
      // The patched fastboot package: its system and product, read back through the firmware reader.
      try (dev.untrack.rom.firmware.Firmware fw = dev.untrack.rom.firmware.FirmwareReader.open(file,
          dev.untrack.rom.firmware.FirmwareReader.Options.in(Files.createTempDirectory(dir, "spool")))) {
        for (String name : List.of("system_a", "product_a")) {
          Path img = dir.resolve("patched-" + name + ".img");
          try (java.io.InputStream in = fw.partition(name).orElseThrow().content().openStream()) {
            Files.copy(in, img, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          }
          images++;
          fsck(img);
        }
      }
    }
    assertTrue(images >= 2, rom.toString());
  }

  static void fsck(Path img) throws Exception {
    Oracle.run(dir, Duration.ofMinutes(2), List.of("fsck.erofs", img.toString())).assertOk("fsck.erofs " + img);
  }

  @Test
  void appsOnlySkipsTheFirmware() {
    CliRun r = untrack("demo", "-o", dir.resolve("apps-only").toString(), "--apps-only", "--json");
    assertEquals(0, r.code(), r.err());
    assertTrue(JsonParser.parseString(r.out()).getAsJsonObject().get("rom").isJsonNull(), r.out());
    assertFalse(Files.exists(dir.resolve("apps-only/firmware")));
  }

  @Test
  void textReportTellsTheStory() throws Exception {
    String text = Files.readString(out.resolve("report.txt"));
    assertTrue(text.contains("total live telemetry call sites: "), text);
    assertTrue(text.contains("-> 0 (none left)"), text);
    assertTrue(text.contains("signing: keep-cert"), text);
  }

  @Test
  void resignedBrowserVerifiesWithApksigner() throws Exception {
    Path tool = Oracle.require("apksigner", "apksigner");
    for (Path apk : List.of(out.resolve("patched/MintBrowser.apk"), out.resolve("original/MintBrowser.apk"),
        out.resolve("original/Joyose.apk"))) {
      String v = Oracle.run(null, Duration.ofMinutes(2), List.of(tool.toString(), "verify", "-v", apk.toString()))
          .assertOk("apksigner verify " + apk).stdout();
      assertTrue(v.contains("Verifies"), v);
    }
  }

  @Test
  void keepCertCarriesTheOriginalSignatureFiles() throws Exception {
    try (java.util.zip.ZipFile a = new java.util.zip.ZipFile(out.resolve("original/Joyose.apk").toFile());
        java.util.zip.ZipFile b = new java.util.zip.ZipFile(out.resolve("patched/Joyose.apk").toFile())) {
      for (String name : List.of("META-INF/CERT.RSA", "META-INF/CERT.SF", "META-INF/MANIFEST.MF")) {
        assertArrayEquals(a.getInputStream(a.getEntry(name)).readAllBytes(),
            b.getInputStream(b.getEntry(name)).readAllBytes(), name);
      }
    }
  }

  @Test
  void secondRunWritesIdenticalBytes() throws Exception {
    Map<String, byte[]> before = files(out);
    Path copy = dir.resolve("second");
    CliRun again = untrack("demo", "-o", copy.toString());
    assertEquals(0, again.code(), again.err());
    Map<String, byte[]> after = files(copy);
    assertEquals(before.keySet(), after.keySet());
    for (String name : before.keySet()) {
      if (name.equals("report.json") || name.equals("report.txt")) {
        continue; // they name the output directory
      }
      assertArrayEquals(before.get(name), after.get(name), name);
    }
    // A rerun into the same directory replaces it with the same bytes.
    CliRun rerun = untrack("demo", "-o", copy.toString());
    assertEquals(0, rerun.code(), rerun.err());
    Map<String, byte[]> third = files(copy);
    for (String name : after.keySet()) {
      assertArrayEquals(after.get(name), third.get(name), name);
    }
    assertTrue(rerun.out().contains("done in"), rerun.out());
  }

  @Test
  void refusesToReplaceADirectoryItDidNotMake() throws Exception {
    Path mine = Files.createDirectories(dir.resolve("mine"));
    Files.writeString(mine.resolve("precious.txt"), "keep me");
    CliRun r = untrack("demo", "-o", mine.toString());
    assertEquals(6, r.code(), r.err());
    assertTrue(r.err().contains("not made by untrack demo"), r.err());
    assertEquals("keep me", Files.readString(mine.resolve("precious.txt")));
    try (Stream<Path> s = Files.list(dir)) {
      assertFalse(s.anyMatch(p -> p.getFileName().toString().contains(".tmp-")), "no work directory left behind");
    }
  }
}
