package dev.untrack.checker.report;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/** The terminal report: one table row per app, then every live call site, consent defaults and errors. */
public final class TextReport {
  private static final int MAX_PATH = 56;

  private TextReport() {}

  public static void write(ScanReport r, Writer out) throws IOException {
    StringBuilder sb = new StringBuilder();
    ScanSummary s = r.summary();
    sb.append("untrack scan of ").append(String.join(", ", r.inputs())).append('\n');
    for (PackInfo p : r.packs()) {
      sb.append("  pack ").append(p.id()).append(": ").append(p.title());
      if (p.license() != null) {
        sb.append(" — ").append(p.license());
      }
      sb.append('\n');
    }
    sb.append('\n');
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"PATH", "PACKAGE", "SDKS", "LIVE", "GATED", "NEUTR", "HOSTS", "CONSENT-DEFAULTS", "ERRORS",
        "SIGNATURE"});
    for (AppReport a : r.apps()) {
      rows.add(new String[] {
        shorten(a.path()), a.packageName() == null ? "-" : a.packageName(), sdks(a),
        Long.toString(a.count("live")), Long.toString(a.count("gated")), Long.toString(a.count("neutralized")),
        Long.toString(a.hosts().stream().filter(h -> h.severity() != Severity.INFO).count()),
        Long.toString(a.settings().stream().filter(x -> Boolean.TRUE.equals(x.unsetMeansConsent())).count()),
        Integer.toString(a.errors().size()),
        a.signature() == null ? "-" : a.signature().status()
      });
    }
    table(sb, rows);

    List<AppReport> withLive = r.apps().stream().filter(a -> a.count("live") > 0).toList();
    if (!withLive.isEmpty()) {
      sb.append("\nLive call sites (").append(s.live()).append("):\n");
      for (AppReport a : withLive) {
        sb.append("  ").append(a.path()).append('\n');
        for (CallSite c : a.sites("live")) {
          sb.append("    [").append(String.join(",", c.sdks())).append("] ").append(c.caller()).append("  ")
              .append(c.dex()).append("@0x").append(Long.toHexString(c.offset())).append('\n');
          sb.append("        -> ").append(c.target());
          if (c.depth() > 0) {
            sb.append("  (wrapper, reaches ").append(String.join(", ", c.via())).append(')');
          }
          sb.append('\n');
          if (!c.strings().isEmpty()) {
            sb.append("        strings: ").append(quoted(c.strings())).append('\n');
          }
          sb.append("        ").append(c.reason()).append('\n');
        }
      }
    }
    List<String> consent = new ArrayList<>();
    for (AppReport a : r.apps()) {
      for (SettingsFinding f : a.settings()) {
        if (Boolean.TRUE.equals(f.unsetMeansConsent())) {
          consent.add("  " + a.path() + ": Settings." + f.namespace() + " " + f.key() + " read with default "
              + f.defaultValue() + " in " + f.callerClass() + "->" + f.callerMethod() + " (" + f.dex() + "@0x"
              + Long.toHexString(f.offset()) + ")");
        }
      }
    }
    if (!consent.isEmpty()) {
      sb.append("\nSettings reads where an unset switch counts as consent (").append(consent.size()).append("):\n");
      consent.forEach(l -> sb.append(l).append('\n'));
    }
    List<String> errors = new ArrayList<>();
    for (AppReport a : r.apps()) {
      for (AppError e : a.errors()) {
        errors.add("  " + a.path() + (e.where().equals(a.path()) ? "" : " > " + e.where()) + ": " + e.message());
      }
    }
    if (!errors.isEmpty()) {
      sb.append("\nNot analysed (").append(errors.size()).append("):\n");
      errors.forEach(l -> sb.append(l).append('\n'));
    }
    if (r.comparison() != null) {
      Comparison c = r.comparison();
      sb.append("\nAgainst baseline ").append(String.join(", ", c.baselineInputs())).append(":\n");
      if (!c.slotPairs().isEmpty()) {
        sb.append("  partitions paired across the slot suffix: ").append(String.join(", ", c.slotPairs()))
            .append('\n');
      }
      sb.append("  live call sites: ").append(c.liveBefore()).append(" before, ").append(c.liveAfter())
          .append(" after (").append(c.liveRemoved()).append(" removed, ").append(c.liveAdded()).append(" new)\n");
      for (Comparison.AppDelta d : c.apps()) {
        if (d.change().equals("unchanged")) {
          continue;
        }
        sb.append("  ").append(d.change()).append(' ').append(d.path()).append(": live ").append(d.liveBefore())
            .append(" -> ").append(d.liveAfter()).append(", gated ").append(d.gatedBefore()).append(" -> ")
            .append(d.gatedAfter()).append(", neutralized ").append(d.neutralizedBefore()).append(" -> ")
            .append(d.neutralizedAfter());
        if (!d.changedEntries().isEmpty()) {
          sb.append("; entries changed: ").append(String.join(", ", d.changedEntries()));
        }
        sb.append('\n');
      }
      long unchanged = c.apps().stream().filter(d -> d.change().equals("unchanged")).count();
      sb.append("  unchanged apps: ").append(unchanged).append('\n');
      if (c.unexpected().isEmpty()) {
        sb.append("  nothing changed outside the apps whose telemetry changed\n");
      } else {
        sb.append("  changes outside the patched apps (").append(c.unexpected().size()).append("):\n");
        for (Comparison.Unexpected u : c.unexpected()) {
          sb.append("    ").append(u.path()).append(": ").append(u.reason()).append('\n');
        }
      }
    }
    sb.append('\n').append(s.apps()).append(s.apps() == 1 ? " app, " : " apps, ")
        .append(s.live()).append(s.live() == 1 ? " live call site, " : " live call sites, ")
        .append(s.gated()).append(" gated, ").append(s.neutralized()).append(" neutralized; ")
        .append(s.consentDefaults()).append(" consent defaults; ").append(s.appsWithErrors())
        .append(" not fully analysed; highest severity: ").append(s.highest()).append('\n');
    out.write(sb.toString());
    out.flush();
  }

  private static String sdks(AppReport a) {
    List<String> def = new ArrayList<>();
    int ref = 0;
    int anchored = 0;
    for (SdkFinding s : a.sdks()) {
      if (s.functional()) {
        continue;
      }
      switch (s.status()) {
        case "defined":
          def.add(s.id());
          break;
        case "referenced":
          ref++;
          break;
        default:
          anchored++;
      }
    }
    StringBuilder sb = new StringBuilder(def.isEmpty() ? "-" : String.join(",", def));
    if (ref > 0) {
      sb.append(" +").append(ref).append(" ref");
    }
    if (anchored > 0) {
      sb.append(" +").append(anchored).append(" anchored");
    }
    String t = sb.toString();
    return t.length() > 48 ? t.substring(0, 47) + "…" : t;
  }

  private static String shorten(String p) {
    return p.length() <= MAX_PATH ? p : "…" + p.substring(p.length() - MAX_PATH + 1);
  }

  private static String quoted(List<String> l) {
    List<String> q = new ArrayList<>();
    for (String s : l) {
      q.add('"' + (s.length() > 60 ? s.substring(0, 59) + "…" : s) + '"');
    }
    return String.join(", ", q);
  }

  private static void table(StringBuilder sb, List<String[]> rows) {
    int cols = rows.get(0).length;
    int[] width = new int[cols];
    for (String[] r : rows) {
      for (int i = 0; i < cols; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < cols; i++) {
        boolean numeric = i >= 3 && i < cols - 1;
        String cell = r[i];
        if (numeric) {
          line.append(" ".repeat(width[i] - cell.length())).append(cell);
        } else {
          line.append(cell).append(" ".repeat(width[i] - cell.length()));
        }
        if (i < cols - 1) {
          line.append("  ");
        }
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
  }
}
