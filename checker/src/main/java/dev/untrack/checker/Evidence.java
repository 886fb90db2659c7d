package dev.untrack.checker;

import dev.untrack.checker.match.Signatures;
import dev.untrack.checker.pack.HostRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Small helpers for turning matched strings into report evidence. */
final class Evidence {
  private static final int MAX_EXAMPLE = 160;

  private Evidence() {}

  /** A string made safe and short for a report line. */
  static String example(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && sb.length() < MAX_EXAMPLE; i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    if (s.length() > MAX_EXAMPLE) {
      sb.append('…');
    }
    return sb.toString();
  }

  /** A host match: the token found in the text and the index of the rule it matched best. */
  record HostHit(String token, int rule) {}

  /**
   * Host-like tokens (maximal runs of letters, digits, dots and dashes) around each occurrence of the
   * candidate rules' literals, with the best rule for each token.
   */
  static List<HostHit> hosts(Signatures sigs, String text, int[] candidates, int count) {
    List<HostHit> out = new ArrayList<>();
    String lower = text.toLowerCase(Locale.ROOT);
    List<String> seen = new ArrayList<>();
    for (int c = 0; c < count; c++) {
      HostRule r = sigs.hostRules().get(candidates[c]);
      String lit = r.prefilter();
      for (int at = lower.indexOf(lit); at >= 0; at = lower.indexOf(lit, at + 1)) {
        int s = at;
        while (s > 0 && hostChar(lower.charAt(s - 1))) {
          s--;
        }
        int e = at + lit.length();
        while (e < lower.length() && hostChar(lower.charAt(e))) {
          e++;
        }
        String token = trim(lower.substring(s, e));
        if (token.indexOf('.') < 0 || seen.contains(token)) {
          continue;
        }
        seen.add(token);
        int best = sigs.bestHostRule(token, candidates, count);
        if (best >= 0) {
          out.add(new HostHit(token, best));
        }
      }
    }
    return out;
  }

  private static boolean hostChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
  }

  private static String trim(String t) {
    int s = 0;
    int e = t.length();
    while (s < e && (t.charAt(s) == '.' || t.charAt(s) == '-')) {
      s++;
    }
    while (e > s && (t.charAt(e - 1) == '.' || t.charAt(e - 1) == '-')) {
      e--;
    }
    return t.substring(s, e);
  }
}
