package dev.untrack.pipeline.rom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.testkit.Oracle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults during {@code untrack patch ROM}, in a separate JVM running the shipped jar: a full disk (simulated with
 * a file-size limit, so every write past it fails as on a full filesystem) and an interrupted run (SIGTERM, what
 * Ctrl-C and a shutdown send). Either way no output and no temporary file is left, and the input is untouched.
 */
class RomPatchFaultTest {
  private static Path jar;
  private static Path java;

  @TempDir Path dir;

  @BeforeAll
  static void findJar() {
    jar = Path.of("..", "cli", "target", "untrack.jar").toAbsolutePath().normalize();
    if (!Files.isRegularFile(jar)) {
      Oracle.unavailable("shaded jar " + jar + " not built (./mvnw package)");
    }
    if (!Files.isExecutable(Path.of("/bin/bash"))) {
      Oracle.unavailable("bash (for ulimit)");
    }
    java = Path.of(System.getProperty("java.home"), "bin", "java");
  }

  @Test
  void fullDiskLeavesNoOutputAndNoTemporaryFiles() throws Exception {
    Path in = RomImages.erofs(dir);
    String before = sha(in);
    Path outDir = Files.createDirectories(dir.resolve("out"));
    Path out = outDir.resolve("system.img");
    // ulimit -f counts KiB in bash: half the image cannot be written, as on a disk that fills up mid-run
    long limitKiB = Math.max(8, Files.size(in) / 1024 / 2);
    Process p = new ProcessBuilder("/bin/bash", "-c", "ulimit -f " + limitKiB + " && exec \"$0\" -XX:-UsePerfData -jar \"$1\" "
        + "patch \"$2\" -o \"$3\"", java.toString(), jar.toString(), in.toString(), out.toString())
        .redirectOutput(dir.resolve("stdout.txt").toFile())
        .redirectError(dir.resolve("stderr.txt").toFile())
        .start();
    assertTrue(p.waitFor(3, TimeUnit.MINUTES), "untrack did not finish");
    String err = Files.readString(dir.resolve("stderr.txt"));
    assertEquals(6, p.exitValue(), "exit code for an output that cannot be written (image " + Files.size(in)
        + " bytes, limit " + limitKiB + " KiB); stderr: " + err + "; stdout: "
        + Files.readString(dir.resolve("stdout.txt")));
    assertEquals(1, err.strip().lines().count(), "one line, no stack trace: " + err);
    assertTrue(err.contains(outDir.getFileName().toString()) || err.contains("system.img"), err);
    assertEquals(List.of(), list(outDir), "nothing left beside the target");
    assertEquals(before, sha(in), "input untouched");
  }

  @Test
  void interruptedRunLeavesNoOutputAndNoTemporaryFiles() throws Exception {
    Path in = RomImages.erofs(dir);
    String before = sha(in);
    Path outDir = Files.createDirectories(dir.resolve("out"));
    Path out = outDir.resolve("system.img");
    Process p = new ProcessBuilder(java.toString(), "-jar", jar.toString(), "patch", in.toString(), "-o",
        out.toString())
        .redirectOutput(dir.resolve("stdout.txt").toFile())
        .redirectError(dir.resolve("stderr.txt").toFile())
        .start();
    // interrupt once the run is under way: its work directory beside the target exists
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (p.isAlive() && list(outDir).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(2);
    }
    boolean caughtMidRun = p.isAlive() && !list(outDir).isEmpty();
    p.destroy(); // SIGTERM
    assertTrue(p.waitFor(1, TimeUnit.MINUTES), "untrack did not stop on SIGTERM");
    Assumptions.assumeTrue(caughtMidRun, "the run finished before it could be interrupted");
    assertFalse(Files.exists(out), "no output from an interrupted run");
    assertEquals(List.of(), list(outDir), "no temporary files left");
    assertEquals(before, sha(in), "input untouched");
  }

  private static List<String> list(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(x -> x.getFileName().toString()).sorted().toList();
    }
  }

  private static String sha(Path p) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }
}
