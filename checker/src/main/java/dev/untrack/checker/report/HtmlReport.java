package dev.untrack.checker.report;

import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * One self-contained HTML page (no scripts, no external resources) a person can open and read: the summary,
 * a table of apps, the before/after comparison when there is a baseline, and the evidence for every finding.
 */
public final class HtmlReport {
  private static final String CSS = String.join("\n",
      "body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:1200px;"
          + "padding:0 1em;color:#1d1d1f}",
      "h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}h3{margin-bottom:.3em}",
      "table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #ddd;padding:.25em .5em;"
          + "text-align:left;vertical-align:top}th{background:#f3f3f3}td.n{text-align:right}",
      "code{font:12px ui-monospace,Menlo,Consolas,monospace;word-break:break-all}",
      ".live{color:#b00020;font-weight:600}.gated{color:#8a6d00}.neutralized{color:#2e7d32}",
      ".high{background:#fde7e9}.medium{background:#fff4d6}.ok{background:#e8f5e9}",
      "details{margin:.4em 0}summary{cursor:pointer}.muted{color:#666}");

  private HtmlReport() {}

  public static void write(ScanReport r, Writer out, String toolVersion) throws IOException {
    StringBuilder h = new StringBuilder();
    ScanSummary s = r.summary();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>untrack scan: ").append(esc(String.join(", ", r.inputs()))).append("</title><style>")
        .append(CSS).append("</style></head><body>\n");
    h.append("<h1>untrack scan</h1>\n<p>Input: <code>").append(esc(String.join(", ", r.inputs())))
        .append("</code><br>untrack ").append(esc(toolVersion)).append("</p>\n");
    h.append("<p class=\"").append(s.live() > 0 ? "high" : "ok").append("\"><strong>").append(s.live())
        .append(s.live() == 1 ? " live call site" : " live call sites").append("</strong> in ").append(s.apps())
        .append(s.apps() == 1 ? " app" : " apps").append("; ").append(s.gated()).append(" gated, ")
        .append(s.neutralized()).append(" neutralized; ").append(s.consentDefaults())
        .append(" settings reads where an unset switch counts as consent; ").append(s.appsWithErrors())
        .append(" not fully analysed. Highest severity: ").append(esc(s.highest())).append(".</p>\n");
    h.append("<p class=\"muted\">Signature packs: ");
    for (int i = 0; i < r.packs().size(); i++) {
      PackInfo p = r.packs().get(i);
      h.append(i == 0 ? "" : "; ").append(esc(p.title()));
      if (p.license() != null) {
        h.append(" (").append(esc(p.license())).append(')');
      }
    }
    h.append("</p>\n");

    h.append("<h2>Apps</h2>\n<table><tr><th>Path</th><th>Package</th><th>SDKs</th><th>Live</th><th>Gated</th>")
        .append("<th>Neutralized</th><th>Hosts</th><th>Consent defaults</th><th>Errors</th><th>Signature</th></tr>\n");
    for (AppReport a : r.apps()) {
      long live = a.count("live");
      long consent = a.settings().stream().filter(x -> Boolean.TRUE.equals(x.unsetMeansConsent())).count();
      String cls = live > 0 || consent > 0 || !a.errors().isEmpty() ? "high" : a.sdks().isEmpty() ? "" : "medium";
      h.append("<tr class=\"").append(cls).append("\"><td><a href=\"#").append(anchor(a.path())).append("\"><code>")
          .append(esc(a.path())).append("</code></a></td><td><code>").append(esc(nz(a.packageName())))
          .append("</code></td><td>");
      for (SdkFinding f : a.sdks()) {
        h.append(esc(f.id())).append(" <span class=\"muted\">(").append(esc(f.status())).append(")</span> ");
      }
      h.append("</td><td class=\"n\">").append(live).append("</td><td class=\"n\">").append(a.count("gated"))
          .append("</td><td class=\"n\">").append(a.count("neutralized")).append("</td><td class=\"n\">")
          .append(a.hosts().stream().filter(x -> x.severity() != Severity.INFO).count()).append("</td><td class=\"n\">")
          .append(consent).append("</td><td class=\"n\">").append(a.errors().size()).append("</td><td>")
          .append(a.signature() == null ? "" : esc(a.signature().status())).append("</td></tr>\n");
    }
    h.append("</table>\n");

    if (r.comparison() != null) {
      comparison(h, r.comparison());
    }

    h.append("<h2>Evidence</h2>\n");
    for (AppReport a : r.apps()) {
      app(h, a);
    }
    h.append("</body></html>\n");
    out.write(h.toString());
    out.flush();
  }

