package dev.untrack.testkit;

import com.googlecode.d2j.dex.Dex2jar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs dex code on the JVM: translates dex files to class files with dex2jar and loads them in a fresh class
 * loader, so a test can call a patched method and see what it does. Android framework classes are not
 * available; fixtures that run this way use plain Java (or fakes passed as {@code extraClasspath}).
 */
public final class DexRunner implements AutoCloseable {
  private final Path work;
  private final URLClassLoader loader;

  private DexRunner(Path work, URLClassLoader loader) {
    this.work = work;
    this.loader = loader;
  }

  public static DexRunner load(List<byte[]> dexFiles, Path... extraClasspath) {
    try {
      Path work = Files.createTempDirectory("dexrunner");
      List<URL> urls = new ArrayList<>();
      for (int i = 0; i < dexFiles.size(); i++) {
        Path jar = work.resolve("d" + i + ".jar");
        Dex2jar.from(dexFiles.get(i)).skipExceptions(false).computeFrames(true).to(jar);
        urls.add(jar.toUri().toURL());
      }
      for (Path p : extraClasspath) {
        urls.add(p.toUri().toURL());
      }
      return new DexRunner(work, new URLClassLoader(urls.toArray(new URL[0]), DexRunner.class.getClassLoader()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Class<?> type(String name) throws ClassNotFoundException {
    return Class.forName(name, true, loader);
  }

  @Override
  public void close() throws IOException {
    loader.close();
    DexCompiler.deleteTree(work);
  }
}
