package android.net;

public final class Uri {
  private final String s;

  private Uri(String s) {
    this.s = s;
  }

  public static Uri parse(String s) {
    return new Uri(s);
  }

  public String getHost() {
    return java.net.URI.create(s).getHost();
  }

  public String getQueryParameter(String key) {
    String q = java.net.URI.create(s).getRawQuery();
    if (q == null) {
      return null;
    }
    for (String kv : q.split("&")) {
      int i = kv.indexOf('=');
      if (i > 0 && kv.substring(0, i).equals(key)) {
        return kv.substring(i + 1);
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return s;
  }
}