  private static void comparison(StringBuilder h, Comparison c) {
    h.append("<h2>Before and after</h2>\n<p>Baseline: <code>").append(esc(String.join(", ", c.baselineInputs())))
        .append("</code>. Live call sites: ").append(c.liveBefore()).append(" before, ").append(c.liveAfter())
        .append(" after (").append(c.liveRemoved()).append(" removed, ").append(c.liveAdded())
        .append(" new).</p>\n");
    if (!c.slotPairs().isEmpty()) {
      h.append("<p>Partitions paired across the slot suffix: <code>").append(esc(String.join(", ", c.slotPairs())))
          .append("</code>.</p>\n");
    }
    h.append("<table><tr><th>Path</th><th>Change</th><th>Live</th><th>Gated</th><th>Neutralized</th>")
        .append("<th>SDK changes</th><th>Entries changed</th></tr>\n");
    for (Comparison.AppDelta d : c.apps()) {
      if (d.change().equals("unchanged")) {
        continue;
      }
      h.append("<tr><td><code>").append(esc(d.path())).append("</code></td><td>").append(esc(d.change()))
          .append("</td><td>").append(d.liveBefore()).append(" &rarr; ").append(d.liveAfter()).append("</td><td>")
          .append(d.gatedBefore()).append(" &rarr; ").append(d.gatedAfter()).append("</td><td>")
          .append(d.neutralizedBefore()).append(" &rarr; ").append(d.neutralizedAfter()).append("</td><td>")
          .append(esc(String.join("; ", d.sdkChanges()))).append("</td><td><code>")
          .append(esc(String.join(", ", d.changedEntries()))).append("</code></td></tr>\n");
    }
    h.append("</table>\n<p>Unchanged apps: ")
        .append(c.apps().stream().filter(d -> d.change().equals("unchanged")).count()).append(".</p>\n");
    if (c.unexpected().isEmpty()) {
      h.append("<p class=\"ok\">Nothing changed outside the apps whose telemetry changed.</p>\n");
    } else {
      h.append("<p class=\"high\">Changes outside the patched apps:</p><ul>\n");
      for (Comparison.Unexpected u : c.unexpected()) {
        h.append("<li><code>").append(esc(u.path())).append("</code>: ").append(esc(u.reason())).append("</li>\n");
      }
      h.append("</ul>\n");
    }
  }

