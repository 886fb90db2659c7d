package dev.untrack.checker.pack;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A telemetry host. Matched against host-like tokens found in strings (a maximal run of letters, digits, dots
 * and dashes), because URLs are assembled at run time and hosts often stand alone.
 *
 * @param sdkId the SDK it belongs to, or null for a host the pack knows without tying it to one SDK
 * @param host a bare host: the token must equal it or be a subdomain of it; null when {@code regex} is used
 * @param regex a regular expression searched in the token (Exodus network signatures); null for bare hosts
 * @param prefilter a literal every match contains, used to find candidates fast
 * @param why where the host comes from
 */
public record HostRule(String sdkId, String host, Pattern regex, String prefilter, String why) {
  public HostRule {
    if ((host == null) == (regex == null)) {
      throw new IllegalArgumentException("a host rule has either a host or a regex");
    }
    if (prefilter == null || prefilter.isEmpty()) {
      throw new IllegalArgumentException("a host rule needs a literal prefilter");
    }
  }

  public static HostRule bare(String sdkId, String host, String why) {
    String h = host.toLowerCase(Locale.ROOT);
    return new HostRule(sdkId, h, null, h, why);
  }

  public boolean matchesToken(String token) {
    String t = token.toLowerCase(Locale.ROOT);
    if (host != null) {
      return t.equals(host) || (t.endsWith(host) && t.charAt(t.length() - host.length() - 1) == '.');
    }
    // A match must sit on label boundaries: ".google.com" is not in "com.google.common".
    java.util.regex.Matcher m = regex.matcher(t);
    while (m.find()) {
      int s = m.start();
      int e = m.end();
      boolean startOk = s == 0 || t.charAt(s - 1) == '.' || t.charAt(s) == '.';
      boolean endOk = e == t.length() || t.charAt(e) == '.' || (e > 0 && t.charAt(e - 1) == '.');
      if (startOk && endOk && e > s) {
        return true;
      }
    }
    return false;
  }

  /** What the report shows as the rule that matched. */
  public String label() {
    return host != null ? host : regex.pattern();
  }
}
