package android.app;

import android.content.ContextWrapper;

public class Activity extends ContextWrapper {
  public Activity() {
    super(null);
  }

  /** Fake-only: attach the activity to its app's context. */
  public final void attach(android.content.Context base) {
    attachBaseContext(base);
  }

  protected void onCreate(android.os.Bundle savedInstanceState) {}
  protected void onResume() {}
  protected void onPause() {}
}
