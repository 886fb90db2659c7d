package android.os;

/** Fake: runs posted work at once, on the caller's thread, so fixture behaviour is deterministic. */
public class Handler {
  public Handler() {}

  public Handler(Looper looper) {}

  public final boolean post(Runnable r) {
    r.run();
    return true;
  }

  public final boolean postDelayed(Runnable r, long delayMillis) {
    r.run();
    return true;
  }

  public final void removeCallbacks(Runnable r) {}
}
