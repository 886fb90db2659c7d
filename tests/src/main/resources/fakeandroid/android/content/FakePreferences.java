package android.content;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Fake-only: an in-memory SharedPreferences file. */
public final class FakePreferences implements SharedPreferences {
  private final Map<String, Object> values = new TreeMap<>();

  @Override public synchronized Map<String, ?> getAll() { return new TreeMap<>(values); }
  @Override public synchronized String getString(String k, String d) { Object v = values.get(k); return v instanceof String ? (String) v : d; }
  @SuppressWarnings("unchecked")
  @Override public synchronized Set<String> getStringSet(String k, Set<String> d) { Object v = values.get(k); return v instanceof Set ? (Set<String>) v : d; }
  @Override public synchronized int getInt(String k, int d) { Object v = values.get(k); return v instanceof Integer ? (Integer) v : d; }
  @Override public synchronized long getLong(String k, long d) { Object v = values.get(k); return v instanceof Long ? (Long) v : d; }
  @Override public synchronized float getFloat(String k, float d) { Object v = values.get(k); return v instanceof Float ? (Float) v : d; }
  @Override public synchronized boolean getBoolean(String k, boolean d) { Object v = values.get(k); return v instanceof Boolean ? (Boolean) v : d; }
  @Override public synchronized boolean contains(String k) { return values.containsKey(k); }

  @Override
  public Editor edit() {
    return new Editor() {
      private final Map<String, Object> pending = new TreeMap<>();
      private final java.util.List<String> removed = new java.util.ArrayList<>();
      private boolean clear;

      @Override public Editor putString(String k, String v) { pending.put(k, v); return this; }
      @Override public Editor putStringSet(String k, Set<String> v) { pending.put(k, v); return this; }
      @Override public Editor putInt(String k, int v) { pending.put(k, v); return this; }
      @Override public Editor putLong(String k, long v) { pending.put(k, v); return this; }
      @Override public Editor putFloat(String k, float v) { pending.put(k, v); return this; }
      @Override public Editor putBoolean(String k, boolean v) { pending.put(k, v); return this; }
      @Override public Editor remove(String k) { removed.add(k); return this; }
      @Override public Editor clear() { clear = true; return this; }

      @Override
      public boolean commit() {
        synchronized (FakePreferences.this) {
          if (clear) {
            values.clear();
          }
          for (String k : removed) {
            values.remove(k);
          }
          values.putAll(pending);
        }
        return true;
      }

      @Override public void apply() { commit(); }
    };
  }
}
