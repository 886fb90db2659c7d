package dev.untrack.testkit.sandbox;

import dev.untrack.testkit.BuildCache;
import dev.untrack.testkit.DexCompiler;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The fake {@code android.*}, {@code org.json.*} and {@code dalvik.system.*} classes (sources under
 * {@code src/main/resources/fakeandroid/}), compiled once per JVM into a jar. Fixture sources compile against
 * that jar (it is passed to javac and D8 as classpath, so no fake ends up in a fixture's dex), and the
 * {@link AndroidSandbox} runs fixture code against the same classes.
 */
public final class FakeAndroid {
  private static final String ROOT = "fakeandroid";
  private static Path jar;
  private static Map<String, byte[]> classes;

  private FakeAndroid() {}

  /** The compiled fakes as a jar (created on first use, deleted when the JVM exits). */
  public static synchronized Path jar() {
    if (jar == null) {
      build();
    }
    return jar;
  }

  /** Internal class name ({@code android/os/Parcel}) → class file bytes. */
  static synchronized Map<String, byte[]> classes() {
    if (classes == null) {
      build();
    }
    return classes;
  }

  /** The Java sources of the fakes: fully qualified class name → text. */
  public static Map<String, String> sources() {
    return readSources(ROOT);
  }

  /** Reads every {@code .java} resource under a resource folder into a map of class name → source text. */
  public static Map<String, String> readSources(String resourceRoot) {
    URL url = FakeAndroid.class.getClassLoader().getResource(resourceRoot);
    if (url == null) {
      throw new IllegalStateException("resource folder not found: " + resourceRoot);
    }
    Map<String, String> out = new TreeMap<>();
    try {
      if ("jar".equals(url.getProtocol())) {
        try (FileSystem fs = FileSystems.newFileSystem(url.toURI(), Map.of())) {
          collect(fs.getPath(resourceRoot), out);
        }
      } else {
        collect(Path.of(url.toURI()), out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("no Java sources under resource folder " + resourceRoot);
    }
    return out;
  }

  private static void collect(Path root, Map<String, String> out) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s.sorted()::iterator) {
        if (p.toString().endsWith(".java")) {
          String rel = root.relativize(p).toString().replace('\\', '/');
          String name = rel.substring(0, rel.length() - ".java".length()).replace('/', '.');
          out.put(name, Files.readString(p, StandardCharsets.UTF_8));
        }
      }
    }
  }

  private static void build() {
    try {
      Path dir = Files.createTempDirectory("fakeandroid");
      Map<String, byte[]> map = new TreeMap<>();
      // cached as [names, class1, class2, ...]: javac is slow on a busy machine and the output is deterministic
      List<byte[]> cached = BuildCache.files(BuildCache.key("fake-android-javac", sources()), () -> {
        try {
          Path classDir = dir.resolve("classes");
          Files.createDirectories(classDir);
          DexCompiler.compileJava(sources(), List.of(), classDir);
          List<String> names = new java.util.ArrayList<>();
          List<byte[]> out = new java.util.ArrayList<>();
          out.add(null);
          try (Stream<Path> s = Files.walk(classDir)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
              if (p.toString().endsWith(".class")) {
                String rel = classDir.relativize(p).toString().replace('\\', '/');
                names.add(rel.substring(0, rel.length() - ".class".length()));
                out.add(Files.readAllBytes(p));
              }
            }
          }
          out.set(0, String.join("\n", names).getBytes(StandardCharsets.UTF_8));
          return out;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      String[] names = new String(cached.get(0), StandardCharsets.UTF_8).split("\n");
      for (int i = 0; i < names.length; i++) {
        map.put(names[i], cached.get(i + 1));
      }
      Path j = dir.resolve("fake-android.jar");
      try (OutputStream fo = Files.newOutputStream(j); JarOutputStream jo = new JarOutputStream(fo)) {
        for (Map.Entry<String, byte[]> e : map.entrySet()) {
          jo.putNextEntry(new JarEntry(e.getKey() + ".class"));
          jo.write(e.getValue());
          jo.closeEntry();
        }
      }
      classes = map;
      jar = j;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try (Stream<Path> s = Files.walk(dir)) {
          s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
          // temp files; best effort
        }
      }));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
