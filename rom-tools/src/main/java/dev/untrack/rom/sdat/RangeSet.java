package dev.untrack.rom.sdat;

import java.util.ArrayList;
import java.util.List;

/**
 * A set of half-open block ranges as written in transfer lists: {@code N,a0,b0,a1,b1,…} where N counts the
 * numbers that follow. Ranges keep their written order: for {@code new} it is the order blocks are taken from
 * {@code new.dat}.
 */
public final class RangeSet {
  /** 2^31 blocks of 4 KiB = 8 TiB: beyond any partition, and keeps block arithmetic far from overflow. */
  public static final long MAX_BLOCK = 1L << 31;
  /** Numbers in one rangeset; far above real lists (a few thousand) and bounds the arrays we allocate. */
  public static final int MAX_NUMBERS = 1 << 22;

  private final long[] bounds;
  private final long blocks;

  private RangeSet(long[] bounds) {
    this.bounds = bounds;
    long n = 0;
    for (int i = 0; i < bounds.length; i += 2) {
      n += bounds[i + 1] - bounds[i];
    }
    this.blocks = n;
  }

  /** Ranges as {@code [start0, end0, start1, end1, …]}; each start < end, within {@link #MAX_BLOCK}. */
  public static RangeSet of(long... bounds) {
    check(bounds);
    return new RangeSet(bounds.clone());
  }

  private static void check(long[] bounds) {
    if (bounds.length == 0 || bounds.length % 2 != 0) {
      throw new IllegalArgumentException("a rangeset needs pairs of numbers");
    }
    for (int i = 0; i < bounds.length; i += 2) {
      if (bounds[i] < 0 || bounds[i] >= bounds[i + 1] || bounds[i + 1] > MAX_BLOCK) {
        throw new IllegalArgumentException("bad range [" + bounds[i] + ", " + bounds[i + 1] + ")");
      }
    }
  }

  /** Parses the text form; the message of the exception says what is wrong (the caller adds where). */
  public static RangeSet parse(String text) {
    String[] parts = text.split(",", -1);
    long count = number(parts[0]);
    if (count != parts.length - 1) {
      throw new IllegalArgumentException("rangeset declares " + count + " numbers but has " + (parts.length - 1));
    }
    if (count == 0 || count % 2 != 0) {
      throw new IllegalArgumentException("rangeset must hold a positive, even count of numbers, not " + count);
    }
    if (count > MAX_NUMBERS) {
      throw new IllegalArgumentException("rangeset of " + count + " numbers exceeds the limit");
    }
    long[] b = new long[(int) count];
    for (int i = 0; i < b.length; i++) {
      b[i] = number(parts[i + 1]);
    }
    try {
      check(b);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("rangeset has a " + e.getMessage());
    }
    return new RangeSet(b);
  }

  private static long number(String s) {
    if (s.isEmpty() || s.length() > 12) {
      throw new IllegalArgumentException("'" + (s.length() > 20 ? s.substring(0, 20) + "…" : s)
          + "' is not a block number");
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException("'" + s + "' is not a block number");
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  public int rangeCount() {
    return bounds.length / 2;
  }

  public long start(int i) {
    return bounds[2 * i];
  }

  public long end(int i) {
    return bounds[2 * i + 1];
  }

  /** Total blocks over all ranges. */
  public long blocks() {
    return blocks;
  }

  /** Largest end block. */
  public long maxEnd() {
    long m = 0;
    for (int i = 1; i < bounds.length; i += 2) {
      m = Math.max(m, bounds[i]);
    }
    return m;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder().append(bounds.length);
    for (long b : bounds) {
      sb.append(',').append(b);
    }
    return sb.toString();
  }

  /** Builds a rangeset from blocks given in ascending order, merging neighbours. */
  public static final class Builder {
    private final List<long[]> ranges = new ArrayList<>();

    public Builder add(long start, long end) {
      if (!ranges.isEmpty() && ranges.get(ranges.size() - 1)[1] == start) {
        ranges.get(ranges.size() - 1)[1] = end;
      } else {
        ranges.add(new long[] {start, end});
      }
      return this;
    }

    public boolean isEmpty() {
      return ranges.isEmpty();
    }

    public RangeSet build() {
      long[] b = new long[ranges.size() * 2];
      for (int i = 0; i < ranges.size(); i++) {
        b[2 * i] = ranges.get(i)[0];
        b[2 * i + 1] = ranges.get(i)[1];
      }
      return of(b);
    }
  }
}
