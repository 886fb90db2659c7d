package dev.untrack.patcher;

import static dev.untrack.testkit.CliRun.untrack;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.untrack.cli.Main;
import dev.untrack.testkit.CliRun;
import dev.untrack.testkit.FixtureApps;
import dev.untrack.testkit.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code untrack patch} and {@code untrack patches} through {@link Main#run}. */
class CliPatchTest {
  @TempDir static Path dir;
  static Path apk;

  static final String TRACK = """
      patch test.track
        title   Drop tracked events
        why     The fixture SDK queues every event for upload.
        source  test fixture
        apps    defines Lcom/example/track/Tracker;
        match track
          class  Lcom/example/track/Tracker;
          name   track
          access public !static
        action track return-default
        verify track neutralized
      """;

  @BeforeAll
  static void build() throws Exception {
    apk = Files.write(dir.resolve("app.apk"), FixtureApps.apk("com.example.app", null, TestKeys.generate("vendor")));
  }

  static Path patchDir(String name, String... texts) throws Exception {
    Path d = Files.createDirectories(dir.resolve(name));
    for (int i = 0; i < texts.length; i++) {
      Files.writeString(d.resolve("p" + i + ".smalipatch"), texts[i]);
    }
    return d;
  }

  @Test
  void patchesOneMethodAndSaysWhich() throws Exception {
    Path out = dir.resolve("out.apk");
    CliRun r = untrack("patch", apk.toString(), "-o", out.toString(), "--patches", patchDir("one", TRACK).toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("applied test.track: Drop tracked events"), r.out());
    assertTrue(r.out().contains("Lcom/example/track/Tracker;->track(Ljava/lang/String;)V  [classes.dex]"), r.out());
    assertTrue(r.out().contains("changed: classes.dex"), r.out());
    assertTrue(Files.isRegularFile(out));
  }

  static final String OTHER = """
      patch test.other
        title   Targets another SDK
        why     Not in this app.
        source  test fixture
        apps    defines Lcom/example/absent/Sdk;
        match go
          class  Lcom/example/absent/Sdk;
          name   go
        action go return-default
        verify go neutralized
      """;

  @Test
  void notApplicablePatchesAreCountedUnlessVerbose() throws Exception {
    Path d = patchDir("two", TRACK, OTHER);
    CliRun quiet = untrack("patch", apk.toString(), "-o", dir.resolve("q.apk").toString(), "--patches", d.toString());
    assertEquals(0, quiet.code(), quiet.err());
    assertTrue(quiet.out().contains("1 other patch(es) not applicable to this app"), quiet.out());
    assertFalse(quiet.out().contains("test.other"), quiet.out());
    CliRun loud = untrack("patch", apk.toString(), "-o", dir.resolve("v.apk").toString(), "--patches", d.toString(),
        "--verbose");
    assertEquals(0, loud.code(), loud.err());
    assertTrue(loud.out().contains("not applicable test.other"), loud.out());
  }

  @Test
  void emptyPatchSetGivesAByteIdenticalCopy() throws Exception {
    Path out = dir.resolve("same.apk");
    CliRun r = untrack("patch", apk.toString(), "-o", out.toString(), "--patches", patchDir("none").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("nothing to change: output is a byte-identical copy"), r.out());
    assertArrayEquals(Files.readAllBytes(apk), Files.readAllBytes(out));
  }

  @Test
  void jsonReport() throws Exception {
    Path out = dir.resolve("json.apk");
    CliRun r = untrack("patch", apk.toString(), "-o", out.toString(), "--patches", patchDir("json", TRACK).toString(),
        "--json");
    assertEquals(0, r.code(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals("PATCHED", o.get("outcome").getAsString());
    assertEquals("com.example.app", o.get("packageName").getAsString());
    assertEquals("test.track", o.getAsJsonArray("applied").get(0).getAsJsonObject().get("patch").getAsString());
    assertEquals("classes.dex", o.getAsJsonArray("changedEntries").get(0).getAsString());
  }

  @Test
  void listAndShow() throws Exception {
    Path d = patchDir("list", TRACK);
    CliRun list = untrack("patches", "list", "--patches", d.toString());
    assertEquals(0, list.code(), list.err());
    assertTrue(list.out().contains("test.track  Drop tracked events  [defines Lcom/example/track/Tracker;]"),
        list.out());
    CliRun show = untrack("patches", "show", "test.track", "--patches", d.toString());
    assertEquals(0, show.code(), show.err());
    assertTrue(show.out().contains("The fixture SDK queues every event for upload."), show.out());
    assertTrue(show.out().contains("return at once with the neutral value"), show.out());
    assertTrue(show.out().contains("no side effects"), show.out());
    CliRun json = untrack("patches", "list", "--json", "--patches", d.toString());
    assertEquals("test.track",
        JsonParser.parseString(json.out()).getAsJsonArray().get(0).getAsJsonObject().get("id").getAsString());
    CliRun builtin = untrack("patches", "list");
    assertEquals(0, builtin.code(), builtin.err());
  }

  @Test
  void refusesToOverwriteTheInput() {
    CliRun r = untrack("patch", apk.toString(), "-o", apk.toString());
    assertEquals(2, r.code());
    assertFalse(r.err().isEmpty());
  }
}
