package dev.untrack.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.untrack.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code untrack scan} as a user runs it: formats, output file, exit codes for CI. */
class ScanCommandTest {
  @TempDir static Path dir;
  static Path before;
  static Path after;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @BeforeAll
  static void apps() throws IOException {
    BaselineTest.build();
    before = Files.createDirectories(dir.resolve("before/app"));
    after = Files.createDirectories(dir.resolve("after/app"));
    Files.write(before.resolve("Browser.apk"), BaselineTest.original);
    Files.write(after.resolve("Browser.apk"), BaselineTest.patched);
  }

  @Test
  void failOnHighGatesCi() {
    Run r = run("scan", before.toString(), "--fail-on", "high");
    assertEquals(1, r.code(), r.err());
    assertTrue(r.out().contains("3 live call sites"), r.out());
    Run ok = run("scan", after.toString(), "--fail-on", "high");
    assertEquals(0, ok.code(), ok.out() + ok.err());
    assertTrue(ok.out().contains("0 live call sites"), ok.out());
    assertEquals(0, run("scan", before.toString()).code(), "no --fail-on: findings do not fail");
  }

  @Test
  void jsonToAFileAndBaseline() throws IOException {
    Path out = dir.resolve("r.json");
    Run r = run("scan", after.getParent().toString(), "--baseline", before.getParent().toString(), "--format", "json",
        "-o", out.toString(), "--threads", "2");
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.out());
    var root = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
    assertEquals(3, root.getAsJsonObject("baseline").getAsJsonObject("summary").get("liveRemoved").getAsInt());
    assertEquals(0, root.getAsJsonObject("summary").getAsJsonObject("callSites").get("live").getAsInt());
    try (var files = Files.list(dir)) {
      assertFalse(files.anyMatch(p -> p.getFileName().toString().contains("untrack-tmp")), "no temp file left");
    }
    Run text = run("scan", after.getParent().toString(), "--baseline", before.getParent().toString());
    assertTrue(text.out().contains("live call sites: 3 before, 0 after (3 removed, 0 new)"), text.out());
  }

  @Test
  void badInputsAndBadFlags() throws IOException {
    assertEquals(3, run("scan", dir.resolve("missing.apk").toString()).code());
    Path img = Files.write(dir.resolve("super.img"), new byte[64]);
    Run r = run("scan", img.toString());
    assertEquals(3, r.code());
    assertTrue(r.err().contains("not an APK"), r.err());
    assertEquals(2, run("scan", before.toString(), "--fail-on", "bogus").code());
    assertEquals(2, run("scan", before.toString(), "--format", "pdf").code());
    Path badPack = Files.writeString(dir.resolve("pack.json"), "[]");
    assertEquals(3, run("scan", before.toString(), "--trackers", badPack.toString()).code());
  }
}
