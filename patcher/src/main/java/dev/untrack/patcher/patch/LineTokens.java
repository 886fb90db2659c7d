package dev.untrack.patcher.patch;

import dev.untrack.patcher.PatchSyntaxException;
import java.util.ArrayList;
import java.util.List;

/** Splits one directive line into blank-separated arguments, honouring {@code "…"} with Java escapes. */
final class LineTokens {
  /** One argument: its text (unquoted and unescaped if it was quoted) and its 1-based column. */
  record Token(String text, int column, boolean quoted) {}

  private LineTokens() {}

  static List<Token> split(String line, String file, int lineNo) throws PatchSyntaxException {
    List<Token> out = new ArrayList<>();
    int i = 0;
    int n = line.length();
    while (i < n) {
      char c = line.charAt(i);
      if (c == ' ' || c == '\t') {
        i++;
        continue;
      }
      int start = i;
      if (c == '"') {
        StringBuilder sb = new StringBuilder();
        i++;
        boolean closed = false;
        while (i < n) {
          char d = line.charAt(i);
          if (d == '"') {
            closed = true;
            i++;
            break;
          }
          if (d == '\\') {
            if (i + 1 >= n) {
              throw new PatchSyntaxException(new SourcePos(file, lineNo, i + 1), "backslash at the end of the line");
            }
            char e = line.charAt(i + 1);
            switch (e) {
              case '"' -> sb.append('"');
              case '\\' -> sb.append('\\');
              case 'n' -> sb.append('\n');
              case 't' -> sb.append('\t');
              case 'r' -> sb.append('\r');
              case '\'' -> sb.append('\'');
              case 'u' -> {
                if (i + 6 > n || !isHex(line, i + 2, i + 6)) {
                  throw new PatchSyntaxException(new SourcePos(file, lineNo, i + 1),
                      "\\u must be followed by 4 hex digits");
                }
                sb.append((char) Integer.parseInt(line.substring(i + 2, i + 6), 16));
                i += 4;
              }
              default -> throw new PatchSyntaxException(new SourcePos(file, lineNo, i + 1),
                  "unknown escape \\" + e + " (use \\\" \\\\ \\n \\t \\r or \\uXXXX)");
            }
            i += 2;
            continue;
          }
          sb.append(d);
          i++;
        }
        if (!closed) {
          throw new PatchSyntaxException(new SourcePos(file, lineNo, start + 1), "unterminated string");
        }
        if (i < n && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
          throw new PatchSyntaxException(new SourcePos(file, lineNo, i + 1), "expected a blank after the closing quote");
        }
        out.add(new Token(sb.toString(), start + 1, true));
      } else {
        while (i < n && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
          i++;
        }
        out.add(new Token(line.substring(start, i), start + 1, false));
      }
    }
    return out;
  }

  private static boolean isHex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }
}
