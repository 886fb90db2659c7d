package dev.untrack.testkit;

import com.android.tools.r8.ClassFileResourceProvider;
import com.android.tools.r8.CompilationFailedException;
import com.android.tools.r8.CompilationMode;
import com.android.tools.r8.D8;
import com.android.tools.r8.D8Command;
import com.android.tools.r8.JdkClassFileProvider;
import com.android.tools.r8.OutputMode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.jf.smali.Smali;
import org.jf.smali.SmaliOptions;

/**
 * Turns fixture sources into dex the way real apps are built: Java → javac → D8 (the real Android dexer from
 * Maven Central), or smali → the smali assembler. Test code only.
 */
public final class DexCompiler {
  /** The JDK as D8's library; opening it costs seconds, so it is opened once. */
  private static ClassFileResourceProvider jdk;

  private DexCompiler() {}

  private static synchronized ClassFileResourceProvider jdk() throws IOException {
    if (jdk == null) {
      jdk = JdkClassFileProvider.fromSystemJdk();
    }
    return jdk;
  }

  /**
   * Compiles Java sources (map of fully qualified class name → source text) to dex files (classes.dex first).
   *
   * @param classpath jars or directories the sources compile against but that are not part of the app (for
   *     example the fake {@code android.*} classes); they are not put into the dex
   */
  public static List<byte[]> javaToDex(Map<String, String> sources, List<Path> classpath, int minApi) {
    Path work = null;
    try {
      work = Files.createTempDirectory("javaToDex");
      Path classes = work.resolve("classes");
      Files.createDirectories(classes);
      compileJava(sources, classpath, classes);
      List<Path> classFiles;
      try (Stream<Path> s = Files.walk(classes)) {
        classFiles = s.filter(p -> p.toString().endsWith(".class")).sorted().collect(Collectors.toList());
      }
      Path out = work.resolve("dex");
      Files.createDirectories(out);
      D8Command.Builder b = D8Command.builder()
          .addProgramFiles(classFiles)
          .addLibraryResourceProvider(jdk())
          .setMinApiLevel(minApi)
          .setMode(CompilationMode.RELEASE)
          .setOutput(out, OutputMode.DexIndexed);
      for (Path cp : classpath) {
        b.addClasspathFiles(cp);
      }
      D8.run(b.build());
      return readDexes(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (CompilationFailedException e) {
      throw new IllegalStateException("D8 failed: " + e.getMessage(), e);
    } finally {
      deleteTree(work);
    }
  }

  /**
   * Dexes an existing jar of class files (a third-party SDK's {@code classes.jar}, for example) the way an app
   * build would. Classes the jar refers to but does not contain (the Android framework) are tolerated: give
   * them as {@code classpath} where available, the rest only produce D8 warnings.
   */
  public static List<byte[]> jarToDex(byte[] jar, List<Path> classpath, int minApi) {
    Path work = null;
    try {
      work = Files.createTempDirectory("jarToDex");
      Path in = Files.write(work.resolve("in.jar"), jar);
      Path out = work.resolve("dex");
      Files.createDirectories(out);
      D8Command.Builder b = D8Command.builder(new com.android.tools.r8.DiagnosticsHandler() {
            @Override
            public void warning(com.android.tools.r8.Diagnostic warning) {
              // missing framework classes are expected for a library jar
            }
          })
          .addProgramFiles(in)
          .addLibraryResourceProvider(jdk())
          .setMinApiLevel(minApi)
          .setMode(CompilationMode.RELEASE)
          .setOutput(out, OutputMode.DexIndexed);
      for (Path cp : classpath) {
        b.addClasspathFiles(cp);
      }
      D8.run(b.build());
      return readDexes(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (CompilationFailedException e) {
      throw new IllegalStateException("D8 failed: " + e.getMessage(), e);
    } finally {
      deleteTree(work);
    }
  }

  /**
   * Dexes an existing jar of class files (for example {@code classes.jar} from an AAR), as an app build would.
   * Classes it refers to but does not contain (the Android framework, other libraries) are tolerated: D8 only
   * warns about them, and the warnings are dropped.
   */
  public static List<byte[]> jarToDex(Path jar, int minApi) {
    Path work = null;
    try {
      work = Files.createTempDirectory("jarToDex");
      Path out = work.resolve("dex");
      Files.createDirectories(out);
      D8Command cmd = D8Command.builder(new com.android.tools.r8.DiagnosticsHandler() {
            @Override
            public void warning(com.android.tools.r8.Diagnostic warning) {
              // missing framework classes: expected when dexing a library on its own
            }

            @Override
            public void info(com.android.tools.r8.Diagnostic info) {}
          })
          .addProgramFiles(jar)
          .addLibraryResourceProvider(JdkClassFileProvider.fromSystemJdk())
          .setMinApiLevel(minApi)
          .setMode(CompilationMode.RELEASE)
          .setOutput(out, OutputMode.DexIndexed)
          .build();
      D8.run(cmd);
      return readDexes(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (CompilationFailedException e) {
      throw new IllegalStateException("D8 failed on " + jar + ": " + e.getMessage(), e);
    } finally {
      deleteTree(work);
    }
  }

  /**
   * {@link #jarToDex}, cached by the jar's SHA-256 next to the real inputs ({@code ~/.cache/untrack-test-inputs}
   * or {@code UNTRACK_TEST_INPUTS}): dexing a real library takes D8 a while, and its output never changes.
   */
  public static List<byte[]> jarToDexCached(Path jar, int minApi) {
    try {
      String override = System.getenv("UNTRACK_TEST_INPUTS");
      Path base = override != null ? Path.of(override)
          : Path.of(System.getProperty("user.home"), ".cache", "untrack-test-inputs");
      Path dir = base.resolve("dexed").resolve(RealInput.sha256(jar) + "-api" + minApi);
      Path done = dir.resolve("complete");
      if (!Files.exists(done)) {
        List<byte[]> dexes = jarToDex(jar, minApi);
        Path tmp = Files.createDirectories(base.resolve("dexed")).resolve(dir.getFileName() + ".tmp" + ProcessHandle.current().pid());
        deleteTree(tmp);
        Files.createDirectories(tmp);
        for (int i = 0; i < dexes.size(); i++) {
          Files.write(tmp.resolve(i == 0 ? "classes.dex" : "classes" + (i + 1) + ".dex"), dexes.get(i));
        }
        Files.write(tmp.resolve("complete"), new byte[0]);
        try {
          Files.move(tmp, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException raced) {
          deleteTree(tmp); // another test JVM finished first
        }
        return dexes;
      }
      return readDexes(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** classes.dex, classes2.dex, ... from {@code dir}, in that order. */
  private static List<byte[]> readDexes(Path dir) throws IOException {
    List<byte[]> dexes = new ArrayList<>();
    for (int i = 1; ; i++) {
      Path dex = dir.resolve(i == 1 ? "classes.dex" : "classes" + i + ".dex");
      if (!Files.exists(dex)) {
        return dexes;
      }
      dexes.add(Files.readAllBytes(dex));
    }
  }

  /** Compiles Java sources to class files in {@code outDir}. */
  public static void compileJava(Map<String, String> sources, List<Path> classpath, Path outDir) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("no system Java compiler: run the tests on a JDK, not a JRE");
    }
    List<JavaFileObject> units = new ArrayList<>();
    sources.forEach((name, text) -> units.add(new Source(name, text)));
    List<String> options = new ArrayList<>(List.of("--release", "11", "-g", "-nowarn", "-d", outDir.toString()));
    if (!classpath.isEmpty()) {
      options.add("-classpath");
      options.add(classpath.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator)));
    }
    StringWriter diagnostics = new StringWriter();
    Boolean ok = javac.getTask(diagnostics, null, null, options, null, units).call();
    if (!Boolean.TRUE.equals(ok)) {
      throw new IllegalStateException("javac failed:\n" + diagnostics);
    }
  }

  /** Assembles smali sources (one class per string) into a single dex. */
  public static byte[] smaliToDex(List<String> smaliSources, int apiLevel) {
    Path work = null;
    try {
      work = Files.createTempDirectory("smaliToDex");
      List<String> inputs = new ArrayList<>();
      for (int i = 0; i < smaliSources.size(); i++) {
        Path f = work.resolve("c" + i + ".smali");
        Files.writeString(f, smaliSources.get(i), StandardCharsets.UTF_8);
        inputs.add(f.toString());
      }
      SmaliOptions options = new SmaliOptions();
      options.apiLevel = apiLevel;
      options.outputDexFile = work.resolve("classes.dex").toString();
      if (!Smali.assemble(options, inputs)) {
        throw new IllegalStateException("smali failed to assemble the fixture sources");
      }
      return Files.readAllBytes(work.resolve("classes.dex"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteTree(work);
    }
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort cleanup of a temp dir
    }
  }

  private static final class Source extends SimpleJavaFileObject {
    private final String text;

    Source(String className, String text) {
      super(URI.create("string:///" + className.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
      this.text = text;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return text;
    }
  }
}
