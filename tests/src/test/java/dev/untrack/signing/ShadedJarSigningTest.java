package dev.untrack.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.testkit.Oracle;
import dev.untrack.testkit.RealInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signing module inside the shaded {@code cli/target/untrack.jar}, in a fresh JVM: BouncyCastle is bundled
 * unsigned there, so anything that needed it as a JCE provider would fail here and nowhere else. The jar exists
 * after {@code package} (the reactor builds it before this module's tests); without it the test is skipped
 * locally and fails in CI.
 */
class ShadedJarSigningTest {
  private static Path jar;
  private static Path javaBin;

  @TempDir Path dir;

  @BeforeAll
  static void findJar() {
    jar = Path.of("..", "cli", "target", "untrack.jar").toAbsolutePath().normalize();
    if (!Files.isRegularFile(jar)) {
      Oracle.unavailable("shaded jar " + jar + " not built (./mvnw package)");
    }
    javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
  }

  @Test
  void everySigningPathWorksFromTheShadedJar() throws Exception {
    Path testClasses = Path.of(ShadedJarProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Oracle.Result r = Oracle.run(dir, Duration.ofMinutes(3), List.of(javaBin.toString(), "-cp",
        jar + java.io.File.pathSeparator + testClasses, ShadedJarProbe.class.getName(), dir.toString(),
        RealInput.frameworkRes().toString()));
    r.assertOk("probe in the shaded jar");
    assertEquals("OK", r.stdout().trim());
  }

  @Test
  void keysCommandsFromTheShadedJar() throws Exception {
    Map<String, String> env = Map.of("UNTRACK_TEST_PW", "correct horse");
    Oracle.Result gen = Oracle.run(dir, Duration.ofMinutes(2), env, List.of(javaBin.toString(), "-jar", jar.toString(),
        "keys", "generate", "-o", "k.p12", "--bits", "2048", "--dn", "CN=jar test, O=untrack", "--pass-env",
        "UNTRACK_TEST_PW", "--pk8", "k"));
    gen.assertOk("keys generate");
    assertTrue(Files.isRegularFile(dir.resolve("k.pk8")) && Files.isRegularFile(dir.resolve("k.x509.pem")));
    Oracle.Result info = Oracle.run(dir, Duration.ofMinutes(1), env, List.of(javaBin.toString(), "-jar",
        jar.toString(), "keys", "info", "k.p12", "--pass-env", "UNTRACK_TEST_PW"));
    info.assertOk("keys info");
    assertTrue(info.stdout().contains("subject:     CN=jar test,O=untrack"), info.stdout());
    assertTrue(info.stdout().contains("algorithm:   RSA 2048"), info.stdout());
    // no password source and no console: refused, nothing read from the command line
    Oracle.Result refused = Oracle.run(dir, Duration.ofMinutes(1), List.of(javaBin.toString(), "-jar", jar.toString(),
        "keys", "info", "k.p12"));
    assertEquals(5, refused.exitCode(), refused.stderr());
    assertTrue(refused.stderr().contains("no console"), refused.stderr());
  }
}
