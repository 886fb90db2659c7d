package dev.untrack.pipeline;

import dev.untrack.patcher.PatchException;
import dev.untrack.patcher.PatchReport;
import dev.untrack.patcher.PatchResult;
import dev.untrack.patcher.Patcher;
import dev.untrack.patcher.Policy;
import dev.untrack.patcher.app.App;
import dev.untrack.patcher.patch.PatchSet;
import dev.untrack.patcher.write.AppWriter;
import dev.untrack.rom.io.AtomicOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code untrack patch IN -o OUT} for one APK or JAR: plan, then write the output atomically. On any failure
 * nothing is written (and a previous file at OUT is left as it was). The input is only read.
 */
public final class SingleAppPatch {
  private SingleAppPatch() {}

  /** What to patch, where to, with which patches and policy. */
  public record Request(Path input, Path output, PatchSet patches, Policy policy) {}

  /** Whether {@code output} names the input file itself (which would be overwritten). */
  public static boolean sameFile(Path input, Path output) throws IOException {
    if (Files.exists(output)) {
      return Files.isSameFile(input, output);
    }
    return input.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize());
  }

  public static PatchReport run(Request r) throws IOException, PatchException {
    if (sameFile(r.input(), r.output())) {
      throw new IllegalArgumentException("the output must not be the input file: " + r.output());
    }
    try (App app = App.open(r.input())) {
      PatchResult result = new Patcher(r.patches(), r.policy()).patch(app);
      try (AtomicOutput out = AtomicOutput.create(r.output())) {
        AppWriter.write(app, result, out.stream());
        out.commit();
      }
      return result.report();
    }
  }
}
