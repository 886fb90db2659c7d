package android.content;

import java.io.File;

public class ContextWrapper extends Context {
  private Context base;

  public ContextWrapper(Context base) {
    this.base = base;
  }

  protected void attachBaseContext(Context base) {
    this.base = base;
  }

  public Context getBaseContext() {
    return base;
  }

  @Override public ContentResolver getContentResolver() { return base.getContentResolver(); }
  @Override public SharedPreferences getSharedPreferences(String name, int mode) { return base.getSharedPreferences(name, mode); }
  @Override public Context getApplicationContext() { return base.getApplicationContext(); }
  @Override public String getPackageName() { return base.getPackageName(); }
  @Override public File getFilesDir() { return base.getFilesDir(); }
  @Override public File getDir(String name, int mode) { return base.getDir(name, mode); }
  @Override public boolean bindService(Intent service, ServiceConnection conn, int flags) { return base.bindService(service, conn, flags); }
}
