package android.app;

import android.content.ContentResolver;
import android.content.Context;
import android.content.FakePreferences;
import android.content.SharedPreferences;
import java.io.File;
import java.util.Map;
import java.util.TreeMap;

/** Fake: one app's context; the settings tables are the device's (shared by every app in the sandbox). */
public class ContextImpl extends Context {
  private static final ContentResolver RESOLVER = new ContentResolver();
  private final String packageName;
  private final File dataDir;
  private final Map<String, FakePreferences> prefs = new TreeMap<>();
  Application application;

  public ContextImpl(String packageName, File dataDir) {
    this.packageName = packageName;
    this.dataDir = dataDir;
  }

  @Override public ContentResolver getContentResolver() { return RESOLVER; }

  @Override
  public synchronized SharedPreferences getSharedPreferences(String name, int mode) {
    return prefs.computeIfAbsent(name, n -> new FakePreferences());
  }

  @Override public Context getApplicationContext() { return application != null ? application : this; }
  @Override public String getPackageName() { return packageName; }

  @Override
  public File getFilesDir() {
    File f = new File(dataDir, "files");
    f.mkdirs();
    return f;
  }

  @Override
  public File getDir(String name, int mode) {
    File f = new File(dataDir, "app_" + name);
    f.mkdirs();
    return f;
  }
}
