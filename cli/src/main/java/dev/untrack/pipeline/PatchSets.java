package dev.untrack.pipeline;

import dev.untrack.patcher.PatchException;
import dev.untrack.patcher.patch.PatchLoader;
import dev.untrack.patcher.patch.PatchSet;
import dev.untrack.patcher.patch.PatchSource;
import dev.untrack.patches.BuiltinPatches;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Which patches a run uses. The built-in catalogue by default; {@code --patches DIR} replaces its patches with
 * the directory's, {@code --with-builtin} adds the built-in ones back. Built-in helpers stay available either way
 * (they are infrastructure a user patch may require).
 *
 * @param userDir a directory of {@code *.smalipatch} files, or null
 * @param withBuiltin keep the built-in patches next to the user's
 * @param override a user patch or helper may replace a built-in one with the same id
 */
public record PatchSets(Path userDir, boolean withBuiltin, boolean override) {
  public static PatchSets builtin() {
    return new PatchSets(null, true, false);
  }

  public PatchSet load() throws IOException, PatchException {
    List<PatchSource> builtin = BuiltinPatches.sources();
    List<PatchSource> user = userDir == null ? List.of() : PatchLoader.fromDirectory(userDir);
    boolean includeBuiltin = userDir == null || withBuiltin;
    return PatchLoader.load(new PatchLoader.Request(builtin, user, includeBuiltin, override));
  }
}
