package dev.untrack.checker.pack;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import dev.untrack.checker.CheckerException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Loads signature packs: the built-in Xiaomi pack (a data file in this jar), files in the same format, and
 * tracker lists in the Exodus Privacy JSON format ({@code {"trackers": {"<id>": {code_signature,
 * network_signature, ...}}}}).
 */
public final class PackLoader {
  /** Largest pack file accepted; the Exodus list is about 0.6 MB. */
  private static final long MAX_PACK_BYTES = 64L << 20;

  private static final String XIAOMI_RESOURCE = "xiaomi.json";

  private PackLoader() {}

  /** The built-in pack of Xiaomi first-party SDKs, hosts and opt-out keys. */
  public static SignaturePack xiaomi() {
    try (InputStream in = PackLoader.class.getResourceAsStream(XIAOMI_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("built-in pack " + XIAOMI_RESOURCE + " missing from the jar");
      }
      return parse(new InputStreamReader(in, StandardCharsets.UTF_8), "built-in " + XIAOMI_RESOURCE);
    } catch (IOException e) {
      throw new IllegalStateException("built-in pack " + XIAOMI_RESOURCE + " does not load: " + e.getMessage(), e);
    }
  }

  /** A pack file in either format (the Exodus format is recognised by its top-level {@code trackers}). */
  public static SignaturePack load(Path file) throws IOException {
    long size = Files.size(file);
    if (size > MAX_PACK_BYTES) {
      throw CheckerException.badPack(file.toString(), "file is " + size + " bytes, more than " + MAX_PACK_BYTES);
    }
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parse(r, file.toString());
    }
  }

  static SignaturePack parse(Reader reader, String source) throws CheckerException {
    JsonElement root;
    try {
      JsonReader jr = new JsonReader(reader);
      jr.setLenient(false);
      root = JsonParser.parseReader(jr);
    } catch (JsonParseException | StackOverflowError e) {
      throw CheckerException.badPack(source, "not valid JSON: " + e.getMessage(), e);
    }
    if (!root.isJsonObject()) {
      throw CheckerException.badPack(source, "the top level is not a JSON object");
    }
    JsonObject o = root.getAsJsonObject();
    try {
      if (o.has("trackers")) {
        return exodus(o, source);
      }
      return ours(o, source);
    } catch (IllegalArgumentException | IllegalStateException | ClassCastException | UnsupportedOperationException e) {
      throw CheckerException.badPack(source, e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- our format

  private static SignaturePack ours(JsonObject o, String source) throws CheckerException {
    allowOnly(o, source, "pack", "id", "title", "license", "comment", "sources", "sdks", "hosts", "settings");
    String id = str(o, "id", source);
    List<SdkSignature> sdks = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (JsonElement e : arr(o, "sdks")) {
      SdkSignature s = sdk(e.getAsJsonObject(), id, source);
      if (!ids.add(s.id())) {
        throw CheckerException.badPack(source, "SDK id '" + s.id() + "' appears twice");
      }
      sdks.add(s);
    }
    List<HostRule> hosts = new ArrayList<>();
    for (JsonElement e : arr(o, "hosts")) {
      JsonObject h = e.getAsJsonObject();
      allowOnly(h, source, "hosts[]", "host", "why");
      hosts.add(HostRule.bare(null, str(h, "host", source), opt(h, "why")));
    }
    List<SettingKey> settings = new ArrayList<>();
    for (JsonElement e : arr(o, "settings")) {
      JsonObject s = e.getAsJsonObject();
      allowOnly(s, source, "settings[]", "key", "namespaces", "consentWhen", "why");
      settings.add(new SettingKey(str(s, "key", source), strings(s, "namespaces"),
          SettingKey.ConsentRule.parse(str(s, "consentWhen", source)), opt(s, "why")));
    }
    return new SignaturePack(id, opt(o, "title"), opt(o, "license"), sdks, hosts, settings);
  }

  private static SdkSignature sdk(JsonObject s, String pack, String source) throws CheckerException {
    allowOnly(s, source, "sdks[]", "id", "name", "category", "functional", "why", "packages", "classPrefixes",
        "anchors", "minAnchors", "hosts", "paths", "entryPoints");
    String id = str(s, "id", source);
    List<String> prefixes = new ArrayList<>();
    for (String p : strings(s, "packages")) {
      if (p.contains("/") || p.endsWith(".")) {
        throw CheckerException.badPack(source, "SDK " + id + ": package '" + p + "' must be dotted, like com.example.sdk");
      }
      prefixes.add("L" + p.replace('.', '/') + "/");
    }
    for (String p : strings(s, "classPrefixes")) {
      if (!p.startsWith("L") || p.contains(".")) {
        throw CheckerException.badPack(source, "SDK " + id + ": class prefix '" + p + "' must be a descriptor prefix");
      }
      prefixes.add(p);
    }
    List<Anchor> anchors = new ArrayList<>();
    for (JsonElement e : arr(s, "anchors")) {
      JsonObject a = e.getAsJsonObject();
      allowOnly(a, source, "anchors[]", "equals", "contains");
      if (a.has("equals") == a.has("contains")) {
        throw CheckerException.badPack(source, "SDK " + id + ": an anchor has exactly one of equals/contains");
      }
      anchors.add(a.has("equals") ? new Anchor(str(a, "equals", source), true)
          : new Anchor(str(a, "contains", source), false));
    }
    List<HostRule> hosts = new ArrayList<>();
    for (String h : strings(s, "hosts")) {
      hosts.add(HostRule.bare(id, h, null));
    }
    List<EntryPoint> eps = new ArrayList<>();
    for (JsonElement e : arr(s, "entryPoints")) {
      JsonObject ep = e.getAsJsonObject();
      allowOnly(ep, source, "entryPoints[]", "class", "name", "proto", "why");
      eps.add(new EntryPoint(id, str(ep, "class", source), str(ep, "name", source), opt(ep, "proto"),
          opt(ep, "why")));
    }
    int minAnchors = s.has("minAnchors") ? s.get("minAnchors").getAsInt() : 2;
    boolean functional = s.has("functional") && s.get("functional").getAsBoolean();
    return new SdkSignature(id, str(s, "name", source), pack, opt(s, "category"), functional, prefixes, List.of(),
        anchors, minAnchors, hosts, strings(s, "paths"), eps, opt(s, "why"));
  }

  // ---------------------------------------------------------------- Exodus format

  private static SignaturePack exodus(JsonObject o, String source) throws CheckerException {
    JsonElement t = o.get("trackers");
    if (!t.isJsonObject()) {
      throw CheckerException.badPack(source, "\"trackers\" is not an object");
    }
    // Sorted by numeric id so the pack (and every report built from it) does not depend on file order.
    TreeMap<Long, JsonObject> byId = new TreeMap<>();
    for (var e : t.getAsJsonObject().entrySet()) {
      JsonObject tr = e.getValue().getAsJsonObject();
      long id = tr.has("id") ? tr.get("id").getAsLong() : parseId(e.getKey(), source);
      if (byId.put(id, tr) != null) {
        throw CheckerException.badPack(source, "tracker id " + id + " appears twice");
      }
    }
    List<SdkSignature> sdks = new ArrayList<>();
    for (var e : byId.entrySet()) {
      JsonObject tr = e.getValue();
      String id = "exodus:" + e.getKey();
      String name = opt(tr, "name");
      List<String> substrings = new ArrayList<>();
      for (String part : split(opt(tr, "code_signature"))) {
        String literal = part.replace("\\.", ".").replace("\\$", "$");
        if (literal.length() < 3 || !literal.matches("[A-Za-z0-9_.$]+")) {
          continue; // not a class-name fragment we can match literally; Exodus has none of these today
        }
        substrings.add(literal.replace('.', '/'));
      }
      List<HostRule> hosts = new ArrayList<>();
      for (String part : split(opt(tr, "network_signature"))) {
        HostRule r = networkRule(id, part);
        if (r != null) {
          hosts.add(r);
        }
      }
      if (substrings.isEmpty() && hosts.isEmpty()) {
        continue;
      }
      String category = tr.has("categories") && tr.get("categories").isJsonArray()
          ? String.join(", ", strings(tr, "categories")).toLowerCase(Locale.ROOT) : null;
      sdks.add(new SdkSignature(id, name == null ? id : name, "exodus", category, false, List.of(), substrings,
          List.of(), 1, hosts, List.of(), List.of(),
          "Exodus Privacy tracker " + e.getKey() + " (code_signature / network_signature)"));
    }
    return new SignaturePack("exodus", "Exodus Privacy trackers (" + sdks.size() + ")",
        "Exodus Privacy tracker database, Open Database License (ODbL) 1.0", sdks, List.of(), List.of());
  }

  private static long parseId(String key, String source) throws CheckerException {
    try {
      return Long.parseLong(key);
    } catch (NumberFormatException e) {
      throw CheckerException.badPack(source, "tracker key '" + key + "' is not a number and has no id");
    }
  }

  private static List<String> split(String s) {
    List<String> out = new ArrayList<>();
    if (s == null) {
      return out;
    }
    for (String p : s.split("\\|")) {
      String t = p.trim();
      if (!t.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }

  /** A network signature (a Python regex) as a host rule, or null when it has no usable literal part. */
  static HostRule networkRule(String sdkId, String regex) {
    String lit = longestLiteral(regex);
    if (lit.length() < 3) {
      return null;
    }
    Pattern p;
    try {
      p = Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
    } catch (PatternSyntaxException e) {
      return null;
    }
    return new HostRule(sdkId, null, p, lit.toLowerCase(Locale.ROOT), null);
  }

  /** The longest run of characters that every match of {@code regex} contains literally. */
  static String longestLiteral(String regex) {
    String best = "";
    StringBuilder run = new StringBuilder();
    for (int i = 0; i < regex.length(); i++) {
      char c = regex.charAt(i);
      String lit = null;
      int next = i + 1;
      if (c == '\\' && i + 1 < regex.length()) {
        char d = regex.charAt(i + 1);
        next = i + 2;
        if (".-/_:$".indexOf(d) >= 0) {
          lit = String.valueOf(d);
        }
      } else if (c == '[') {
        int close = regex.indexOf(']', i + 1);
        next = close < 0 ? regex.length() : close + 1;
      } else if (c == '.' && i > 0 && i + 1 < regex.length() && Character.isLetterOrDigit(regex.charAt(i - 1))
          && Character.isLetterOrDigit(regex.charAt(i + 1))) {
        // "display.io": Exodus writes host dots unescaped; as a prefilter the dot is taken literally (the regex
        // itself still decides)
        lit = ".";
      } else if ("().*+?{}|^$".indexOf(c) < 0) {
        lit = String.valueOf(c);
      }
      boolean quantified = next < regex.length() && "*?{".indexOf(regex.charAt(next)) >= 0;
      if (lit != null && !quantified) {
        run.append(lit);
      } else {
        if (run.length() > best.length()) {
          best = run.toString();
        }
        run.setLength(0);
      }
      i = next - 1;
    }
    if (run.length() > best.length()) {
      best = run.toString();
    }
    return best;
  }

  // ---------------------------------------------------------------- JSON helpers

  private static void allowOnly(JsonObject o, String source, String where, String... keys) throws CheckerException {
    Set<String> allowed = Set.of(keys);
    for (String k : o.keySet()) {
      if (!allowed.contains(k)) {
        throw CheckerException.badPack(source, "unknown key '" + k + "' in " + where + " (allowed: "
            + String.join(", ", keys) + ")");
      }
    }
  }

  private static String str(JsonObject o, String key, String source) throws CheckerException {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonPrimitive() || e.getAsString().isEmpty()) {
      throw CheckerException.badPack(source, "missing or empty \"" + key + "\"");
    }
    return e.getAsString();
  }

  private static String opt(JsonObject o, String key) {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (e.isJsonArray()) {
      List<String> parts = new ArrayList<>();
      for (JsonElement x : e.getAsJsonArray()) {
        parts.add(x.getAsString());
      }
      return String.join(" ", parts);
    }
    return e.getAsString();
  }

  private static JsonArray arr(JsonObject o, String key) {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      return new JsonArray();
    }
    return e.getAsJsonArray();
  }

  private static List<String> strings(JsonObject o, String key) {
    List<String> out = new ArrayList<>();
    for (JsonElement e : arr(o, key)) {
      out.add(e.getAsString());
    }
    return out;
  }
}
