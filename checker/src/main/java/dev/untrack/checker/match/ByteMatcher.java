package dev.untrack.checker.match;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Aho–Corasick over bytes: finds every occurrence of many literal patterns in one pass, without decoding.
 * Dex strings are MUTF-8, which is byte-identical to ASCII for the hosts, paths, class names and anchors we look
 * for, so the scan runs on the raw string data of a dex and only strings that match are ever decoded.
 *
 * <p>Built once per scan and shared read-only between threads.
 */
public final class ByteMatcher {
  /** Receives (pattern id, index one past the last byte of the occurrence). */
  @FunctionalInterface
  public interface Hits {
    void hit(int patternId, int end);
  }

  /** Low bits of a transition: the target state's row offset; the sign bit: the target state has outputs. */
  private static final int MASK = 0x7fffffff;

  private final int[] byteClass = new int[256];
  private final int classes;
  private final int[] delta;
  private final int[][] outputs;
  private final int[] lengths;

  private ByteMatcher(int[] delta, int classes, int[][] outputs, int[] byteClass, int[] lengths) {
    this.delta = delta;
    this.classes = classes;
    this.outputs = outputs;
    System.arraycopy(byteClass, 0, this.byteClass, 0, 256);
    this.lengths = lengths;
  }

  /** Length in bytes of pattern {@code id}. */
  public int length(int id) {
    return lengths[id];
  }

  public int patternCount() {
    return lengths.length;
  }

  /** Scans {@code buf[from, to)}. */
  public void scan(byte[] buf, int from, int to, Hits hits) {
    int s = 0;
    for (int i = from; i < to; i++) {
      s = delta[(s & MASK) + byteClass[buf[i] & 0xff]];
      if (s < 0) {
        for (int id : outputs[(s & MASK) / classes]) {
          hits.hit(id, i + 1);
        }
      }
    }
  }

  /**
   * Scans a NUL-terminated byte string starting at {@code from} (dex string data) and returns the index of the
   * terminating NUL, or {@code limit} if none was found before it.
   */
  public int scanCString(byte[] buf, int from, int limit, Hits hits) {
    int s = 0;
    int i = from;
    for (; i < limit; i++) {
      int b = buf[i];
      if (b == 0) {
        return i;
      }
      s = delta[(s & MASK) + byteClass[b & 0xff]];
      if (s < 0) {
        for (int id : outputs[(s & MASK) / classes]) {
          hits.hit(id, i + 1);
        }
      }
    }
    return i;
  }

  /** Builds the automaton; pattern ids are the indexes in {@code patterns}. Empty patterns are refused. */
  public static ByteMatcher build(List<byte[]> patterns) {
    int[] byteClass = new int[256];
    int classes = 1;
    for (byte[] p : patterns) {
      if (p.length == 0) {
        throw new IllegalArgumentException("empty pattern");
      }
      for (byte b : p) {
        if (byteClass[b & 0xff] == 0) {
          byteClass[b & 0xff] = classes++;
        }
      }
    }
    // Trie with sparse children first, then the full transition table.
    List<int[]> children = new ArrayList<>();
    List<int[]> own = new ArrayList<>();
    children.add(newRow(classes));
    own.add(null);
    for (int id = 0; id < patterns.size(); id++) {
      int s = 0;
      for (byte b : patterns.get(id)) {
        int c = byteClass[b & 0xff];
        int next = children.get(s)[c];
        if (next < 0) {
          next = children.size();
          children.add(newRow(classes));
          own.add(null);
          children.get(s)[c] = next;
        }
        s = next;
      }
      own.set(s, append(own.get(s), id));
    }
    int n = children.size();
    int[] delta = new int[n * classes];
    int[] fail = new int[n];
    int[][] outputs = new int[n][];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int c = 0; c < classes; c++) {
      int child = children.get(0)[c];
      if (child < 0) {
        delta[c] = 0;
      } else {
        delta[c] = child;
        fail[child] = 0;
        queue.add(child);
      }
    }
    outputs[0] = own.get(0);
    while (!queue.isEmpty()) {
      int s = queue.poll();
      int[] out = own.get(s);
      int[] inherited = outputs[fail[s]];
      outputs[s] = merge(out, inherited);
      for (int c = 0; c < classes; c++) {
        int child = children.get(s)[c];
        if (child < 0) {
          delta[s * classes + c] = delta[fail[s] * classes + c];
        } else {
          delta[s * classes + c] = child;
          fail[child] = delta[fail[s] * classes + c];
          queue.add(child);
        }
      }
    }
    // Pre-multiply targets by the row width and flag states with outputs in the sign bit, so the inner loop
    // does one table load and one sign test per byte.
    if ((long) n * classes > MASK) {
      throw new IllegalArgumentException("too many patterns for one automaton");
    }
    for (int k = 0; k < delta.length; k++) {
      int t = delta[k];
      delta[k] = t * classes | (outputs[t] != null ? Integer.MIN_VALUE : 0);
    }
    int[] lengths = patterns.stream().mapToInt(p -> p.length).toArray();
    return new ByteMatcher(delta, classes, outputs, byteClass, lengths);
  }

  private static int[] newRow(int classes) {
    int[] r = new int[classes];
    Arrays.fill(r, -1);
    return r;
  }

  private static int[] append(int[] a, int v) {
    if (a == null) {
      return new int[] {v};
    }
    int[] b = Arrays.copyOf(a, a.length + 1);
    b[a.length] = v;
    return b;
  }

  private static int[] merge(int[] a, int[] b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    int[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
