package dev.untrack.checker;

import dev.untrack.checker.dex.AppCode;
import dev.untrack.checker.dex.CodeScanner;
import dev.untrack.checker.dex.DexImage;
import dev.untrack.checker.dex.MethodRef;
import dev.untrack.checker.flow.MethodAnalysis;
import dev.untrack.checker.flow.Summaries;
import dev.untrack.checker.match.ByteMatcher;
import dev.untrack.checker.match.Signatures;
import dev.untrack.checker.pack.EntryPoint;
import dev.untrack.checker.pack.HostRule;
import dev.untrack.checker.pack.SdkSignature;
import dev.untrack.checker.pack.SettingKey;
import dev.untrack.checker.report.AppError;
import dev.untrack.checker.report.CallSite;
import dev.untrack.checker.report.HostFinding;
import dev.untrack.checker.report.PathFinding;
import dev.untrack.checker.report.SdkFinding;
import dev.untrack.checker.report.SettingsFinding;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Analyses the dex files of one app: which SDKs it defines or only references, which anchors, hosts and URL
 * paths its strings contain, and every call site into a telemetry entry point (and into thin wrappers around
 * one), classified live, gated or neutralized; plus reads of opt-out settings keys.
 *
 * <p>Cheap passes first (type names and string data at the byte level, invokes by raw scan); only methods that
 * call an entry point or read an opt-out key are decoded and analysed.
 */
final class DexSetAnalyzer {
  /** Callers larger than this are reported but not followed as wrappers: wrappers are thin. */
  private static final int MAX_WRAPPER_UNITS = 4000;

  /** Tag of a call site into a pack entry point. */
  private record EntryTag(int sdk, EntryPoint entryPoint) {}

  /** Tag of a call site into a wrapper. */
  private record WrapperTag(List<String> sdks, List<String> via, int depth) {}

  /** A method worth decoding, with the raw offsets of its invokes of interest (for the error path). */
  private record Candidate(AppCode.MethodLoc loc, List<Integer> invokeOffsets) {}

  private final Signatures sigs;
  private List<DexImage> dexes;
  private final int wrapperDepth;
  private final List<AppError> errors;

  private final Map<Integer, TreeSet<String>> defined = new TreeMap<>();
  private final Map<Integer, TreeSet<String>> referenced = new TreeMap<>();
  private final Map<Integer, TreeSet<String>> anchors = new TreeMap<>();
  private final Map<String, HostFinding> hosts = new LinkedHashMap<>();
  private final Map<String, PathFinding> paths = new LinkedHashMap<>();
  private final List<CallSite> sites = new ArrayList<>();
  private final Map<String, SettingsFinding> settings = new LinkedHashMap<>();
  private final Map<String, Object> tagCache = new HashMap<>();

  private AppCode app;
  private Summaries summaries;

  DexSetAnalyzer(Signatures sigs, List<DexImage> dexes, int wrapperDepth, List<AppError> errors) {
    this.sigs = sigs;
    this.dexes = dexes;
    this.wrapperDepth = wrapperDepth;
    this.errors = errors;
  }

  /** Per-dex facts from the cheap passes, kept for the code pass. */
  private static final class DexFacts {
    final DexImage dex;
    final BitSet definedTypes = new BitSet();
    final BitSet entryClassTypes = new BitSet();
    final BitSet settingsClassTypes = new BitSet();
    final BitSet keyStrings = new BitSet();

    DexFacts(DexImage dex) {
      this.dex = dex;
    }
  }

