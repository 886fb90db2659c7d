package dev.untrack.checker.report;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;

/**
 * The machine-readable report. Field order is fixed and lists are sorted, so the same scan gives the same
 * bytes. Described field by field in {@code docs/checker.md}.
 */
public final class JsonReport {
  private JsonReport() {}

  public static void write(ScanReport r, Writer out, String toolVersion) throws IOException {
    JsonWriter w = new JsonWriter(out);
    w.setIndent("  ");
    w.setHtmlSafe(false);
    w.beginObject();
    w.name("tool").beginObject().name("name").value("untrack scan").name("version").value(toolVersion).endObject();
    w.name("inputs");
    strings(w, r.inputs());
    w.name("packs").beginArray();
    for (PackInfo p : r.packs()) {
      w.beginObject().name("id").value(p.id()).name("title").value(p.title()).name("license").value(p.license())
          .name("sdks").value(p.sdks()).endObject();
    }
    w.endArray();
    summary(w, r.summary());
    w.name("apps").beginArray();
    for (AppReport a : r.apps()) {
      app(w, a);
    }
    w.endArray();
    if (!r.otherFiles().isEmpty()) {
      w.name("files").beginArray();
      for (FileDigest f : r.otherFiles()) {
        w.beginObject().name("path").value(f.path()).name("size").value(f.size()).name("sha256").value(f.sha256())
            .endObject();
      }
      w.endArray();
    }
    if (r.comparison() != null) {
      comparison(w, r.comparison());
    }
    w.endObject();
    w.flush();
    out.write('\n');
    out.flush();
  }

  private static void summary(JsonWriter w, ScanSummary s) throws IOException {
    w.name("summary").beginObject();
    w.name("apps").value(s.apps());
    w.name("appsWithErrors").value(s.appsWithErrors());
    w.name("appsWithLiveCallSites").value(s.appsWithLiveCallSites());
    w.name("callSites").beginObject().name("live").value(s.live()).name("gated").value(s.gated())
        .name("neutralized").value(s.neutralized()).endObject();
    w.name("sdksDefined");
    counts(w, s.sdksDefined());
    w.name("sdksReferenced");
    counts(w, s.sdksReferenced());
    w.name("hosts").value(s.hosts());
    w.name("consentDefaults").value(s.consentDefaults());
    w.name("findings");
    counts(w, s.findings());
    w.name("highest").value(s.highest());
    w.endObject();
  }

  private static void counts(JsonWriter w, Map<String, Integer> m) throws IOException {
    w.beginObject();
    for (var e : m.entrySet()) {
      w.name(e.getKey()).value(e.getValue());
    }
    w.endObject();
  }

  private static void app(JsonWriter w, AppReport a) throws IOException {
    w.beginObject();
    w.name("path").value(a.path());
    w.name("kind").value(a.kind());
    w.name("size").value(a.size());
    w.name("package").value(a.packageName());
    if (a.versionName() != null) {
      w.name("versionName").value(a.versionName());
    }
    if (a.versionCode() != null) {
      w.name("versionCode").value(a.versionCode());
    }
    if (a.sha256() != null) {
      w.name("sha256").value(a.sha256());
    }
    w.name("dexFiles");
    strings(w, a.dexFiles());
    w.name("sdks").beginArray();
    for (SdkFinding s : a.sdks()) {
      w.beginObject();
      w.name("id").value(s.id()).name("name").value(s.name()).name("pack").value(s.pack());
      w.name("category").value(s.category());
      w.name("status").value(s.status());
      w.name("defined").value(s.status().equals("defined"));
      w.name("functional").value(s.functional());
      w.name("definedClasses").value(s.definedClasses()).name("referencedTypes").value(s.referencedTypes());
      w.name("examples");
      strings(w, s.examples());
      w.name("anchors");
      strings(w, s.anchors());
      w.name("callSites").beginObject().name("live").value(s.live()).name("gated").value(s.gated())
          .name("neutralized").value(s.neutralized()).endObject();
      w.endObject();
    }
    w.endArray();
    w.name("callSites").beginObject();
    w.name("live").value(a.count("live"));
    w.name("gated").value(a.count("gated"));
    w.name("neutralized").value(a.count("neutralized"));
    sites(w, "liveSites", a.sites("live"));
    sites(w, "gatedSites", a.sites("gated"));
    sites(w, "neutralizedSites", a.sites("neutralized"));
    w.endObject();
    w.name("hosts").beginArray();
    for (HostFinding h : a.hosts()) {
      w.beginObject().name("host").value(h.host()).name("rule").value(h.rule()).name("sdk").value(h.sdk())
          .name("in").value(h.where()).name("example").value(h.example()).name("blocked").value(h.blocked())
          .name("functional").value(h.functional()).endObject();
    }
    w.endArray();
    w.name("paths").beginArray();
    for (PathFinding p : a.paths()) {
      w.beginObject().name("path").value(p.fragment()).name("sdk").value(p.sdk()).name("in").value(p.where())
          .name("example").value(p.example()).endObject();
    }
    w.endArray();
    w.name("settings").beginArray();
    for (SettingsFinding s : a.settings()) {
      w.beginObject().name("namespace").value(s.namespace()).name("key").value(s.key())
          .name("default").value(s.defaultValue());
      w.name("unsetMeansConsent");
      if (s.unsetMeansConsent() == null) {
        w.nullValue();
      } else {
        w.value(s.unsetMeansConsent());
      }
      w.name("reachedWhenUnset").value(s.reachedWhenUnset());
      w.name("class").value(s.callerClass()).name("method").value(s.callerMethod()).name("dex").value(s.dex())
          .name("offset").value(s.offset()).endObject();
    }
    w.endArray();
    if (a.signature() != null) {
      SignatureInfo sig = a.signature();
      w.name("signature").beginObject().name("status").value(sig.status());
      w.name("schemes");
      strings(w, sig.schemes());
      w.name("certificates");
      strings(w, sig.certificates());
      w.name("issues");
      strings(w, sig.issues());
      w.name("judgedAgainstBaseline").value(sig.judgedAgainstBaseline());
      w.endObject();
    }
    w.name("errors").beginArray();
    for (AppError e : a.errors()) {
      w.beginObject().name("where").value(e.where()).name("message").value(e.message()).name("fatal").value(e.fatal())
          .endObject();
    }
    w.endArray();
    Severity h = a.highest();
    w.name("highest").value(h == null ? "none" : h.label());
    w.endObject();
  }

