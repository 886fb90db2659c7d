package org.json;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Fake of Android's org.json.JSONObject: insertion-ordered, enough for SDK payloads and server configs. */
public class JSONObject {
  public static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "null";
    }
  };

  final Map<String, Object> map = new LinkedHashMap<>();

  public JSONObject() {}

  public JSONObject(Map<?, ?> copy) {
    if (copy != null) {
      for (Map.Entry<?, ?> e : copy.entrySet()) {
        map.put(String.valueOf(e.getKey()), wrap(e.getValue()));
      }
    }
  }

  public JSONObject(String json) throws JSONException {
    Object v = new Json(json).value();
    if (!(v instanceof JSONObject)) {
      throw new JSONException("not an object: " + json);
    }
    map.putAll(((JSONObject) v).map);
  }

  static Object wrap(Object o) {
    if (o instanceof Map) {
      return new JSONObject((Map<?, ?>) o);
    }
    if (o instanceof java.util.Collection) {
      JSONArray a = new JSONArray();
      for (Object x : (java.util.Collection<?>) o) {
        a.put(wrap(x));
      }
      return a;
    }
    return o;
  }

  public JSONObject put(String k, Object v) throws JSONException { if (v == null) { map.remove(k); } else { map.put(k, v); } return this; }
  public JSONObject put(String k, boolean v) throws JSONException { map.put(k, v); return this; }
  public JSONObject put(String k, int v) throws JSONException { map.put(k, v); return this; }
  public JSONObject put(String k, long v) throws JSONException { map.put(k, v); return this; }
  public JSONObject put(String k, double v) throws JSONException { map.put(k, v); return this; }
  public JSONObject putOpt(String k, Object v) throws JSONException { return k == null || v == null ? this : put(k, v); }
  public Object remove(String k) { return map.remove(k); }
  public boolean has(String k) { return map.containsKey(k); }
  public boolean isNull(String k) { Object v = map.get(k); return v == null || v == NULL; }
  public int length() { return map.size(); }
  public Iterator<String> keys() { return new java.util.ArrayList<>(map.keySet()).iterator(); }
  public JSONArray names() { JSONArray a = new JSONArray(); for (String k : map.keySet()) { a.put(k); } return map.isEmpty() ? null : a; }
  public Object opt(String k) { return map.get(k); }

  public Object get(String k) throws JSONException {
    Object v = map.get(k);
    if (v == null) {
      throw new JSONException("No value for " + k);
    }
    return v;
  }

  public String optString(String k) { return optString(k, ""); }
  public String optString(String k, String d) { Object v = map.get(k); return v == null || v == NULL ? d : String.valueOf(v); }
  public String getString(String k) throws JSONException { return String.valueOf(get(k)); }
  public boolean optBoolean(String k) { return optBoolean(k, false); }
  public boolean optBoolean(String k, boolean d) { Object v = map.get(k); return v instanceof Boolean ? (Boolean) v : v instanceof String ? Boolean.parseBoolean((String) v) : d; }
  public boolean getBoolean(String k) throws JSONException { Object v = get(k); if (v instanceof Boolean) { return (Boolean) v; } throw new JSONException(k + " is not a boolean"); }
  public int optInt(String k) { return optInt(k, 0); }
  public int optInt(String k, int d) { Object v = map.get(k); return v instanceof Number ? ((Number) v).intValue() : d; }
  public int getInt(String k) throws JSONException { Object v = get(k); if (v instanceof Number) { return ((Number) v).intValue(); } throw new JSONException(k + " is not a number"); }
  public long optLong(String k) { return optLong(k, 0L); }
  public long optLong(String k, long d) { Object v = map.get(k); return v instanceof Number ? ((Number) v).longValue() : d; }
  public long getLong(String k) throws JSONException { Object v = get(k); if (v instanceof Number) { return ((Number) v).longValue(); } throw new JSONException(k + " is not a number"); }
  public double optDouble(String k) { Object v = map.get(k); return v instanceof Number ? ((Number) v).doubleValue() : Double.NaN; }
  public JSONObject optJSONObject(String k) { Object v = map.get(k); return v instanceof JSONObject ? (JSONObject) v : null; }
  public JSONObject getJSONObject(String k) throws JSONException { Object v = get(k); if (v instanceof JSONObject) { return (JSONObject) v; } throw new JSONException(k + " is not an object"); }
  public JSONArray optJSONArray(String k) { Object v = map.get(k); return v instanceof JSONArray ? (JSONArray) v : null; }
  public JSONArray getJSONArray(String k) throws JSONException { Object v = get(k); if (v instanceof JSONArray) { return (JSONArray) v; } throw new JSONException(k + " is not an array"); }

  public static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"': sb.append("\\\""); break;
        case '\\': sb.append("\\\\"); break;
        case '\n': sb.append("\\n"); break;
        case '\r': sb.append("\\r"); break;
        case '\t': sb.append("\\t"); break;
        default:
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    return sb.append('"').toString();
  }

  static String valueToString(Object v) {
    if (v == null || v == NULL) {
      return "null";
    }
    if (v instanceof String) {
      return quote((String) v);
    }
    return v.toString();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (Map.Entry<String, Object> e : map.entrySet()) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append(quote(e.getKey())).append(':').append(valueToString(e.getValue()));
    }
    return sb.append('}').toString();
  }

  public String toString(int indent) {
    return toString();
  }

  /** A small JSON reader. */
  static final class Json {
    private final String s;
    private int i;

    Json(String s) {
      this.s = s == null ? "" : s;
    }

    Object value() {
      ws();
      if (i >= s.length()) {
        throw new JSONException("end of input");
      }
      char c = s.charAt(i);
      if (c == '{') {
        i++;
        JSONObject o = new JSONObject();
        ws();
        if (peek('}')) {
          i++;
          return o;
        }
        while (true) {
          ws();
          String k = (String) value();
          ws();
          expect(':');
          o.map.put(k, value());
          ws();
          if (peek(',')) {
            i++;
            continue;
          }
          expect('}');
          return o;
        }
      }
      if (c == '[') {
        i++;
        JSONArray a = new JSONArray();
        ws();
        if (peek(']')) {
          i++;
          return a;
        }
        while (true) {
          a.put(value());
          ws();
          if (peek(',')) {
            i++;
            continue;
          }
          expect(']');
          return a;
        }
      }
      if (c == '"') {
        StringBuilder sb = new StringBuilder();
        i++;
        while (i < s.length() && s.charAt(i) != '"') {
          char x = s.charAt(i++);
          if (x == '\\') {
            char e = s.charAt(i++);
            switch (e) {
              case 'n': sb.append('\n'); break;
              case 't': sb.append('\t'); break;
              case 'r': sb.append('\r'); break;
              case 'u': sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; break;
              default: sb.append(e);
            }
          } else {
            sb.append(x);
          }
        }
        expect('"');
        return sb.toString();
      }
      int start = i;
      while (i < s.length() && ",}] \n\r\t".indexOf(s.charAt(i)) < 0) {
        i++;
      }
      String lit = s.substring(start, i);
      switch (lit) {
        case "true": return Boolean.TRUE;
        case "false": return Boolean.FALSE;
        case "null": return NULL;
        default:
          try {
            if (lit.contains(".") || lit.contains("e") || lit.contains("E")) {
              return Double.parseDouble(lit);
            }
            long l = Long.parseLong(lit);
            return l == (int) l ? (Object) (int) l : (Object) l;
          } catch (NumberFormatException e) {
            throw new JSONException("bad literal " + lit);
          }
      }
    }

    private void ws() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    private boolean peek(char c) {
      return i < s.length() && s.charAt(i) == c;
    }

    private void expect(char c) {
      if (!peek(c)) {
        throw new JSONException("expected " + c + " at " + i);
      }
      i++;
    }
  }
}
