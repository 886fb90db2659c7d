package dev.untrack.cli;

import dev.untrack.pipeline.PatchSets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options choosing the patch set, shared by {@code patch} and {@code patches}. */
final class PatchSourceOptions {
  @Option(names = "--patches", paramLabel = "DIR",
      description = "Use the *.smalipatch files under DIR instead of the built-in patches.")
  Path dir;

  @Option(names = "--with-builtin", description = "With --patches: use the built-in patches as well.")
  boolean withBuiltin;

  @Option(names = "--patches-override",
      description = "With --patches: a patch or helper in DIR may replace a built-in one with the same id.")
  boolean override;

  PatchSets toPatchSets() {
    if (dir == null && (withBuiltin || override)) {
      throw new UserException(ExitCode.USAGE, (withBuiltin ? "--with-builtin" : "--patches-override")
          + " only makes sense with --patches DIR");
    }
    if (dir != null && !Files.isDirectory(dir)) {
      throw new UserException(ExitCode.BAD_INPUT, dir + ": not a directory (--patches DIR)");
    }
    return new PatchSets(dir, withBuiltin, override);
  }
}