  private static void app(StringBuilder h, AppReport a) {
    h.append("<h3 id=\"").append(anchor(a.path())).append("\"><code>").append(esc(a.path())).append("</code></h3>\n")
        .append("<p class=\"muted\">").append(esc(a.kind()));
    if (a.packageName() != null) {
      h.append(", package <code>").append(esc(a.packageName())).append("</code>");
    }
    if (a.versionName() != null) {
      h.append(", version ").append(esc(a.versionName()));
    }
    h.append(", ").append(a.size()).append(" bytes");
    if (!a.dexFiles().isEmpty()) {
      h.append(", dex: ").append(esc(String.join(", ", a.dexFiles())));
    }
    if (a.sha256() != null) {
      h.append(", sha256 <code>").append(esc(a.sha256())).append("</code>");
    }
    if (a.signature() != null) {
      h.append(", signature ").append(esc(a.signature().status()));
      if (!a.signature().schemes().isEmpty()) {
        h.append(" (").append(esc(String.join(", ", a.signature().schemes()))).append(')');
      }
      if (!a.signature().issues().isEmpty()) {
        h.append(": ").append(esc(String.join("; ", a.signature().issues())));
      }
    }
    h.append("</p>\n");
    if (!a.errors().isEmpty()) {
      h.append("<ul class=\"high\">");
      for (AppError e : a.errors()) {
        h.append("<li>").append(esc(e.where())).append(": ").append(esc(e.message())).append("</li>");
      }
      h.append("</ul>\n");
    }
    if (!a.sdks().isEmpty()) {
      h.append("<table><tr><th>SDK</th><th>Status</th><th>Classes</th><th>Anchors</th><th>Call sites</th></tr>\n");
      for (SdkFinding f : a.sdks()) {
        h.append("<tr><td>").append(esc(f.name())).append(" <code>").append(esc(f.id())).append("</code></td><td>")
            .append(esc(f.status())).append(f.functional() ? " (functional)" : "").append("</td><td>")
            .append(f.definedClasses()).append(" defined, ").append(f.referencedTypes()).append(" referenced<br><code>")
            .append(esc(String.join(" ", f.examples()))).append("</code></td><td><code>")
            .append(esc(String.join(" | ", f.anchors()))).append("</code></td><td>").append(f.live()).append(" live, ")
            .append(f.gated()).append(" gated, ").append(f.neutralized()).append(" neutralized</td></tr>\n");
      }
      h.append("</table>\n");
    }
    if (!a.callSites().isEmpty()) {
      h.append("<details").append(a.count("live") > 0 ? " open" : "").append("><summary>Call sites: ")
          .append(a.count("live")).append(" live, ").append(a.count("gated")).append(" gated, ")
          .append(a.count("neutralized")).append(" neutralized</summary>\n<table><tr><th>Status</th><th>Caller</th>")
          .append("<th>Target</th><th>Where</th><th>Why</th></tr>\n");
      for (CallSite c : a.callSites()) {
        h.append("<tr><td class=\"").append(esc(c.status())).append("\">").append(esc(c.status())).append("</td><td><code>")
            .append(esc(c.caller())).append("</code></td><td><code>").append(esc(c.target())).append("</code>");
        if (!c.via().isEmpty()) {
          h.append("<br>via <code>").append(esc(String.join(", ", c.via()))).append("</code>");
        }
        if (!c.strings().isEmpty()) {
          h.append("<br>strings: <code>").append(esc(String.join(", ", c.strings()))).append("</code>");
        }
        h.append("</td><td><code>").append(esc(c.dex())).append("@0x").append(Long.toHexString(c.offset()))
            .append("</code></td><td>").append(esc(c.reason())).append("</td></tr>\n");
      }
      h.append("</table></details>\n");
    }
    list(h, "Hosts", a.hosts().stream().map(x -> "<code>" + esc(x.host()) + "</code> (rule <code>" + esc(x.rule())
        + "</code>" + (x.blocked() ? ", blocked" : "") + ") in " + esc(x.where()) + ": <code>" + esc(x.example())
        + "</code>").toList());
    list(h, "URL paths", a.paths().stream().map(x -> "<code>" + esc(x.fragment()) + "</code> (" + esc(x.sdk())
        + ") in " + esc(x.where()) + ": <code>" + esc(x.example()) + "</code>").toList());
    list(h, "Settings reads", a.settings().stream().map(x -> "<span class=\""
        + (Boolean.TRUE.equals(x.unsetMeansConsent()) ? "live" : "") + "\">Settings." + esc(x.namespace()) + " <code>"
        + esc(x.key()) + "</code> default " + esc(x.defaultValue()) + (x.unsetMeansConsent() == null ? ""
        : x.unsetMeansConsent() ? ": unset counts as consent" : ": unset counts as out") + "</span> in <code>"
        + esc(x.callerClass() + "->" + x.callerMethod()) + "</code> (" + esc(x.dex()) + "@0x"
        + Long.toHexString(x.offset()) + ")").toList());
  }

  private static void list(StringBuilder h, String title, List<String> items) {
    if (items.isEmpty()) {
      return;
    }
    h.append("<details><summary>").append(title).append(" (").append(items.size()).append(")</summary><ul>\n");
    for (String i : items) {
      h.append("<li>").append(i).append("</li>\n");
    }
    h.append("</ul></details>\n");
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static String anchor(String path) {
    StringBuilder sb = new StringBuilder("app-");
    for (char c : path.toCharArray()) {
      sb.append(Character.isLetterOrDigit(c) ? c : '-');
    }
    return sb.toString();
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<':
          sb.append("&lt;");
          break;
        case '>':
          sb.append("&gt;");
          break;
        case '&':
          sb.append("&amp;");
          break;
        case '"':
          sb.append("&quot;");
          break;
        case '\'':
          sb.append("&#39;");
          break;
        default:
          sb.append(c);
      }
    }
    return sb.toString();
  }
}
