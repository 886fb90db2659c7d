package android.os;

import java.util.Map;
import java.util.TreeMap;

public final class Bundle {
  private final Map<String, Object> map = new TreeMap<>();

  public void putString(String k, String v) { map.put(k, v); }
  public String getString(String k) { Object v = map.get(k); return v instanceof String ? (String) v : null; }
  public void putBoolean(String k, boolean v) { map.put(k, v); }
  public boolean getBoolean(String k, boolean d) { Object v = map.get(k); return v instanceof Boolean ? (Boolean) v : d; }
}
