package dev.untrack.checker.report;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SARIF 2.1.0 for code-scanning tools. One result per finding of severity low or above (gated and neutralized
 * call sites are evidence, not alerts). Locations name the app file and, as a logical location, the method;
 * the dex file and byte offset are in the result's properties. A partial fingerprint keeps alerts stable across
 * builds whose dex offsets move.
 */
public final class SarifReport {
  /** A rule: id, short description, default level, help. */
  private record Rule(String id, String text, String level, String help) {}

  private static final Map<String, Rule> RULES = new LinkedHashMap<>();

  static {
    add("live-call-site", "Live call into a telemetry entry point", "error",
        "An invoke of a telemetry SDK entry point (or of an app wrapper that forwards to one) that runs even when "
            + "the user never opted in: it is not dominated by a consent check whose unset value means out, and "
            + "the callee is not a no-op.");
    add("settings-consent-default", "Opt-out switch read with a default that means consent", "error",
        "A Settings read of an opt-out key (upload_log_pref, ...) whose default counts as consent: an unset "
            + "switch is treated as yes.");
    add("app-error", "App could not be analysed", "error",
        "The app, one of its dex files or one of its methods could not be analysed; the checker cannot vouch "
            + "for it.");
    add("sdk-defined", "Telemetry SDK defined", "warning",
        "The app contains classes of a telemetry SDK. Presence is not use: see the call sites.");
    add("telemetry-host", "Telemetry host", "warning", "A known telemetry host appears in the app's strings or files.");
    add("telemetry-path", "Telemetry URL path", "warning",
        "A telemetry URL path fragment appears in strings; URLs are assembled at run time.");
    add("sdk-referenced", "Telemetry SDK referenced", "note",
        "The app names types of a telemetry SDK without defining them (a shared copy may provide them).");
    add("sdk-anchored", "Telemetry SDK recognised by its strings", "note",
        "No class names match, but enough obfuscation-proof strings of the SDK are present.");
  }

  private static void add(String id, String text, String level, String help) {
    RULES.put(id, new Rule(id, text, level, help));
  }

  private SarifReport() {}

  public static void write(ScanReport r, Writer out, String toolVersion) throws IOException {
    JsonWriter w = new JsonWriter(out);
    w.setIndent("  ");
    w.setHtmlSafe(false);
    w.beginObject();
    w.name("$schema").value("https://json.schemastore.org/sarif-2.1.0.json");
    w.name("version").value("2.1.0");
    w.name("runs").beginArray().beginObject();
    w.name("tool").beginObject().name("driver").beginObject();
    w.name("name").value("untrack");
    w.name("version").value(toolVersion);
    w.name("rules").beginArray();
    List<String> ids = new ArrayList<>(RULES.keySet());
    for (Rule rule : RULES.values()) {
      w.beginObject();
      w.name("id").value(rule.id());
      w.name("shortDescription").beginObject().name("text").value(rule.text()).endObject();
      w.name("fullDescription").beginObject().name("text").value(rule.help()).endObject();
      w.name("defaultConfiguration").beginObject().name("level").value(rule.level()).endObject();
      w.name("help").beginObject().name("text").value(rule.help()).endObject();
      w.endObject();
    }
    w.endArray();
    w.endObject().endObject();
    w.name("results").beginArray();
    for (AppReport a : r.apps()) {
      for (Finding f : a.findings()) {
        if (f.severity() == Severity.INFO || !RULES.containsKey(f.rule())) {
          continue;
        }
        w.beginObject();
        w.name("ruleId").value(f.rule());
        w.name("ruleIndex").value(ids.indexOf(f.rule()));
        w.name("level").value(level(f.severity()));
        w.name("message").beginObject().name("text").value(f.message()).endObject();
        w.name("locations").beginArray().beginObject();
        w.name("physicalLocation").beginObject().name("artifactLocation").beginObject().name("uri").value(uri(a.path()))
            .endObject().endObject();
        if (f.location() != null) {
          w.name("logicalLocations").beginArray().beginObject().name("fullyQualifiedName").value(f.location())
              .name("kind").value(f.location().contains("->") ? "function" : "module").endObject().endArray();
        }
        w.endObject().endArray();
        w.name("partialFingerprints").beginObject().name("untrackFinding/v1")
            .value(fingerprint(f.rule() + "|" + a.path() + "|" + f.location() + "|" + f.message())).endObject();
        w.name("properties").beginObject().name("severity").value(f.severity().label());
        if (f.dex() != null) {
          w.name("dex").value(f.dex()).name("offset").value(f.offset());
        }
        if (a.packageName() != null) {
          w.name("package").value(a.packageName());
        }
        w.endObject();
        w.endObject();
      }
    }
    w.endArray();
    w.endObject().endArray();
    w.endObject();
    w.flush();
    out.write('\n');
    out.flush();
  }

  private static String level(Severity s) {
    switch (s) {
      case HIGH:
        return "error";
      case MEDIUM:
        return "warning";
      default:
        return "note";
    }
  }

  /** A relative URI reference: path segments percent-encoded where needed. */
  static String uri(String path) {
    StringBuilder sb = new StringBuilder();
    for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~/".indexOf(c) >= 0) {
        sb.append((char) c);
      } else {
        sb.append('%').append(String.format("%02X", c));
      }
    }
    return sb.toString();
  }

  private static String fingerprint(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
