package android.app;

import android.content.Context;
import android.content.ContextWrapper;

public class Application extends ContextWrapper {
  public Application() {
    super(null);
  }

  /** Fake-only: how the sandbox creates the process's application. */
  public static Application create(String packageName, java.io.File dataDir) {
    ContextImpl base = new ContextImpl(packageName, dataDir);
    Application app = new Application();
    app.attachBaseContext(base);
    base.application = app;
    ActivityThread.current = app;
    return app;
  }

  @Override
  public Context getApplicationContext() {
    return this;
  }

  public void onCreate() {}

  public void registerActivityLifecycleCallbacks(ActivityLifecycleCallbacks callback) {}

  public void unregisterActivityLifecycleCallbacks(ActivityLifecycleCallbacks callback) {}

  public interface ActivityLifecycleCallbacks {
    void onActivityCreated(Activity activity, android.os.Bundle savedInstanceState);
    void onActivityStarted(Activity activity);
    void onActivityResumed(Activity activity);
    void onActivityPaused(Activity activity);
    void onActivityStopped(Activity activity);
    void onActivitySaveInstanceState(Activity activity, android.os.Bundle outState);
    void onActivityDestroyed(Activity activity);
  }
}
