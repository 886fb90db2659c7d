package android.util;

/** Fake: log lines are kept (tests may read them), never printed. */
public final class Log {
  public static final java.util.List<String> lines = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

  private Log() {}

  private static int log(String level, String tag, String msg) {
    lines.add(level + "/" + tag + ": " + msg);
    return 0;
  }

  public static int v(String tag, String msg) { return log("V", tag, msg); }
  public static int d(String tag, String msg) { return log("D", tag, msg); }
  public static int d(String tag, String msg, Throwable t) { return log("D", tag, msg + " " + t); }
  public static int i(String tag, String msg) { return log("I", tag, msg); }
  public static int i(String tag, String msg, Throwable t) { return log("I", tag, msg + " " + t); }
  public static int w(String tag, String msg) { return log("W", tag, msg); }
  public static int w(String tag, String msg, Throwable t) { return log("W", tag, msg + " " + t); }
  public static int w(String tag, Throwable t) { return log("W", tag, String.valueOf(t)); }
  public static int e(String tag, String msg) { return log("E", tag, msg); }
  public static int e(String tag, String msg, Throwable t) { return log("E", tag, msg + " " + t); }
  public static boolean isLoggable(String tag, int level) { return false; }
}
