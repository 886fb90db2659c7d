package dev.untrack.checker.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the checker found in one app (APK, JAR, dex) or one scanned file (hosts, config).
 *
 * @param path path relative to the scanned input (forward slashes)
 * @param kind {@code apk}, {@code jar}, {@code zip}, {@code dex}, {@code hosts} or {@code config}
 * @param size bytes
 * @param packageName manifest package, or null
 * @param versionName manifest version name, or null
 * @param versionCode manifest version code, or null
 * @param dexFiles the dex files analysed, in class-loader order
 * @param sdks SDKs seen
 * @param callSites every classified call site
 * @param hosts telemetry hosts found
 * @param paths telemetry URL path fragments found
 * @param settings reads of opt-out settings keys
 * @param errors what could not be analysed
 * @param sha256 digest of the whole file (baseline mode), or null
 * @param entries zip entries by name (for baseline comparison; not printed), or empty
 * @param signature the APK's signature status, or null for what is not an APK
 */
public record AppReport(
    String path,
    String kind,
    long size,
    String packageName,
    String versionName,
    Long versionCode,
    List<String> dexFiles,
    List<SdkFinding> sdks,
    List<CallSite> callSites,
    List<HostFinding> hosts,
    List<PathFinding> paths,
    List<SettingsFinding> settings,
    List<AppError> errors,
    String sha256,
    Map<String, EntryFingerprint> entries,
    SignatureInfo signature) {

  public AppReport {
    dexFiles = List.copyOf(dexFiles);
    sdks = List.copyOf(sdks);
    callSites = List.copyOf(callSites);
    hosts = List.copyOf(hosts);
    paths = List.copyOf(paths);
    settings = List.copyOf(settings);
    errors = List.copyOf(errors);
    entries = Map.copyOf(entries);
  }

  public long count(String status) {
    return callSites.stream().filter(c -> c.status().equals(status)).count();
  }

  public List<CallSite> sites(String status) {
    return callSites.stream().filter(c -> c.status().equals(status)).toList();
  }

  /** Every reportable fact, most severe first within each kind. */
  public List<Finding> findings() {
    List<Finding> out = new ArrayList<>();
    for (AppError e : errors) {
      out.add(new Finding(Severity.HIGH, "app-error", "could not be analysed: " + e.message(), path, e.where(), null, -1));
    }
    for (CallSite c : callSites) {
      String what = c.depth() == 0 ? "call into " + c.target()
          : "call into wrapper " + c.target() + " (reaches " + String.join(", ", c.via()) + ")";
      out.add(new Finding(c.severity(), c.status() + "-call-site",
          c.status() + " " + what + " [" + String.join(", ", c.sdks()) + "]: " + c.reason(), path, c.caller(), c.dex(),
          c.offset()));
    }
    for (SettingsFinding s : settings) {
      String meaning = s.unsetMeansConsent() == null ? "meaning of an unset switch unknown"
          : s.unsetMeansConsent() ? "an unset switch counts as consent" : "an unset switch counts as out";
      out.add(new Finding(s.severity(), Boolean.TRUE.equals(s.unsetMeansConsent()) ? "settings-consent-default"
          : "settings-read", "reads Settings." + s.namespace() + " " + s.key() + " with default " + s.defaultValue()
          + ": " + meaning, path, s.callerClass() + "->" + s.callerMethod(), s.dex(), s.offset()));
    }
    for (SdkFinding s : sdks) {
      String rule = s.functional() ? "sdk-functional" : "sdk-" + s.status();
      out.add(new Finding(s.severity(), rule, s.name() + " (" + s.id() + ") " + s.status() + ": "
          + s.definedClasses() + " classes defined, " + s.referencedTypes() + " types referenced"
          + (s.anchors().isEmpty() ? "" : ", anchors " + s.anchors()), path, null, null, -1));
    }
    for (HostFinding h : hosts) {
      out.add(new Finding(h.severity(), h.blocked() ? "host-blocked" : "telemetry-host",
          (h.blocked() ? "blocks " : "names ") + h.host() + " (rule " + h.rule() + ")", path, h.where(), null, -1));
    }
    if (signature != null && signature.severity() != Severity.INFO) {
      out.add(new Finding(signature.severity(), "signature-" + signature.status(), "signature " + signature.status()
          + " against the original: " + String.join("; ", signature.issues()), path, null, null, -1));
    }
    for (PathFinding p : paths) {
      out.add(new Finding(p.severity(), "telemetry-path", "contains URL path " + p.fragment() + " (" + p.sdk() + ")",
          path, p.where(), null, -1));
    }
    return out;
  }

  /** This report with another signature status (judged against a baseline). */
  public AppReport withSignature(SignatureInfo s) {
    return new AppReport(path, kind, size, packageName, versionName, versionCode, dexFiles, sdks, callSites, hosts,
        paths, settings, errors, sha256, entries, s);
  }

  /** The highest severity among the findings, or null. */
  public Severity highest() {
    Severity h = null;
    for (Finding f : findings()) {
      if (h == null || f.severity().compareTo(h) > 0) {
        h = f.severity();
      }
    }
    return h;
  }
}
