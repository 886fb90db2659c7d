package dev.untrack.checker.match;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ByteMatcherTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> hits(ByteMatcher m, List<String> pats, String text) {
    List<String> out = new ArrayList<>();
    byte[] t = b(text);
    m.scan(t, 0, t.length, (id, end) -> out.add(pats.get(id) + "@" + (end - m.length(id))));
    return out;
  }

  @Test
  void findsOverlappingAndNestedPatterns() {
    List<String> pats = List.of("he", "she", "his", "hers", "tracking.miui.com", "miui");
    ByteMatcher m = ByteMatcher.build(pats.stream().map(ByteMatcherTest::b).toList());
    assertEquals(List.of("she@1", "he@2", "hers@2"), hits(m, pats, "ushers"));
    assertEquals(List.of("miui@17", "tracking.miui.com@8"), hits(m, pats, "https://tracking.miui.com/x"));
  }

  @Test
  void cStringScanStopsAtNul() {
    List<String> pats = List.of("abc");
    ByteMatcher m = ByteMatcher.build(pats.stream().map(ByteMatcherTest::b).toList());
    byte[] buf = {'x', 'a', 'b', 0, 'a', 'b', 'c', 0};
    List<Integer> ends = new ArrayList<>();
    assertEquals(3, m.scanCString(buf, 0, buf.length, (id, end) -> ends.add(end)));
    assertEquals(List.of(), ends);
    assertEquals(7, m.scanCString(buf, 4, buf.length, (id, end) -> ends.add(end)));
    assertEquals(List.of(7), ends);
    assertEquals(2, m.scanCString(buf, 1, 2 + 1 - 1, (id, end) -> ends.add(end)), "limit without a NUL");
  }

  @Test
  void agreesWithNaiveSearchOnRandomInput() {
    Random r = new Random(42);
    List<String> pats = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      StringBuilder sb = new StringBuilder();
      int len = 1 + r.nextInt(6);
      for (int k = 0; k < len; k++) {
        sb.append((char) ('a' + r.nextInt(4)));
      }
      pats.add(sb.toString());
    }
    ByteMatcher m = ByteMatcher.build(pats.stream().map(ByteMatcherTest::b).toList());
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      text.append((char) ('a' + r.nextInt(5)));
    }
    String t = text.toString();
    int[] count = new int[1];
    byte[] tb = b(t);
    m.scan(tb, 0, tb.length, (id, end) -> count[0]++);
    int naive = 0;
    for (String p : pats) {
      for (int at = t.indexOf(p); at >= 0; at = t.indexOf(p, at + 1)) {
        naive++;
      }
    }
    assertEquals(naive, count[0]);
  }

  @Test
  void emptyPatternSetMatchesNothing() {
    ByteMatcher m = ByteMatcher.build(List.of());
    byte[] t = b("anything");
    m.scan(t, 0, t.length, (id, end) -> {
      throw new AssertionError();
    });
  }
}
