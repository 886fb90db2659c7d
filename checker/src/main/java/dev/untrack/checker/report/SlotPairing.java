package dev.untrack.checker.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which baseline partitions stand for which scanned ones across an A/B slot suffix: a fastboot super names its
 * partitions {@code system_a}, a payload OTA {@code system}, and the same build must still pair file by file.
 * Only unambiguous pairs: {@code system_a} with {@code system} when neither side holds both names ({@code _b}
 * only when that side has no {@code _a}). Names are the part of an item path before the first {@code :}.
 */
final class SlotPairing {
  private static final Pattern PARTITION = Pattern.compile("[A-Za-z0-9_.-]+");

  /** Baseline partition name to the scanned side's name, only for pairs made across a slot suffix. */
  private final Map<String, String> baselineToScanned;

  private SlotPairing(Map<String, String> baselineToScanned) {
    this.baselineToScanned = baselineToScanned;
  }

  static SlotPairing between(List<String> scannedPaths, List<String> baselinePaths) {
    Set<String> scanned = partitions(scannedPaths);
    Set<String> baseline = partitions(baselinePaths);
    Map<String, String> pairs = new TreeMap<>();
    for (String b : baseline) {
      String s = counterpart(b, baseline, scanned);
      // the reverse look-up must give the same pair, so one name is never paired twice
      if (s != null && b.equals(counterpart(s, scanned, baseline))) {
        pairs.put(b, s);
      }
    }
    return new SlotPairing(pairs);
  }

  /** The name {@code p} (from side {@code own}) pairs with on side {@code other}, or null. */
  private static String counterpart(String p, Set<String> own, Set<String> other) {
    if (other.contains(p)) {
      return null; // same name on both sides: paired as it is
    }
    String base = base(p);
    if (base != null) {
      boolean chosenSlot = p.endsWith("_a") || !own.contains(base + "_a");
      return chosenSlot && !own.contains(base) && other.contains(base) && !other.contains(base + "_a")
          && !other.contains(base + "_b") ? base : null;
    }
    if (own.contains(p + "_a") || own.contains(p + "_b")) {
      return null;
    }
    return other.contains(p + "_a") ? p + "_a" : other.contains(p + "_b") ? p + "_b" : null;
  }

  private static String base(String p) {
    return p.length() > 2 && (p.endsWith("_a") || p.endsWith("_b")) ? p.substring(0, p.length() - 2) : null;
  }

  private static Set<String> partitions(List<String> paths) {
    Set<String> out = new TreeSet<>();
    for (String p : paths) {
      int i = p.indexOf(':');
      if (i > 0 && PARTITION.matcher(p.substring(0, i)).matches()) {
        out.add(p.substring(0, i));
      }
    }
    return out;
  }

  /** {@code path} of a baseline item under the scanned side's partition name, for matching. */
  String matchKey(String baselinePath) {
    int i = baselinePath.indexOf(':');
    String to = i > 0 ? baselineToScanned.get(baselinePath.substring(0, i)) : null;
    return to == null ? baselinePath : to + baselinePath.substring(i);
  }

  /** The pairs made, {@code "system_a = system"} (scanned = baseline), sorted. */
  List<String> described() {
    List<String> out = new ArrayList<>();
    baselineToScanned.forEach((b, s) -> out.add(s + " = " + b));
    out.sort(null);
    return out;
  }
}
