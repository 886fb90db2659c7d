package android.content;

import android.os.IBinder;
import java.io.File;

/** Fake: the sandbox's application context; services resolve through {@link Sandbox}. */
public abstract class Context {
  public static final int MODE_PRIVATE = 0;
  public static final int BIND_AUTO_CREATE = 1;

  public abstract ContentResolver getContentResolver();
  public abstract SharedPreferences getSharedPreferences(String name, int mode);
  public abstract Context getApplicationContext();
  public abstract String getPackageName();
  public abstract File getFilesDir();
  public abstract File getDir(String name, int mode);

  /** The app's assets: the sandbox's {@code assets} directory beside {@code files}. */
  public android.content.res.AssetManager getAssets() {
    return new android.content.res.AssetManager(new File(getFilesDir().getParentFile(), "assets"));
  }

  public boolean bindService(Intent service, ServiceConnection conn, int flags) {
    IBinder binder = Sandbox.bind(service);
    if (binder == null) {
      return false;
    }
    conn.onServiceConnected(new ComponentName(service.getPackage() == null ? "" : service.getPackage(),
        service.getAction() == null ? "" : service.getAction()), binder);
    return true;
  }

  public void unbindService(ServiceConnection conn) {}

  public ComponentName startService(Intent service) {
    Sandbox.started.add(service);
    return null;
  }

  public void sendBroadcast(Intent intent) {
    Sandbox.broadcasts.add(intent);
  }

  public Object getSystemService(String name) {
    return null;
  }
}
