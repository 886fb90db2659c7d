package dalvik.system;

/**
 * Fake: records every attempt to load code from a file (the Analytics client downloads and loads newer
 * analytics code this way); classes it is asked for resolve through the parent only.
 */
public class DexClassLoader extends ClassLoader {
  public static final java.util.List<String> loaded = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

  public DexClassLoader(String dexPath, String optimizedDirectory, String librarySearchPath, ClassLoader parent) {
    super(parent);
    loaded.add(dexPath);
  }
}
