package dev.untrack.checker;

import static dev.untrack.testkit.CliRun.untrack;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.untrack.testkit.CliRun;
import java.io.IOException;
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
    CliRun r = untrack("scan", before.toString(), "--fail-on", "high");
    assertEquals(1, r.code(), r.err());
    assertTrue(r.out().contains("3 live call sites"), r.out());
    CliRun ok = untrack("scan", after.toString(), "--fail-on", "high");
    assertEquals(0, ok.code(), ok.out() + ok.err());
    assertTrue(ok.out().contains("0 live call sites"), ok.out());
    assertEquals(0, untrack("scan", before.toString()).code(), "no --fail-on: findings do not fail");
  }

  @Test
  void jsonToAFileAndBaseline() throws IOException {
    Path out = dir.resolve("r.json");
    CliRun r = untrack("scan", after.getParent().toString(), "--baseline", before.getParent().toString(), "--format", "json",
        "-o", out.toString(), "--threads", "2");
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.out());
    var root = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
    assertEquals(3, root.getAsJsonObject("baseline").getAsJsonObject("summary").get("liveRemoved").getAsInt());
    assertEquals(0, root.getAsJsonObject("summary").getAsJsonObject("callSites").get("live").getAsInt());
    try (var files = Files.list(dir)) {
      assertFalse(files.anyMatch(p -> p.getFileName().toString().contains("untrack-tmp")), "no temp file left");
    }
    CliRun text = untrack("scan", after.getParent().toString(), "--baseline", before.getParent().toString());
    assertTrue(text.out().contains("live call sites: 3 before, 0 after (3 removed, 0 new)"), text.out());
  }

  @Test
  void badInputsAndBadFlags() throws IOException {
    assertEquals(3, untrack("scan", dir.resolve("missing.apk").toString()).code());
    Path img = Files.write(dir.resolve("super.img"), new byte[64]);
    CliRun r = untrack("scan", img.toString());
    assertEquals(3, r.code());
    assertTrue(r.err().contains("not an APK"), r.err());
    assertEquals(2, untrack("scan", before.toString(), "--fail-on", "bogus").code());
    assertEquals(2, untrack("scan", before.toString(), "--format", "pdf").code());
    Path badPack = Files.writeString(dir.resolve("pack.json"), "[]");
    assertEquals(3, untrack("scan", before.toString(), "--trackers", badPack.toString()).code());
  }
}
