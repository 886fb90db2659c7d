package android.app;

/** Fake of the hidden framework class that apps reach by reflection for the process's application. */
public final class ActivityThread {
  static volatile Application current;

  private ActivityThread() {}

  public static Application currentApplication() {
    return current;
  }

  /** Fake-only: simulate code running before the application exists (or in a process without one). */
  public static void setCurrentApplicationForTest(Application app) {
    current = app;
  }
}
