package android.content;

import android.os.IBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Fake-only: what the test harness plugs in (services other apps provide) and what the app did. */
public final class Sandbox {
  private Sandbox() {}

  /** Resolves a bind intent to a binder (another app's service), or null when nothing answers. */
  public static volatile Function<Intent, IBinder> services = i -> null;
  public static final List<Intent> started = new ArrayList<>();
  public static final List<Intent> broadcasts = new ArrayList<>();
  public static final List<Intent> bindAttempts = new ArrayList<>();

  static IBinder bind(Intent intent) {
    bindAttempts.add(intent);
    return services.apply(intent);
  }
}