  private static void sites(JsonWriter w, String name, List<CallSite> sites) throws IOException {
    w.name(name).beginArray();
    for (CallSite c : sites) {
      site(w, c);
    }
    w.endArray();
  }

  static void site(JsonWriter w, CallSite c) throws IOException {
    w.beginObject();
    w.name("status").value(c.status());
    w.name("sdks");
    strings(w, c.sdks());
    w.name("class").value(c.callerClass());
    w.name("method").value(c.callerMethod());
    w.name("target").value(c.target());
    w.name("depth").value(c.depth());
    if (!c.via().isEmpty()) {
      w.name("via");
      strings(w, c.via());
    }
    w.name("dex").value(c.dex());
    w.name("offset").value(c.offset());
    w.name("offsetHex").value("0x" + Long.toHexString(c.offset()));
    w.name("reason").value(c.reason());
    w.name("strings");
    strings(w, c.strings());
    w.endObject();
  }

  private static void comparison(JsonWriter w, Comparison c) throws IOException {
    w.name("baseline").beginObject();
    w.name("inputs");
    strings(w, c.baselineInputs());
    if (!c.slotPairs().isEmpty()) { // only firmware compared across slot naming has any
      w.name("slotPairs");
      strings(w, c.slotPairs());
    }
    w.name("summary").beginObject().name("liveBefore").value(c.liveBefore()).name("liveAfter").value(c.liveAfter())
        .name("liveRemoved").value(c.liveRemoved()).name("liveAdded").value(c.liveAdded())
        .name("appsChanged").value(c.apps().stream().filter(a -> !a.change().equals("unchanged")).count())
        .name("unexpectedChanges").value(c.unexpected().size()).endObject();
    w.name("apps").beginArray();
    for (Comparison.AppDelta d : c.apps()) {
      w.beginObject();
      w.name("path").value(d.path()).name("change").value(d.change());
      w.name("changedEntries");
      strings(w, d.changedEntries());
      w.name("telemetryChanged").value(d.telemetryChanged());
      w.name("live").beginObject().name("before").value(d.liveBefore()).name("after").value(d.liveAfter()).endObject();
      w.name("gated").beginObject().name("before").value(d.gatedBefore()).name("after").value(d.gatedAfter())
          .endObject();
      w.name("neutralized").beginObject().name("before").value(d.neutralizedBefore()).name("after")
          .value(d.neutralizedAfter()).endObject();
      w.name("sdkChanges");
      strings(w, d.sdkChanges());
      sites(w, "removedLive", d.removedLive());
      sites(w, "remainingLive", d.remainingLive());
      sites(w, "newLive", d.newLive());
      w.endObject();
    }
    w.endArray();
    w.name("files").beginArray();
    for (Comparison.FileDelta f : c.files()) {
      w.beginObject().name("path").value(f.path()).name("change").value(f.change()).endObject();
    }
    w.endArray();
    w.name("unexpected").beginArray();
    for (Comparison.Unexpected u : c.unexpected()) {
      w.beginObject().name("path").value(u.path()).name("reason").value(u.reason()).endObject();
    }
    w.endArray();
    w.endObject();
  }

  static void strings(JsonWriter w, List<String> l) throws IOException {
    w.beginArray();
    for (String s : l) {
      w.value(s);
    }
    w.endArray();
  }
}
