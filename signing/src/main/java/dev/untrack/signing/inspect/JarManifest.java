package dev.untrack.signing.inspect;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A JAR manifest or signature file ({@code MANIFEST.MF}, {@code *.SF}) as sections of attributes, keeping each
 * section's raw byte range: a {@code .SF} signs the digest of those exact bytes (the section including the blank
 * line that ends it). Lenient, like Android's parser: unparseable lines are skipped.
 */
final class JarManifest {
  /** A per-entry section: {@code Name:} and its attributes, at {@code [start, end)} of the file. */
  record Section(String name, Map<String, String> attributes, int start, int end) {}

  private final Map<String, String> main;
  private final List<Section> sections;

  private JarManifest(Map<String, String> main, List<Section> sections) {
    this.main = main;
    this.sections = sections;
  }

  Map<String, String> main() {
    return main;
  }

  Optional<Section> section(String name) {
    for (Section s : sections) {
      if (name.equals(s.name())) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  static JarManifest parse(byte[] b) {
    Map<String, String> main = new LinkedHashMap<>();
    List<Section> sections = new ArrayList<>();
    int p = 0;
    boolean first = true;
    while (p < b.length) {
      int start = p;
      Map<String, String> attrs = new LinkedHashMap<>();
      String lastKey = null;
      // one section: lines until an empty line or the end
      while (p < b.length) {
        int eol = p;
        while (eol < b.length && b[eol] != '\n' && b[eol] != '\r') {
          eol++;
        }
        int next = eol;
        if (next < b.length && b[next] == '\r') {
          next++;
        }
        if (next < b.length && b[next] == '\n') {
          next++;
        }
        if (eol == p) {
          p = next;
          break;
        }
        String line = new String(b, p, eol - p, StandardCharsets.UTF_8);
        if (line.startsWith(" ") && lastKey != null) {
          attrs.put(lastKey, attrs.get(lastKey) + line.substring(1));
        } else {
          int colon = line.indexOf(": ");
          if (colon > 0) {
            lastKey = line.substring(0, colon);
            attrs.putIfAbsent(lastKey, line.substring(colon + 2));
          }
        }
        p = next;
        if (next == eol) {
          p = b.length;
        }
      }
      if (first) {
        main.putAll(attrs);
        first = false;
      } else if (attrs.containsKey("Name")) {
        sections.add(new Section(attrs.get("Name"), attrs, start, p));
      }
    }
    return new JarManifest(main, sections);
  }
}
