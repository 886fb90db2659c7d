package dev.untrack.patches;

import dev.untrack.patcher.PatchException;
import dev.untrack.patcher.patch.PatchLoader;
import dev.untrack.patcher.patch.PatchSet;
import dev.untrack.patcher.patch.PatchSource;
import java.io.IOException;
import java.util.List;

/** The built-in catalogue: the patch files listed in {@code dev/untrack/patches/index.txt} on the classpath. */
public final class BuiltinPatches {
  /** Where the catalogue lives on the classpath. */
  public static final String BASE = "dev/untrack/patches/";

  private BuiltinPatches() {}

  /** The catalogue's files, in index order. */
  public static List<PatchSource> sources() throws IOException, PatchException {
    return PatchLoader.fromClasspath(BuiltinPatches.class.getClassLoader(), BASE);
  }

  /** The catalogue, loaded and validated. */
  public static PatchSet load() throws IOException, PatchException {
    return PatchLoader.load(PatchLoader.Request.builtinOnly(sources()));
  }
}
