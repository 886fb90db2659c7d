package dev.untrack.signing.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** PEM armour ({@code -----BEGIN X-----}, base64, {@code -----END X-----}): just enough for keys and certificates. */
public final class Pem {
  private Pem() {}

  /** A decoded PEM block. */
  public record Block(String label, byte[] der) {}

  /** True if {@code bytes} start (after whitespace) with a PEM header. */
  public static boolean looksLikePem(byte[] bytes) {
    int i = 0;
    while (i < bytes.length && Character.isWhitespace(bytes[i])) {
      i++;
    }
    return bytes.length - i >= 11 && new String(bytes, i, 11, StandardCharsets.US_ASCII).equals("-----BEGIN ");
  }

  /** The first PEM block in {@code text}, or empty if there is none or its base64 is broken. */
  public static Optional<Block> first(byte[] text) {
    String s = new String(text, StandardCharsets.US_ASCII);
    int begin = s.indexOf("-----BEGIN ");
    if (begin < 0) {
      return Optional.empty();
    }
    int labelEnd = s.indexOf("-----", begin + 11);
    if (labelEnd < 0) {
      return Optional.empty();
    }
    String label = s.substring(begin + 11, labelEnd);
    String endMarker = "-----END " + label + "-----";
    int end = s.indexOf(endMarker, labelEnd + 5);
    if (end < 0) {
      return Optional.empty();
    }
    String body = s.substring(labelEnd + 5, end);
    StringBuilder b64 = new StringBuilder();
    for (String line : body.split("\r?\n")) {
      // RFC 1421 headers (Proc-Type, DEK-Info) mark legacy OpenSSL encryption, which is not supported here.
      if (line.contains(":")) {
        return Optional.empty();
      }
      b64.append(line.trim());
    }
    try {
      return Optional.of(new Block(label, Base64.getDecoder().decode(b64.toString())));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  public static String encode(String label, byte[] der) {
    String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + b64 + "\n-----END " + label + "-----\n";
  }
}
