package android.content.res;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Fake: the app's assets are the files of the sandbox's {@code assets} directory. */
public final class AssetManager {
  private final File dir;

  public AssetManager(File dir) {
    this.dir = dir;
  }

  public InputStream open(String fileName) throws IOException {
    return new FileInputStream(new File(dir, fileName));
  }

  public String[] list(String path) throws IOException {
    String[] names = new File(dir, path).list();
    if (names == null) {
      return new String[0];
    }
    java.util.Arrays.sort(names);
    return names;
  }
}
