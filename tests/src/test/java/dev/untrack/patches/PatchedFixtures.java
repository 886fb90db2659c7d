package dev.untrack.patches;

import dev.untrack.patcher.PatchException;
import dev.untrack.patcher.PatchReport;
import dev.untrack.patcher.PatchResult;
import dev.untrack.patcher.Patcher;
import dev.untrack.patcher.Policy;
import dev.untrack.patcher.app.App;
import dev.untrack.patcher.patch.PatchSet;
import dev.untrack.patcher.write.AppWriter;
import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.zip.ZipArchive;
import dev.untrack.rom.zip.ZipEntry;
import dev.untrack.testkit.TelemetryFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Fixtures run through the real engine with the built-in catalogue, once per policy per JVM. */
final class PatchedFixtures {
  /** The engine's output for one fixture. */
  record Patched(TelemetryFixtures.Fixture input, Policy policy, PatchReport report, byte[] bytes, List<byte[]> dex) {
    /** Ids of the patches that changed something. */
    List<String> appliedIds() {
      return report.applied().stream().map(PatchReport.Applied::patch).toList();
    }
  }

  private static volatile PatchSet catalogue;
  private static final Map<String, Patched> CACHE = new ConcurrentHashMap<>();

  private PatchedFixtures() {}

  static PatchSet catalogue() {
    if (catalogue == null) {
      synchronized (PatchedFixtures.class) {
        if (catalogue == null) {
          try {
            catalogue = BuiltinPatches.load();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          } catch (PatchException e) {
            throw new IllegalStateException("the built-in catalogue does not load: " + e.getMessage(), e);
          }
        }
      }
    }
    return catalogue;
  }

  static Patched patch(TelemetryFixtures.Fixture f, Policy policy) {
    return CACHE.computeIfAbsent(f.name() + "@" + policy, k -> patch(f.bytes(), f.fileName(), f, policy));
  }

  static Patched patch(byte[] bytes, String name, TelemetryFixtures.Fixture f, Policy policy) {
    try (App app = App.open(new ArrayByteSource(bytes, name), name, false)) {
      PatchResult result = new Patcher(catalogue(), policy).patch(app);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      AppWriter.write(app, result, out);
      byte[] written = out.toByteArray();
      return new Patched(f, policy, result.report(), written, dexOf(written, name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (PatchException e) {
      throw new AssertionError(name + " (" + policy + "): " + e.getMessage(), e);
    }
  }

  /** classes.dex, classes2.dex, ... of an APK or JAR. */
  static List<byte[]> dexOf(byte[] zip, String name) {
    try (ZipArchive z = ZipArchive.open(new ArrayByteSource(zip, name))) {
      List<byte[]> out = new ArrayList<>();
      for (int i = 1; ; i++) {
        Optional<ZipEntry> e = z.entry(i == 1 ? "classes.dex" : "classes" + i + ".dex");
        if (e.isEmpty()) {
          return out;
        }
        out.add(z.readAll(e.get(), 256 << 20));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
