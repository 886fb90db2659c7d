package android.os;

public final class Process {
  /** Fake-only: pids the app asked to kill (the sandbox never kills anything). */
  public static final java.util.List<Integer> killed = new java.util.ArrayList<>();

  private Process() {}

  public static int myPid() { return 4242; }
  public static int myUid() { return 10042; }
  public static void killProcess(int pid) { killed.add(pid); }
}
