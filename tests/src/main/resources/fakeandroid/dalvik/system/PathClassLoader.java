package dalvik.system;

/** Fake: records code loaded from a path (same model as DexClassLoader). */
public class PathClassLoader extends ClassLoader {
  public static final java.util.List<String> loaded = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

  public PathClassLoader(String dexPath, String librarySearchPath, ClassLoader parent) {
    super(parent);
    loaded.add(dexPath);
  }
}
