package dev.untrack.patcher;

import dev.untrack.patcher.app.App;
import dev.untrack.patcher.patch.PatchLoader;
import dev.untrack.patcher.patch.PatchSet;
import dev.untrack.patcher.patch.PatchSource;
import dev.untrack.patcher.write.AppWriter;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.zip.ZipArchive;
import dev.untrack.rom.zip.ZipEntry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Shared steps of the patcher tests: load patch text, patch an APK file, read dex files back. */
final class PatchFixture {
  private PatchFixture() {}

  static PatchSet patches(String... texts) throws PatchException {
    List<PatchSource> sources = new ArrayList<>();
    for (int i = 0; i < texts.length; i++) {
      sources.add(new PatchSource("test" + i + ".smalipatch", texts[i]));
    }
    return PatchLoader.load(new PatchLoader.Request(List.of(), sources, false, false));
  }

  /** Patches {@code in} into {@code out} and returns the result. */
  static PatchResult patch(Path in, Path out, PatchSet set, Policy policy) throws IOException, PatchException {
    try (App app = App.open(in)) {
      PatchResult r = new Patcher(set, policy).patch(app);
      try (OutputStream o = Files.newOutputStream(out)) {
        AppWriter.write(app, r, o);
      }
      return r;
    }
  }

  /** Every classesN.dex of an APK, in order. */
  static List<byte[]> dexOf(Path apk) throws IOException {
    List<byte[]> out = new ArrayList<>();
    try (App app = App.open(apk)) {
      for (var d : app.dexEntries()) {
        out.add(app.zip().readAll(d.zipEntry(), 1 << 28));
      }
    }
    return out;
  }

  static byte[] entry(Path apk, String name) throws IOException {
    try (ZipArchive z = ZipArchive.open(FileByteSource.open(apk))) {
      ZipEntry e = z.entry(name).orElseThrow();
      return z.readAll(e, 1 << 28);
    }
  }
}
