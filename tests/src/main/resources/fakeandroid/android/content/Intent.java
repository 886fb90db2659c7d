package android.content;

import java.util.Map;
import java.util.TreeMap;

public class Intent {
  private String action;
  private String pkg;
  private ComponentName component;
  private final Map<String, Object> extras = new TreeMap<>();

  public Intent() {}

  public Intent(String action) {
    this.action = action;
  }

  public Intent(Context ctx, Class<?> cls) {
    this.component = new ComponentName(ctx.getPackageName(), cls.getName());
  }

  public String getAction() { return action; }
  public Intent setAction(String action) { this.action = action; return this; }
  public String getPackage() { return pkg; }
  public Intent setPackage(String pkg) { this.pkg = pkg; return this; }
  public ComponentName getComponent() { return component; }
  public Intent setComponent(ComponentName c) { this.component = c; return this; }
  public Intent setClassName(String pkg, String cls) { this.component = new ComponentName(pkg, cls); return this; }
  public Intent putExtra(String k, String v) { extras.put(k, v); return this; }
  public Intent putExtra(String k, int v) { extras.put(k, v); return this; }
  public Intent putExtra(String k, long v) { extras.put(k, v); return this; }
  public Intent putExtra(String k, boolean v) { extras.put(k, v); return this; }
  public String getStringExtra(String k) { Object v = extras.get(k); return v instanceof String ? (String) v : null; }
  public int getIntExtra(String k, int d) { Object v = extras.get(k); return v instanceof Integer ? (Integer) v : d; }
  public boolean getBooleanExtra(String k, boolean d) { Object v = extras.get(k); return v instanceof Boolean ? (Boolean) v : d; }
  public Map<String, Object> extras() { return extras; }

  @Override
  public String toString() {
    return "Intent{action=" + action + ", pkg=" + pkg + ", component=" + component + ", extras=" + extras + "}";
  }
}
