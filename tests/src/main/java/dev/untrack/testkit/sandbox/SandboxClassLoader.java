package dev.untrack.testkit.sandbox;

import java.util.Map;

/**
 * Loads one sandbox's classes: the app's (dex2jar output, network calls rewritten), then the fake Android
 * runtime, then the JDK (platform loader). Test-harness classes the rewritten code calls ({@link NetHook})
 * come from the test's own loader. Each sandbox gets fresh copies of everything, so static state (settings,
 * singletons, the consent helper's flags) never leaks between runs.
 */
final class SandboxClassLoader extends ClassLoader {
  static {
    registerAsParallelCapable();
  }

  private final Map<String, byte[]> appClasses;
  private final Map<String, byte[]> fakeClasses;
  private final FakeNetwork network;

  SandboxClassLoader(Map<String, byte[]> appClasses, Map<String, byte[]> fakeClasses, FakeNetwork network) {
    super("sandbox", ClassLoader.getPlatformClassLoader());
    this.appClasses = appClasses;
    this.fakeClasses = fakeClasses;
    this.network = network;
  }

  FakeNetwork network() {
    return network;
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    synchronized (getClassLoadingLock(name)) {
      Class<?> c = findLoadedClass(name);
      if (c == null) {
        if (name.equals(NetHook.class.getName())) {
          c = NetHook.class;
        } else {
          String internal = name.replace('.', '/');
          byte[] b = appClasses.get(internal);
          if (b == null) {
            b = fakeClasses.get(internal);
          }
          if (b != null) {
            c = defineClass(name, b, 0, b.length);
          } else {
            c = getParent().loadClass(name);
          }
        }
      }
      if (resolve) {
        resolveClass(c);
      }
      return c;
    }
  }
}
