package dev.untrack.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs native tools (mkfs.erofs, e2fsck, simg2img, dexdump, apksigner...) as independent oracles. untrack
 * never needs them at run time. A missing tool skips the test locally and fails it in CI ({@code CI=true}),
 * where {@code .ci/run} installs them.
 */
public final class Oracle {
  private static final List<String> EXTRA_PATH = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");

  private Oracle() {}

  public static boolean inCi() {
    String ci = System.getenv("CI");
    return ci != null && !ci.isEmpty() && !ci.equalsIgnoreCase("false");
  }

  /** Skips (locally) or fails (in CI) when a real input or tool is unavailable. */
  public static void unavailable(String what) {
    if (inCi()) {
      throw new AssertionError(what + " — required in CI");
    }
    Assumptions.abort(what + " — skipped (set CI=true to make this a failure)");
  }

  /** The path of a tool, or skip/fail naming the Debian package that provides it. */
  public static Path require(String tool, String debianPackage) {
    String path = System.getenv().getOrDefault("PATH", "");
    List<String> dirs = new ArrayList<>(Arrays.asList(path.split(java.io.File.pathSeparator)));
    dirs.addAll(EXTRA_PATH);
    for (String d : dirs) {
      if (d.isEmpty()) {
        continue;
      }
      Path p = Path.of(d, tool);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    unavailable("oracle '" + tool + "' not found (apt-get install " + debianPackage + ")");
    throw new IllegalStateException("unreachable");
  }

  /** What a finished process said. */
  public record Result(int exitCode, String stdout, String stderr) {
    public Result assertOk(String what) {
      if (exitCode != 0) {
        throw new AssertionError(what + " exited " + exitCode + "\nstdout:\n" + tail(stdout) + "\nstderr:\n" + tail(stderr));
      }
      return this;
    }

    private static String tail(String s) {
      return s.length() > 4000 ? "..." + s.substring(s.length() - 4000) : s;
    }
  }

  public static Result run(Path workDir, Duration timeout, List<String> command) throws IOException {
    return run(workDir, timeout, Map.of(), command);
  }

  public static Result run(Path workDir, Duration timeout, Map<String, String> env, List<String> command)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    if (workDir != null) {
      pb.directory(workDir.toFile());
    }
    pb.environment().putAll(env);
    Path out = Files.createTempFile("oracle-out", ".txt");
    Path err = Files.createTempFile("oracle-err", ".txt");
    try {
      pb.redirectOutput(out.toFile());
      pb.redirectError(err.toFile());
      Process p = pb.start();
      try {
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          throw new AssertionError(String.join(" ", command) + " timed out after " + timeout);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  public static Result run(Path workDir, String... command) throws IOException {
    return run(workDir, Duration.ofMinutes(5), List.of(command));
  }
}
