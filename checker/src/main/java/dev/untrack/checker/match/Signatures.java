package dev.untrack.checker.match;

import dev.untrack.checker.pack.Anchor;
import dev.untrack.checker.pack.EntryPoint;
import dev.untrack.checker.pack.HostRule;
import dev.untrack.checker.pack.SdkSignature;
import dev.untrack.checker.pack.SettingKey;
import dev.untrack.checker.pack.SignaturePack;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signature packs compiled for scanning: one automaton over type descriptors (SDK prefixes, Exodus fragments,
 * entry-point classes) and one over string constants (anchors, hosts, URL paths, settings keys). Immutable;
 * shared by all scanning threads.
 */
public final class Signatures {
  /** What a pattern in the type automaton marks. */
  public enum TypeKind { SDK, ENTRY_POINT_CLASS, SETTINGS_CLASS }

  /**
   * What a pattern in the type automaton stands for.
   *
   * @param sdk index into {@link #sdks()}, or -1
   * @param anchored the pattern must match at the start of the descriptor
   * @param kind what a match marks
   */
  public record TypePattern(int sdk, boolean anchored, TypeKind kind) {}

  /** Type descriptor prefix of the classes whose getters read settings. */
  public static final String SETTINGS_CLASS_PREFIX = "Landroid/provider/Settings$";

  /** Kinds of string patterns. */
  public enum StringKind { ANCHOR, HOST, PATH, SETTING_KEY }

  /**
   * What a pattern in the string automaton stands for.
   *
   * @param kind what it is
   * @param ref index into {@link #sdks()} (anchors, paths), {@link #hostRules()} or {@link #settingKeys()}
   * @param exact the whole string must equal the pattern
   * @param text the pattern
   * @param sdk owning SDK index, or -1
   */
  public record StringPattern(StringKind kind, int ref, boolean exact, String text, int sdk) {}

  private final List<SignaturePack> packs;
  private final List<SdkSignature> sdks;
  private final List<HostRule> hostRules;
  private final List<SettingKey> settingKeys;
  private final Map<String, Integer> settingIndex;
  private final List<EntryPoint.Matcher> entryPoints;
  private final List<TypePattern> typePatterns;
  private final ByteMatcher typeMatcher;
  private final List<StringPattern> stringPatterns;
  private final ByteMatcher stringMatcher;
  private final Map<String, Integer> sdkIndex;

  private Signatures(List<SignaturePack> packs) {
    this.packs = List.copyOf(packs);
    List<SdkSignature> all = new ArrayList<>();
    Map<String, Integer> index = new LinkedHashMap<>();
    List<HostRule> hosts = new ArrayList<>();
    List<SettingKey> keys = new ArrayList<>();
    Map<String, Integer> keyIndex = new LinkedHashMap<>();
    for (SignaturePack p : packs) {
      for (SdkSignature s : p.sdks()) {
        if (index.containsKey(s.id())) {
          throw new IllegalArgumentException("SDK id " + s.id() + " is defined by two packs");
        }
        index.put(s.id(), all.size());
        all.add(s);
        hosts.addAll(s.hosts());
      }
      hosts.addAll(p.hosts());
      for (SettingKey k : p.settings()) {
        if (!keyIndex.containsKey(k.key())) {
          keyIndex.put(k.key(), keys.size());
          keys.add(k);
        }
      }
    }
    this.sdks = Collections.unmodifiableList(all);
    this.sdkIndex = Collections.unmodifiableMap(index);
    this.hostRules = Collections.unmodifiableList(hosts);
    this.settingKeys = Collections.unmodifiableList(keys);
    this.settingIndex = Collections.unmodifiableMap(keyIndex);

    List<EntryPoint.Matcher> eps = new ArrayList<>();
    List<byte[]> tp = new ArrayList<>();
    List<TypePattern> tmeta = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      SdkSignature s = all.get(i);
      for (String prefix : s.prefixes()) {
        tp.add(bytes(prefix));
        tmeta.add(new TypePattern(i, true, TypeKind.SDK));
      }
      for (String sub : s.substrings()) {
        tp.add(bytes(sub));
        tmeta.add(new TypePattern(i, false, TypeKind.SDK));
      }
      for (EntryPoint e : s.entryPoints()) {
        EntryPoint.Matcher m = e.matcher();
        eps.add(m);
        String lit = m.classLiteralPrefix();
        if (lit.length() > 1) {
          tp.add(bytes(lit));
          tmeta.add(new TypePattern(i, true, TypeKind.ENTRY_POINT_CLASS));
        }
      }
    }
    tp.add(bytes(SETTINGS_CLASS_PREFIX));
    tmeta.add(new TypePattern(-1, true, TypeKind.SETTINGS_CLASS));
    this.entryPoints = Collections.unmodifiableList(eps);
    this.typePatterns = Collections.unmodifiableList(tmeta);
    this.typeMatcher = ByteMatcher.build(tp);

