package android.provider;

import android.content.ContentResolver;
import java.util.Map;

/** Fake: the three settings tables, backed by the resolver's maps (unset keys are absent). */
public final class Settings {
  private Settings() {}

  public static class SettingNotFoundException extends Exception {
    private static final long serialVersionUID = 1L;

    public SettingNotFoundException(String msg) {
      super(msg);
    }
  }

  static int getInt(Map<String, String> t, String name, int def) {
    String v = t.get(name);
    if (v == null) {
      return def;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      return def;
    }
  }

  static int getInt(Map<String, String> t, String name) throws SettingNotFoundException {
    String v = t.get(name);
    if (v == null) {
      throw new SettingNotFoundException(name);
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new SettingNotFoundException(name);
    }
  }

  static boolean put(Map<String, String> t, String name, String value) {
    if (value == null) {
      t.remove(name);
    } else {
      t.put(name, value);
    }
    return true;
  }

  public static final class Secure {
    private Secure() {}

    public static int getInt(ContentResolver cr, String name, int def) { return Settings.getInt(cr.secure, name, def); }
    public static int getInt(ContentResolver cr, String name) throws SettingNotFoundException { return Settings.getInt(cr.secure, name); }
    public static long getLong(ContentResolver cr, String name, long def) { String v = cr.secure.get(name); return v == null ? def : Long.parseLong(v); }
    public static String getString(ContentResolver cr, String name) { return cr.secure.get(name); }
    public static boolean putInt(ContentResolver cr, String name, int value) { return put(cr.secure, name, Integer.toString(value)); }
    public static boolean putString(ContentResolver cr, String name, String value) { return put(cr.secure, name, value); }
  }

  public static final class Global {
    private Global() {}

    public static int getInt(ContentResolver cr, String name, int def) { return Settings.getInt(cr.global, name, def); }
    public static int getInt(ContentResolver cr, String name) throws SettingNotFoundException { return Settings.getInt(cr.global, name); }
    public static String getString(ContentResolver cr, String name) { return cr.global.get(name); }
    public static boolean putInt(ContentResolver cr, String name, int value) { return put(cr.global, name, Integer.toString(value)); }
    public static boolean putString(ContentResolver cr, String name, String value) { return put(cr.global, name, value); }
  }

  public static final class System {
    private System() {}

    public static int getInt(ContentResolver cr, String name, int def) { return Settings.getInt(cr.system, name, def); }
    public static int getInt(ContentResolver cr, String name) throws SettingNotFoundException { return Settings.getInt(cr.system, name); }
    public static String getString(ContentResolver cr, String name) { return cr.system.get(name); }
    public static boolean putInt(ContentResolver cr, String name, int value) { return put(cr.system, name, Integer.toString(value)); }
    public static boolean putString(ContentResolver cr, String name, String value) { return put(cr.system, name, value); }
  }
}
