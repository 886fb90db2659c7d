package dev.untrack.checker.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The result of a scan, as data: one {@link AppReport} per app or scanned file (sorted by path), digests of the
 * other files when digests were requested, and a {@link Comparison} when compared with a baseline.
 *
 * @param inputs what was scanned
 * @param packs signature packs used
 * @param apps per-app results, sorted by path
 * @param otherFiles other files with digests (only when digests were requested)
 * @param comparison the comparison with a baseline, or null
 */
public record ScanReport(List<String> inputs, List<PackInfo> packs, List<AppReport> apps, List<FileDigest> otherFiles,
    Comparison comparison) {

  private static final Pattern EXPECTED_ENTRY = Pattern.compile("classes\\d*\\.dex|META-INF/.*");

  public ScanReport {
    inputs = List.copyOf(inputs);
    packs = List.copyOf(packs);
    apps = List.copyOf(apps);
    otherFiles = List.copyOf(otherFiles);
  }

  public ScanSummary summary() {
    int errors = 0;
    int withLive = 0;
    long live = 0;
    long gated = 0;
    long neutralized = 0;
    long hosts = 0;
    long consent = 0;
    Map<String, Integer> defined = new TreeMap<>();
    Map<String, Integer> referenced = new TreeMap<>();
    Map<String, Integer> findings = new TreeMap<>();
    Severity highest = null;
    for (AppReport a : apps) {
      if (!a.errors().isEmpty()) {
        errors++;
      }
      long l = a.count("live");
      if (l > 0) {
        withLive++;
      }
      live += l;
      gated += a.count("gated");
      neutralized += a.count("neutralized");
      hosts += a.hosts().stream().filter(h -> h.severity() != Severity.INFO).count();
      consent += a.settings().stream().filter(s -> Boolean.TRUE.equals(s.unsetMeansConsent())).count();
      for (SdkFinding s : a.sdks()) {
        if (s.status().equals("defined")) {
          defined.merge(s.id(), 1, Integer::sum);
        } else if (s.status().equals("referenced")) {
          referenced.merge(s.id(), 1, Integer::sum);
        }
      }
      for (Finding f : a.findings()) {
        findings.merge(f.severity().label(), 1, Integer::sum);
        if (highest == null || f.severity().compareTo(highest) > 0) {
          highest = f.severity();
        }
      }
    }
    return new ScanSummary(apps.size(), errors, withLive, live, gated, neutralized, defined, referenced, hosts,
        consent, findings, highest == null ? "none" : highest.label());
  }

  /** True when some finding is at least {@code threshold}. */
  public boolean hasFindingsAtLeast(Severity threshold) {
    for (AppReport a : apps) {
      for (Finding f : a.findings()) {
        if (f.severity().compareTo(threshold) >= 0) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * This report compared with {@code baseline}: the comparison attached, and each APK's signature judged against
   * the original's (which is how a keep-cert patch is told from a broken signature).
   */
  public ScanReport comparedWith(ScanReport baseline) {
    SlotPairing slots = slotPairing(baseline);
    Map<String, AppReport> before = appsByMatchKey(baseline, slots);
    List<AppReport> judged = new ArrayList<>();
    for (AppReport a : apps) {
      AppReport b = before.get(a.path());
      judged.add(a.signature() != null && b != null && b.signature() != null
          ? a.withSignature(a.signature().judgedAgainst(b.signature())) : a);
    }
    ScanReport r = new ScanReport(inputs, packs, judged, otherFiles, null);
    return r.withComparison(r.compare(baseline, slots)); // r has this report's paths, so the same pairing
  }

  /** This report with {@code c} attached. */
  public ScanReport withComparison(Comparison c) {
    return new ScanReport(inputs, packs, apps, otherFiles, c);
  }

  /**
   * Compares this scan (the patched output) with {@code baseline} (the original). Apps are matched by path.
   * Call sites are matched by caller, target and occurrence, since patching moves dex offsets. Firmware
   * partitions are paired across an A/B slot suffix when that is unambiguous (see {@link SlotPairing}).
   */
  public Comparison compare(ScanReport baseline) {
    return compare(baseline, slotPairing(baseline));
  }

  private Comparison compare(ScanReport baseline, SlotPairing slots) {
    Map<String, AppReport> before = appsByMatchKey(baseline, slots);
    Map<String, AppReport> after = new HashMap<>();
    apps.forEach(a -> after.put(a.path(), a));
    TreeSet<String> paths = new TreeSet<>(before.keySet());
    paths.addAll(after.keySet());
    List<Comparison.AppDelta> deltas = new ArrayList<>();
    List<Comparison.Unexpected> unexpected = new ArrayList<>();
    long liveBefore = 0;
    long liveAfter = 0;
    long removed = 0;
    long added = 0;
    for (String key : paths) {
      AppReport b = before.get(key);
      AppReport a = after.get(key);
      String p = a != null ? a.path() : b.path(); // the real name: a removed item keeps the baseline's
      Comparison.AppDelta d = delta(p, b, a);
      deltas.add(d);
      liveBefore += d.liveBefore();
      liveAfter += d.liveAfter();
      removed += d.removedLive().size();
      added += d.newLive().size();
      if (d.change().equals("changed")) {
        List<String> odd = d.changedEntries().stream().filter(e -> !EXPECTED_ENTRY.matcher(e).matches()).toList();
        if (!d.telemetryChanged()) {
          unexpected.add(new Comparison.Unexpected(p, "changed, but its telemetry findings did not"
              + (d.changedEntries().isEmpty() ? "" : " (entries changed: " + d.changedEntries() + ")")));
        } else if (!odd.isEmpty()) {
          unexpected.add(new Comparison.Unexpected(p, "entries other than dex code and signatures changed: " + odd));
        }
      } else if (d.change().equals("added") || d.change().equals("removed")) {
        unexpected.add(new Comparison.Unexpected(p, "app " + d.change()));
      }
    }
    List<Comparison.FileDelta> files = new ArrayList<>();
    Map<String, FileDigest> fb = new HashMap<>();
    baseline.otherFiles.forEach(f -> fb.put(slots.matchKey(f.path()), f));
    Map<String, FileDigest> fa = new HashMap<>();
    otherFiles.forEach(f -> fa.put(f.path(), f));
    TreeSet<String> fpaths = new TreeSet<>(fb.keySet());
    fpaths.addAll(fa.keySet());
    for (String key : fpaths) {
      FileDigest x = fb.get(key);
      FileDigest y = fa.get(key);
      String p = y != null ? y.path() : x.path();
      String change = x == null ? "added" : y == null ? "removed"
          : Objects.equals(x.sha256(), y.sha256()) && x.size() == y.size() ? null : "changed";
      if (change != null) {
        files.add(new Comparison.FileDelta(p, change));
        if (!isCompiledArtifact(p)) {
          unexpected.add(new Comparison.Unexpected(p, "file " + change + " outside the apps"));
        }
      }
    }
    return new Comparison(baseline.inputs, deltas, files, liveBefore, liveAfter, removed, added, unexpected,
        slots.described());
  }

  /** The baseline's apps by path, under the scanned side's partition names where a slot pairing applies. */
  private static Map<String, AppReport> appsByMatchKey(ScanReport baseline, SlotPairing slots) {
    Map<String, AppReport> before = new HashMap<>();
    baseline.apps.forEach(a -> before.put(slots.matchKey(a.path()), a));
    return before;
  }

  private SlotPairing slotPairing(ScanReport baseline) {
    return SlotPairing.between(paths(this), paths(baseline));
  }

  private static List<String> paths(ScanReport r) {
    List<String> out = new ArrayList<>();
    r.apps.forEach(a -> out.add(a.path()));
    r.otherFiles.forEach(f -> out.add(f.path()));
    return out;
  }

  /** Stale ahead-of-time compilation output next to a patched app is expected to go. */
  private static boolean isCompiledArtifact(String p) {
    return p.contains("/oat/") || p.endsWith(".odex") || p.endsWith(".vdex") || p.endsWith(".art");
  }

  private static Comparison.AppDelta delta(String path, AppReport b, AppReport a) {
    if (b == null || a == null) {
      AppReport only = b == null ? a : b;
      List<CallSite> live = only.sites("live");
      return new Comparison.AppDelta(path, b == null ? "added" : "removed", List.of(), true,
          b == null ? 0 : live.size(), a == null ? 0 : live.size(),
          b == null ? 0 : b.count("gated"), a == null ? 0 : a.count("gated"),
          b == null ? 0 : b.count("neutralized"), a == null ? 0 : a.count("neutralized"),
          b == null ? List.of() : live, List.of(), a == null ? List.of() : live, List.of());
    }
    boolean same = b.sha256() != null && a.sha256() != null ? b.sha256().equals(a.sha256())
        : b.size() == a.size() && b.entries().equals(a.entries());
    List<String> changedEntries = new ArrayList<>();
    TreeSet<String> names = new TreeSet<>(b.entries().keySet());
    names.addAll(a.entries().keySet());
    for (String n : names) {
      if (!Objects.equals(b.entries().get(n), a.entries().get(n))) {
        changedEntries.add(n);
      }
    }
    Map<String, Integer> liveAfterKeys = keys(a.sites("live"));
    Map<String, Integer> liveBeforeKeys = keys(b.sites("live"));
    List<CallSite> removedLive = new ArrayList<>();
    List<CallSite> remaining = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (CallSite c : b.sites("live")) {
      String k = occurrenceKey(c, seen);
      if (liveAfterKeys.containsKey(k)) {
        remaining.add(c);
      } else {
        removedLive.add(c);
      }
    }
    List<CallSite> newLive = new ArrayList<>();
    seen.clear();
    for (CallSite c : a.sites("live")) {
      if (!liveBeforeKeys.containsKey(occurrenceKey(c, seen))) {
        newLive.add(c);
      }
    }
    List<String> sdkChanges = new ArrayList<>();
    Map<String, String> sb = new TreeMap<>();
    b.sdks().forEach(s -> sb.put(s.id(), s.status()));
    Map<String, String> sa = new TreeMap<>();
    a.sdks().forEach(s -> sa.put(s.id(), s.status()));
    TreeSet<String> ids = new TreeSet<>(sb.keySet());
    ids.addAll(sa.keySet());
    for (String id : ids) {
      String x = sb.getOrDefault(id, "absent");
      String y = sa.getOrDefault(id, "absent");
      if (!x.equals(y)) {
        sdkChanges.add(id + ": " + x + " -> " + y);
      }
    }
    boolean telemetryChanged = !removedLive.isEmpty() || !newLive.isEmpty() || !sdkChanges.isEmpty()
        || b.count("gated") != a.count("gated") || b.count("neutralized") != a.count("neutralized")
        || b.hosts().size() != a.hosts().size() || b.paths().size() != a.paths().size()
        || !settingsKeys(b).equals(settingsKeys(a));
    return new Comparison.AppDelta(path, same ? "unchanged" : "changed", same ? List.of() : changedEntries,
        telemetryChanged, b.count("live"), a.count("live"), b.count("gated"), a.count("gated"),
        b.count("neutralized"), a.count("neutralized"), removedLive, remaining, newLive, sdkChanges);
  }

  private static List<String> settingsKeys(AppReport r) {
    return r.settings().stream().map(s -> s.callerClass() + "->" + s.callerMethod() + " " + s.key() + "="
        + s.defaultValue()).sorted().toList();
  }

  private static Map<String, Integer> keys(List<CallSite> sites) {
    Map<String, Integer> seen = new HashMap<>();
    Map<String, Integer> out = new HashMap<>();
    for (CallSite c : sites) {
      out.put(occurrenceKey(c, seen), 1);
    }
    return out;
  }

  private static String occurrenceKey(CallSite c, Map<String, Integer> seen) {
    String base = c.caller() + " -> " + c.target();
    int n = seen.merge(base, 1, Integer::sum);
    return base + " #" + n;
  }
}
