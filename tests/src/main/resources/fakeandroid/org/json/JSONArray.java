package org.json;

import java.util.ArrayList;
import java.util.List;

public class JSONArray {
  private final List<Object> list = new ArrayList<>();

  public JSONArray() {}

  public JSONArray(String json) throws JSONException {
    Object v = new JSONObject.Json(json).value();
    if (!(v instanceof JSONArray)) {
      throw new JSONException("not an array: " + json);
    }
    list.addAll(((JSONArray) v).list);
  }

  public JSONArray(java.util.Collection<?> c) {
    for (Object o : c) {
      list.add(JSONObject.wrap(o));
    }
  }

  public JSONArray put(Object v) { list.add(v); return this; }
  public JSONArray put(int v) { list.add(v); return this; }
  public JSONArray put(long v) { list.add(v); return this; }
  public JSONArray put(boolean v) { list.add(v); return this; }
  public int length() { return list.size(); }
  public Object opt(int i) { return i >= 0 && i < list.size() ? list.get(i) : null; }
  public Object get(int i) throws JSONException { Object v = opt(i); if (v == null) { throw new JSONException("no value at " + i); } return v; }
  public String optString(int i) { Object v = opt(i); return v == null ? "" : String.valueOf(v); }
  public String getString(int i) throws JSONException { return String.valueOf(get(i)); }
  public JSONObject optJSONObject(int i) { Object v = opt(i); return v instanceof JSONObject ? (JSONObject) v : null; }
  public JSONObject getJSONObject(int i) throws JSONException { Object v = get(i); if (v instanceof JSONObject) { return (JSONObject) v; } throw new JSONException("not an object at " + i); }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (Object o : list) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append(JSONObject.valueToString(o));
    }
    return sb.append(']').toString();
  }
}