  void run() {
    List<DexFacts> facts = new ArrayList<>();
    Set<String> definedAnywhere = new HashSet<>();
    Map<Integer, TreeSet<String>> mentioned = new TreeMap<>();
    List<DexImage> healthy = new ArrayList<>();
    for (DexImage d : dexes) {
      DexFacts f = new DexFacts(d);
      try {
        scanTypes(f, mentioned, definedAnywhere);
        scanStrings(f);
        facts.add(f);
        healthy.add(d);
      } catch (CheckerException | RuntimeException e) {
        errors.add(new AppError(d.name(), message(e), false));
      }
    }
    // A dex whose id sections do not even read is left out of the code model, so it cannot take the others
    // down with it.
    dexes = healthy;
    for (var e : mentioned.entrySet()) {
      for (String t : e.getValue()) {
        if (!definedAnywhere.contains(t)) {
          referenced.computeIfAbsent(e.getKey(), k -> new TreeSet<>()).add(t);
        }
      }
    }
    try {
      codePass(facts);
    } catch (CheckerException | RuntimeException e) {
      errors.add(new AppError("code", message(e), false));
    }
  }

  /**
   * One line for a problem. Our own and rom-tools' exceptions describe malformed input; anything else is a bug
   * in the checker, and says so (the fuzz tests look for that prefix).
   */
  static String message(Throwable e) {
    if (e instanceof CheckerException || e instanceof dev.untrack.rom.RomFormatException
        || e instanceof dev.untrack.signing.SigningException) {
      return e.getMessage();
    }
    if (e instanceof java.io.IOException) {
      return "read error: " + e.getMessage();
    }
    return INTERNAL + e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  static final String INTERNAL = "internal error (a bug in untrack, please report it): ";

  // ------------------------------------------------------------------ pass 1: type names

  /** Collects the matches of one type descriptor; reused across descriptors to avoid allocation. */
  private final class TypeHits implements ByteMatcher.Hits {
    final ByteMatcher m = sigs.typeMatcher();
    DexFacts facts;
    int type;
    int off;
    int bestSdk;
    int bestLen;
    final List<Integer> substringSdks = new ArrayList<>();

    void reset(DexFacts f, int t, int o) {
      facts = f;
      type = t;
      off = o;
      bestSdk = -1;
      bestLen = 0;
      substringSdks.clear();
    }

    @Override
    public void hit(int id, int end) {
      Signatures.TypePattern p = sigs.typePatterns().get(id);
      boolean atStart = end - m.length(id) == off;
      if (p.anchored() && !atStart) {
        return;
      }
      switch (p.kind()) {
        case ENTRY_POINT_CLASS:
          facts.entryClassTypes.set(type);
          break;
        case SETTINGS_CLASS:
          facts.settingsClassTypes.set(type);
          break;
        default:
          if (!p.anchored()) {
            substringSdks.add(p.sdk());
          } else if (m.length(id) > bestLen) {
            bestSdk = p.sdk();
            bestLen = m.length(id);
          }
      }
    }
  }

  private void scanTypes(DexFacts f, Map<Integer, TreeSet<String>> mentioned, Set<String> definedAnywhere)
      throws CheckerException {
    DexImage d = f.dex;
    for (int c = 0; c < d.classCount(); c++) {
      int t = d.classTypeIndex(c);
      f.definedTypes.set(t);
    }
    byte[] buf = d.bytes();
    TypeHits h = new TypeHits();
    for (int t = 0; t < d.typeCount(); t++) {
      int off = d.stringDataOffset(d.typeStringIndex(t));
      h.reset(f, t, off);
      h.m.scanCString(buf, off, buf.length, h);
      if (h.bestSdk < 0 && h.substringSdks.isEmpty()) {
        continue;
      }
      String desc = d.type(t);
      boolean isDefined = f.definedTypes.get(t);
      if (isDefined) {
        definedAnywhere.add(desc);
      }
      if (h.bestSdk >= 0) {
        record(h.bestSdk, desc, isDefined, mentioned);
      }
      for (int s : h.substringSdks) {
        record(s, desc, isDefined, mentioned);
      }
    }
  }

  private void record(int sdk, String desc, boolean isDefined, Map<Integer, TreeSet<String>> mentioned) {
    if (isDefined) {
      defined.computeIfAbsent(sdk, k -> new TreeSet<>()).add(desc);
    } else {
      mentioned.computeIfAbsent(sdk, k -> new TreeSet<>()).add(desc);
    }
  }

  // ------------------------------------------------------------------ pass 2: string data

  private void scanStrings(DexFacts f) throws CheckerException {
    DexImage d = f.dex;
    ByteMatcher m = sigs.stringMatcher();
    byte[] buf = d.bytes();
    int[] hits = new int[64];
    int[] ends = new int[64];
    int[] n = new int[1];
    ByteMatcher.Hits collect = (id, end) -> {
      if (n[0] < hits.length) {
        hits[n[0]] = id;
        ends[n[0]] = end;
        n[0]++;
      }
    };
    // Type descriptors were scanned in the type pass; no host, path or anchor lives in "Lcom/...;".
    BitSet typeStrings = new BitSet(d.stringCount());
    for (int t = 0; t < d.typeCount(); t++) {
      typeStrings.set(d.typeStringIndex(t));
    }
    for (int s = 0; s < d.stringCount(); s++) {
      if (typeStrings.get(s)) {
        continue;
      }
      int off = d.stringDataOffset(s);
      n[0] = 0;
      int nul = m.scanCString(buf, off, buf.length, collect);
      if (n[0] == 0) {
        continue;
      }
      String text = null;
      int[] hostRules = new int[n[0]];
      int hostCount = 0;
      for (int k = 0; k < n[0]; k++) {
        Signatures.StringPattern p = sigs.stringPatterns().get(hits[k]);
        boolean whole = ends[k] - m.length(hits[k]) == off && ends[k] == nul;
        switch (p.kind()) {
          case ANCHOR:
            if (!p.exact() || whole) {
              anchors.computeIfAbsent(p.sdk(), x -> new TreeSet<>()).add(p.text());
            }
            break;
          case SETTING_KEY:
            if (whole) {
              f.keyStrings.set(s);
            }
            break;
          case PATH: {
            if (text == null) {
              text = d.string(s);
            }
            String sdkId = sigs.sdks().get(p.sdk()).id();
            paths.putIfAbsent(p.text() + "|" + d.name(), new PathFinding(p.text(), sdkId, d.name(),
                Evidence.example(text)));
            break;
          }
          case HOST:
            hostRules[hostCount++] = p.ref();
            break;
          default:
            break;
        }
      }
      if (hostCount > 0) {
        if (text == null) {
          text = d.string(s);
        }
        for (Evidence.HostHit h : Evidence.hosts(sigs, text, hostRules, hostCount)) {
          HostRule r = sigs.hostRules().get(h.rule());
          boolean functional = r.sdkId() != null && sigs.sdks().get(sigs.sdkIndex(r.sdkId())).functional();
          hosts.putIfAbsent(h.token() + "|" + r.label() + "|" + d.name(),
              new HostFinding(h.token(), r.label(), r.sdkId(), d.name(), Evidence.example(text), false, functional));
        }
      }
    }
  }

  // ------------------------------------------------------------------ pass 3: code

  private void codePass(List<DexFacts> facts) throws CheckerException {
    List<Candidate> candidates = new ArrayList<>();
    for (DexFacts f : facts) {
      try {
        candidates.addAll(directCandidates(f));
      } catch (CheckerException | RuntimeException e) {
        errors.add(new AppError(f.dex.name(), message(e), false));
      }
    }
    if (candidates.isEmpty()) {
      return;
    }
    ensureApp();
    Map<String, WrapperTag> wrappers = new TreeMap<>();
    analyze(candidates, 0, wrappers);
    Set<String> done = new HashSet<>();
    for (int depth = 1; depth <= wrapperDepth && !wrappers.isEmpty(); depth++) {
      Map<String, WrapperTag> current = wrappers;
      done.addAll(current.keySet());
      List<Candidate> callers = new ArrayList<>();
      for (DexFacts f : facts) {
        try {
          callers.addAll(wrapperCandidates(f, current.keySet()));
        } catch (CheckerException | RuntimeException e) {
          errors.add(new AppError(f.dex.name(), message(e), false));
        }
      }
      Map<String, WrapperTag> next = new TreeMap<>();
      analyzeWrapperCallers(callers, current, depth, next);
      next.keySet().removeAll(done);
      wrappers = next;
    }
    summaries.releaseBodies();
  }

  private void ensureApp() throws CheckerException {
    if (app == null) {
      app = new AppCode(dexes);
      summaries = new Summaries(app, sigs);
    }
  }

  /** Methods that invoke an entry point, or read settings with an opt-out key. */
  private List<Candidate> directCandidates(DexFacts f) throws CheckerException {
    DexImage d = f.dex;
    BitSet targets = new BitSet();
    BitSet getters = new BitSet();
    for (int m = 0; m < d.methodCount(); m++) {
      int ci = d.methodClassIndex(m);
      if (f.entryClassTypes.get(ci)) {
        if (entryTag(d.methodRef(m)) != null) {
          targets.set(m);
        }
      } else if (f.settingsClassTypes.get(ci) && d.methodRef(m).name().startsWith("get")) {
        getters.set(m);
      }
    }
    boolean settingsWanted = !getters.isEmpty() && !f.keyStrings.isEmpty();
    if (targets.isEmpty() && !settingsWanted) {
      return List.of();
    }
    return scan(d, targets, settingsWanted ? getters : new BitSet(), f.keyStrings);
  }

  /** Methods that invoke one of {@code keys}. */
  private List<Candidate> wrapperCandidates(DexFacts f, Set<String> keys) throws CheckerException {
    DexImage d = f.dex;
    Set<String> classes = new HashSet<>();
    for (String k : keys) {
      classes.add(k.substring(0, k.indexOf("->")));
    }
    BitSet targets = new BitSet();
    for (int m = 0; m < d.methodCount(); m++) {
      if (classes.contains(d.type(d.methodClassIndex(m))) && keys.contains(d.methodKey(m))) {
        targets.set(m);
      }
    }
    if (targets.isEmpty()) {
      return List.of();
    }
    return scan(d, targets, new BitSet(), new BitSet());
  }

  private List<Candidate> scan(DexImage d, BitSet targets, BitSet getters, BitSet keyStrings) throws CheckerException {
    List<Candidate> out = new ArrayList<>();
    for (int c = 0; c < d.classCount(); c++) {
      final int classDef = c;
      CodeScanner.forEachMethod(d, c, (idx, access, code, direct) -> {
        List<Integer> invokes = new ArrayList<>();
        boolean[] getter = new boolean[1];
        boolean[] key = new boolean[1];
        CodeScanner.scanCode(d, code, new CodeScanner.InsnVisitor() {
          @Override
          public void invoke(int insnOffset, int methodIdx) {
            if (targets.get(methodIdx)) {
              invokes.add(insnOffset);
            }
            if (getters.get(methodIdx)) {
              getter[0] = true;
            }
          }

          @Override
          public void constString(int insnOffset, int stringIdx) {
            if (keyStrings.get(stringIdx)) {
              key[0] = true;
            }
          }
        });
        if (!invokes.isEmpty() || (getter[0] && key[0])) {
          out.add(new Candidate(new AppCode.MethodLoc(d, classDef, idx, access, code, d.methodRef(idx)), invokes));
        }
      });
    }
    return out;
  }

  /** The entry point a reference names, or null; cached by key. */
  private EntryTag entryTag(MethodRef ref) {
    String key = ref.key();
    Object t = tagCache.get(key);
    if (t == null) {
      t = Boolean.FALSE;
      List<EntryPoint.Matcher> eps = sigs.entryPoints();
      for (EntryPoint.Matcher m : eps) {
        if (m.matches(ref.definingClass(), ref.name(), ref.proto())) {
          t = new EntryTag(sigs.sdkIndex(m.entryPoint().sdkId()), m.entryPoint());
          break;
        }
      }
      tagCache.put(key, t);
    }
    return t instanceof EntryTag ? (EntryTag) t : null;
  }

  /** Whether {@code type} belongs to a telemetry SDK (any pack, functional SDKs excepted). */
  private boolean inTelemetrySdk(String type) {
    for (SdkSignature s : sigs.sdks()) {
      if (s.functional()) {
        continue;
      }
      for (String p : s.prefixes()) {
        if (type.startsWith(p)) {
          return true;
        }
      }
    }
    return false;
  }

  private void analyze(List<Candidate> candidates, int depth, Map<String, WrapperTag> newWrappers) {
    for (Candidate c : candidates) {
      // Calls made inside an SDK (its own API, or another SDK it embeds, like the analytics client's binder
      // calls) are the SDK's business, governed by its entry points; the app's own calls are what is reported.
      boolean sdkCode = inTelemetrySdk(c.loc().ref().definingClass());
      MethodAnalysis.Result r;
      try {
        r = MethodAnalysis.analyze(summaries, c.loc(), ref -> sdkCode ? null : entryTag(ref),
            key -> sigs.settingKey(key) != null);
      } catch (CheckerException | RuntimeException e) {
        undecodable(c, e, depth, null);
        continue;
      }
      record(c, r, depth, null, newWrappers);
    }
  }

  private void analyzeWrapperCallers(List<Candidate> callers, Map<String, WrapperTag> wrappers, int depth,
      Map<String, WrapperTag> newWrappers) {
    for (Candidate c : callers) {
      String self = c.loc().ref().key();
      MethodAnalysis.Result r;
      try {
        r = MethodAnalysis.analyze(summaries, c.loc(), ref -> {
          String k = ref.key();
          return k.equals(self) ? null : wrappers.get(k);
        }, key -> false);
      } catch (CheckerException | RuntimeException e) {
        undecodable(c, e, depth, wrappers);
        continue;
      }
      record(c, r, depth, wrappers, newWrappers);
    }
  }

  private void undecodable(Candidate c, Exception e, int depth, Map<String, WrapperTag> wrappers) {
    AppCode.MethodLoc loc = c.loc();
    errors.add(new AppError(loc.ref().key(), "could not analyse the method: " + message(e), false));
    for (int off : c.invokeOffsets()) {
      sites.add(new CallSite("live", List.of("?"), loc.ref().definingClass(), loc.ref().signature(), "?", List.of(),
          depth, loc.dex().name(), off, "the calling method could not be analysed, so the call counts as live",
          List.of()));
    }
  }

  private void record(Candidate c, MethodAnalysis.Result r, int depth, Map<String, WrapperTag> wrappers,
      Map<String, WrapperTag> newWrappers) {
    AppCode.MethodLoc loc = c.loc();
    MethodRef caller = loc.ref();
    for (MethodAnalysis.Site s : r.sites()) {
      List<String> sdkIds;
      List<String> via;
      if (s.tag() instanceof EntryTag) {
        sdkIds = List.of(sigs.sdks().get(((EntryTag) s.tag()).sdk()).id());
        via = List.of();
      } else {
        WrapperTag w = (WrapperTag) s.tag();
        sdkIds = w.sdks();
        via = w.via();
      }
      String status = s.status().name().toLowerCase(java.util.Locale.ROOT);
      sites.add(new CallSite(status, sdkIds, caller.definingClass(), caller.signature(), s.target().key(), via, depth,
          loc.dex().name(), s.insnOffset(), s.reason(), s.stringArgs()));
      boolean thin = r.codeUnits() <= MAX_WRAPPER_UNITS && !caller.name().startsWith("<");
      if (s.status() == MethodAnalysis.Status.LIVE && s.forwardsParameter() && thin) {
        List<String> chain = new ArrayList<>();
        chain.add(s.target().key());
        chain.addAll(via);
        newWrappers.merge(caller.key(), new WrapperTag(sdkIds, chain, depth + 1), DexSetAnalyzer::mergeTags);
      }
    }
    for (MethodAnalysis.SettingsRead read : r.reads()) {
      SettingKey k = sigs.settingKey(read.key());
      String def;
      Boolean consent;
      switch (read.defaultKind()) {
        case "const":
          def = Long.toString(read.defaultValue());
          consent = k.consentWhen().isConsent(read.defaultValue()) && read.reachedWhenUnset();
          break;
        case "none":
          def = "none";
          consent = null;
          break;
        default:
          def = "unknown";
          consent = null;
      }
      settings.putIfAbsent(loc.dex().name() + "@" + read.insnOffset(), new SettingsFinding(read.namespace(),
          read.key(), def, consent, read.reachedWhenUnset(), caller.definingClass(), caller.signature(),
          loc.dex().name(), read.insnOffset()));
    }
  }

  private static WrapperTag mergeTags(WrapperTag a, WrapperTag b) {
    TreeSet<String> sdks = new TreeSet<>(a.sdks());
    sdks.addAll(b.sdks());
    List<String> via = new ArrayList<>(a.via());
    for (String v : b.via()) {
      if (!via.contains(v)) {
        via.add(v);
      }
    }
    return new WrapperTag(List.copyOf(sdks), via, Math.min(a.depth(), b.depth()));
  }

  // ------------------------------------------------------------------ results

  /** The dex files that were analysed (a dex whose tables do not read is reported as an error instead). */
  List<DexImage> analysedDexes() {
    return dexes;
  }

  List<SdkFinding> sdks() {
    TreeSet<Integer> ids = new TreeSet<>();
    ids.addAll(defined.keySet());
    ids.addAll(referenced.keySet());
    for (var e : anchors.entrySet()) {
      if (e.getValue().size() >= sigs.sdks().get(e.getKey()).minAnchors()) {
        ids.add(e.getKey());
      }
    }
    List<SdkFinding> out = new ArrayList<>();
    for (int i : ids) {
      SdkSignature s = sigs.sdks().get(i);
      TreeSet<String> def = defined.getOrDefault(i, new TreeSet<>());
      TreeSet<String> ref = referenced.getOrDefault(i, new TreeSet<>());
      String status = !def.isEmpty() ? "defined" : !ref.isEmpty() ? "referenced" : "anchored";
      List<String> examples = new ArrayList<>();
      def.stream().limit(5).forEach(examples::add);
      ref.stream().limit(5 - examples.size()).forEach(examples::add);
      int live = 0;
      int gated = 0;
      int neutralized = 0;
      for (CallSite c : sites) {
        if (c.depth() == 0 && c.sdks().contains(s.id())) {
          switch (c.status()) {
            case "live":
              live++;
              break;
            case "gated":
              gated++;
              break;
            default:
              neutralized++;
          }
        }
      }
      out.add(new SdkFinding(s.id(), s.name(), s.pack(), s.category(), s.functional(), status, def.size(), ref.size(),
          examples, List.copyOf(anchors.getOrDefault(i, new TreeSet<>())), live, gated, neutralized));
    }
    out.sort(Comparator.comparing(SdkFinding::id));
    return out;
  }

  List<CallSite> callSites() {
    List<CallSite> out = new ArrayList<>(sites);
    out.sort(Comparator.comparingInt((CallSite c) -> dexOrder(c.dex())).thenComparingLong(CallSite::offset)
        .thenComparingInt(CallSite::depth));
    return out;
  }

  private int dexOrder(String name) {
    for (int i = 0; i < dexes.size(); i++) {
      if (dexes.get(i).name().equals(name)) {
        return i;
      }
    }
    return Integer.MAX_VALUE;
  }

  List<HostFinding> hosts() {
    List<HostFinding> out = new ArrayList<>(hosts.values());
    out.sort(Comparator.comparing(HostFinding::host).thenComparing(HostFinding::where));
    return out;
  }

  List<PathFinding> paths() {
    List<PathFinding> out = new ArrayList<>(paths.values());
    out.sort(Comparator.comparing(PathFinding::fragment).thenComparing(PathFinding::where));
    return out;
  }

  List<SettingsFinding> settings() {
    List<SettingsFinding> out = new ArrayList<>(settings.values());
    out.sort(Comparator.comparingInt((SettingsFinding s) -> dexOrder(s.dex())).thenComparingLong(SettingsFinding::offset));
    return out;
  }
}