    List<byte[]> sp = new ArrayList<>();
    List<StringPattern> smeta = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      SdkSignature s = all.get(i);
      for (Anchor a : s.anchors()) {
        sp.add(bytes(a.text()));
        smeta.add(new StringPattern(StringKind.ANCHOR, i, a.exact(), a.text(), i));
      }
      for (String path : s.paths()) {
        sp.add(bytes(path));
        smeta.add(new StringPattern(StringKind.PATH, i, false, path, i));
      }
    }
    for (int h = 0; h < hosts.size(); h++) {
      HostRule r = hosts.get(h);
      sp.add(bytes(r.prefilter()));
      smeta.add(new StringPattern(StringKind.HOST, h, false, r.prefilter(),
          r.sdkId() == null ? -1 : index.get(r.sdkId())));
    }
    for (int k = 0; k < keys.size(); k++) {
      sp.add(bytes(keys.get(k).key()));
      smeta.add(new StringPattern(StringKind.SETTING_KEY, k, true, keys.get(k).key(), -1));
    }
    this.stringPatterns = Collections.unmodifiableList(smeta);
    this.stringMatcher = ByteMatcher.build(sp);
  }

  public static Signatures compile(List<SignaturePack> packs) {
    return new Signatures(packs);
  }

  private static byte[] bytes(String s) {
    // MUTF-8 and UTF-8 agree for every character except NUL and supplementary ones, neither of which occurs in
    // a pattern we would write.
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public List<SignaturePack> packs() {
    return packs;
  }

  public List<SdkSignature> sdks() {
    return sdks;
  }

  public int sdkIndex(String id) {
    Integer i = sdkIndex.get(id);
    return i == null ? -1 : i;
  }

  public List<HostRule> hostRules() {
    return hostRules;
  }

  public List<SettingKey> settingKeys() {
    return settingKeys;
  }

  /** The opt-out key with this name, or null. */
  public SettingKey settingKey(String key) {
    Integer i = settingIndex.get(key);
    return i == null ? null : settingKeys.get(i);
  }

  public List<EntryPoint.Matcher> entryPoints() {
    return entryPoints;
  }

  public List<TypePattern> typePatterns() {
    return typePatterns;
  }

  public ByteMatcher typeMatcher() {
    return typeMatcher;
  }

  public List<StringPattern> stringPatterns() {
    return stringPatterns;
  }

  public ByteMatcher stringMatcher() {
    return stringMatcher;
  }

  /** The rule among {@code candidates} (indexes into {@link #hostRules()}) that matches best: longest host. */
  public int bestHostRule(String token, int[] candidates, int count) {
    int best = -1;
    int bestLen = -1;
    for (int i = 0; i < count; i++) {
      HostRule r = hostRules.get(candidates[i]);
      if (r.matchesToken(token) && r.label().length() > bestLen) {
        best = candidates[i];
        bestLen = r.label().length();
      }
    }
    return best;
  }
}
