package android.app;

import android.content.ContextWrapper;
import android.content.Intent;
import android.os.IBinder;

public abstract class Service extends ContextWrapper {
  public Service() {
    super(null);
  }

  /** Fake-only: attach the service to its app's context (what the framework does before onCreate). */
  public final void attach(android.content.Context base) {
    attachBaseContext(base);
  }

  public void onCreate() {}

  public abstract IBinder onBind(Intent intent);

  public void onDestroy() {}
}
