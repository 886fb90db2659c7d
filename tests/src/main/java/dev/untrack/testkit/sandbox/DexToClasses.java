package dev.untrack.testkit.sandbox;

import com.googlecode.d2j.dex.Dex2jar;
import com.googlecode.d2j.dex.DexExceptionHandler;
import com.googlecode.d2j.node.DexMethodNode;
import com.googlecode.d2j.Method;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** dex → JVM class files with dex2jar; any method it cannot translate is an error, never a silent stub. */
public final class DexToClasses {
  private DexToClasses() {}

  /** Internal class name → class file bytes. */
  public static Map<String, byte[]> translate(byte[] dex) {
    List<String> errors = new ArrayList<>();
    Path tmp = null;
    try {
      tmp = Files.createTempFile("dex2jar", ".jar");
      Files.delete(tmp);
      Dex2jar.from(dex)
          .reUseReg(false)
          .topoLogicalSort()
          .skipDebug(false)
          .optimizeSynchronized()
          .withExceptionHandler(new DexExceptionHandler() {
            @Override
            public void handleFileException(Exception e) {
              errors.add("file: " + e);
            }

            @Override
            public void handleMethodTranslateException(Method method, DexMethodNode node,
                org.objectweb.asm.MethodVisitor mv, Exception e) {
              errors.add(method + ": " + e);
            }
          })
          .to(tmp);
      if (!errors.isEmpty()) {
        throw new IllegalStateException("dex2jar could not translate: " + errors);
      }
      Map<String, byte[]> out = new TreeMap<>();
      try (FileSystem fs = FileSystems.newFileSystem(tmp)) {
        Path root = fs.getPath("/");
        try (Stream<Path> s = Files.walk(root)) {
          for (Path p : (Iterable<Path>) s.sorted()::iterator) {
            String name = p.toString();
            if (name.endsWith(".class")) {
              out.put(name.substring(1, name.length() - ".class".length()), Files.readAllBytes(p));
            }
          }
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // temp file; best effort
        }
      }
    }
  }
}
