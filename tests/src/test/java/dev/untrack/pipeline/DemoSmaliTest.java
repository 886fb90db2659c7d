package dev.untrack.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.untrack.testkit.DemoSmali;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The smali texts shipped for {@code untrack demo} are what the fixtures compile to today. To refresh them run
 * this test with {@code -Duntrack.regenerateDemo=true} (it then writes them into cli/src/main/resources).
 */
class DemoSmaliTest {
  @Test
  void shippedSmaliMatchesTheFixtures() throws IOException {
    if (Boolean.getBoolean("untrack.regenerateDemo")) {
      DemoSmali.main(new String[] {Path.of("").toAbsolutePath().getParent().toString()});
      return;
    }
    for (String name : DemoSmali.APPS.keySet()) {
      String resource = DemoSmali.RESOURCE_DIR + "/" + name;
      try (InputStream in = DemoSmaliTest.class.getClassLoader().getResourceAsStream(resource)) {
        assertNotNull(in, resource + " is missing from the cli jar");
        assertEquals(DemoSmali.text(name), new String(in.readAllBytes(), StandardCharsets.UTF_8),
            resource + " is stale: rerun DemoSmaliTest with -Duntrack.regenerateDemo=true");
      }
    }
  }
}
