package dev.untrack.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A content-addressed cache for compiled fixtures under the build directory ({@code target/fixture-cache}, or
 * {@code -Duntrack.fixtureCache=DIR}): javac and D8 are slow on a busy machine, and fixture builds are
 * deterministic, so a build keyed by the SHA-256 of its inputs can be reused. Never outside the build tree.
 */
public final class BuildCache {
  private BuildCache() {}

  private static Path root() {
    String p = System.getProperty("untrack.fixtureCache");
    return p != null ? Path.of(p) : Path.of("target", "fixture-cache");
  }

  /** SHA-256 over a label and the (sorted) sources. */
  public static String key(String label, Map<String, String> sources) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(label.getBytes(StandardCharsets.UTF_8));
      md.update(System.getProperty("java.specification.version", "").getBytes(StandardCharsets.UTF_8));
      for (Map.Entry<String, String> e : new java.util.TreeMap<>(sources).entrySet()) {
        md.update((byte) 0);
        md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(e.getValue().getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The cached files for {@code key}, or builds them with {@code build} and stores them. */
  public static List<byte[]> files(String key, Supplier<List<byte[]>> build) {
    Path dir = root().resolve(key);
    try {
      Path count = dir.resolve("count");
      if (Files.isRegularFile(count)) {
        int n = Integer.parseInt(Files.readString(count).trim());
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          out.add(Files.readAllBytes(dir.resolve("f" + i)));
        }
        return out;
      }
      List<byte[]> built = build.get();
      Path tmp = Files.createDirectories(root()).resolve(key + ".tmp" + ProcessHandle.current().pid());
      Files.createDirectories(tmp);
      for (int i = 0; i < built.size(); i++) {
        Files.write(tmp.resolve("f" + i), built.get(i));
      }
      Files.writeString(tmp.resolve("count"), Integer.toString(built.size()));
      try {
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException raced) {
        DexCompiler.deleteTree(tmp);
      }
      return built;
    } catch (IOException | NumberFormatException e) {
      // a broken cache entry is rebuilt, never trusted
      DexCompiler.deleteTree(dir);
      return build.get();
    } catch (UncheckedIOException e) {
      throw e;
    }
  }
}
