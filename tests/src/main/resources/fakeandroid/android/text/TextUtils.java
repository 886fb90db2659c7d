package android.text;

public final class TextUtils {
  private TextUtils() {}

  public static boolean isEmpty(CharSequence s) {
    return s == null || s.length() == 0;
  }

  public static boolean equals(CharSequence a, CharSequence b) {
    return a == b || (a != null && b != null && a.toString().equals(b.toString()));
  }

  public static String join(CharSequence delimiter, Iterable<?> tokens) {
    StringBuilder sb = new StringBuilder();
    for (Object t : tokens) {
      if (sb.length() > 0) {
        sb.append(delimiter);
      }
      sb.append(t);
    }
    return sb.toString();
  }
}
