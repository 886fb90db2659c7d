package dev.untrack.cli;

import static dev.untrack.testkit.CliRun.untrack;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.signing.keys.SigningKey;
import dev.untrack.testkit.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine;

class KeysCommandTest {
  @TempDir Path dir;

  private Path passFile(String pw) throws Exception {
    return Files.writeString(dir.resolve("pw-" + pw.hashCode()), pw + "\n");
  }

  @Test
  void generateThenInfoPrintsSubjectFingerprintAndAlgorithm() throws Exception {
    Path pw = passFile("s3cret pass");
    Path p12 = dir.resolve("release.p12");
    CliRun gen = untrack("keys", "generate", "-o", p12.toString(), "--bits", "2048", "--dn", "CN=Release, O=Me",
        "--alias", "rel", "--pass-file", pw.toString(), "--pk8", dir.resolve("rel").toString());
    assertEquals(0, gen.code(), gen.err());
    assertTrue(gen.out().contains("wrote " + p12 + " (alias rel)"), gen.out());
    CliRun info = untrack("keys", "info", p12.toString(), "--pass-file", pw.toString());
    assertEquals(0, info.code(), info.err());
    assertTrue(info.out().contains("subject:     CN=Release,O=Me"), info.out());
    assertTrue(info.out().contains("algorithm:   RSA 2048"), info.out());
    String fp = info.out().lines().filter(l -> l.startsWith("SHA-256:")).findFirst().orElseThrow();
    CliRun pk8 = untrack("keys", "info", dir.resolve("rel.pk8").toString(), "--cert", dir.resolve("rel.x509.pem").toString());
    assertEquals(0, pk8.code(), pk8.err());
    assertTrue(pk8.out().contains(fp), pk8.out());
    assertEquals(95, fp.length() - "SHA-256:     ".length(), "32 colon-separated bytes");
  }

  @Test
  void refusals() throws Exception {
    Path pw = passFile("pw");
    Path p12 = dir.resolve("k.p12");
    assertEquals(0, untrack("keys", "generate", "-o", p12.toString(), "--bits", "2048", "--pass-file", pw.toString()).code());
    byte[] before = Files.readAllBytes(p12);
    // existing output, no --force
    CliRun again = untrack("keys", "generate", "-o", p12.toString(), "--bits", "2048", "--pass-file", pw.toString());
    assertEquals(ExitCode.SIGNING_FAILED.code(), again.code());
    assertTrue(again.err().contains("already exists"), again.err());
    assertEquals(0, java.util.Arrays.compare(before, Files.readAllBytes(p12)));
    // both password options
    CliRun both = untrack("keys", "info", p12.toString(), "--pass-file", pw.toString(), "--pass-env", "X");
    assertEquals(ExitCode.USAGE.code(), both.code());
    // wrong password
    CliRun wrong = untrack("keys", "info", p12.toString(), "--pass-file", passFile("nope").toString());
    assertEquals(ExitCode.SIGNING_FAILED.code(), wrong.code());
    assertTrue(wrong.err().contains("wrong keystore password"), wrong.err());
    // no console in tests: prompting is refused, there is no password-on-the-command-line option
    CliRun none = untrack("keys", "info", p12.toString());
    assertEquals(ExitCode.SIGNING_FAILED.code(), none.code());
    assertTrue(none.err().contains("no console"), none.err());
    CliRun badBits = untrack("keys", "generate", "-o", dir.resolve("x.p12").toString(), "--bits", "1024", "--pass-file",
        pw.toString());
    assertEquals(ExitCode.USAGE.code(), badBits.code());
    assertFalse(Files.exists(dir.resolve("x.p12")));
    CliRun unknown = untrack("keys", "generate", "-o", dir.resolve("y.p12").toString(), "--password", "x");
    assertEquals(ExitCode.USAGE.code(), unknown.code());
  }

  @Command(name = "probe")
  static final class Probe implements Callable<Integer> {
    @Mixin KeyOptions key;
    SigningKey loaded;

    @Override
    public Integer call() throws Exception {
      loaded = key.load(null);
      return 0;
    }
  }

  @Test
  void keyOptionsMixinLoadsKeystoresAndPk8() throws Exception {
    Path pw = passFile("mixin pw");
    Path p12 = dir.resolve("m.p12");
    assertEquals(0, untrack("keys", "generate", "-o", p12.toString(), "--bits", "2048", "--pass-file", pw.toString(),
        "--pk8", dir.resolve("m").toString()).code());
    Probe a = new Probe();
    assertEquals(0, new CommandLine(a).execute("--key", p12.toString(), "--store-pass-file", pw.toString()));
    Probe b = new Probe();
    assertEquals(0, new CommandLine(b).execute("--key", dir.resolve("m.pk8").toString(), "--cert",
        dir.resolve("m.x509.pem").toString()));
    assertEquals(a.loaded.certificateSha256(), b.loaded.certificateSha256());
    Probe c = new Probe();
    CommandLine cl = new CommandLine(c);
    cl.setExecutionExceptionHandler((ex, line, parsed) -> ErrorReporter.classify(ex).code());
    assertEquals(ExitCode.SIGNING_FAILED.code(), cl.execute("--key", p12.toString()));
    assertEquals(ExitCode.USAGE.code(), cl.execute("--key", p12.toString(), "--store-pass-file", pw.toString(),
        "--store-pass-env", "X"));
  }
}
