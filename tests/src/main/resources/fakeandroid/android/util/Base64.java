package android.util;

public final class Base64 {
  public static final int DEFAULT = 0;
  public static final int NO_PADDING = 1;
  public static final int NO_WRAP = 2;
  public static final int URL_SAFE = 8;

  private Base64() {}

  public static String encodeToString(byte[] input, int flags) {
    java.util.Base64.Encoder e = (flags & URL_SAFE) != 0 ? java.util.Base64.getUrlEncoder() : java.util.Base64.getEncoder();
    if ((flags & NO_PADDING) != 0) {
      e = e.withoutPadding();
    }
    return e.encodeToString(input);
  }

  public static byte[] encode(byte[] input, int flags) {
    return encodeToString(input, flags).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  public static byte[] decode(String s, int flags) {
    return ((flags & URL_SAFE) != 0 ? java.util.Base64.getUrlDecoder() : java.util.Base64.getMimeDecoder()).decode(s);
  }
}
