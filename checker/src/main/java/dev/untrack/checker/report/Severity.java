package dev.untrack.checker.report;

import java.util.Locale;

/**
 * How much a finding matters. {@code --fail-on high} is the CI gate "no live telemetry": live call sites,
 * settings reads where an unset switch counts as consent, and apps that could not be analysed.
 */
public enum Severity {
  /** recorded as evidence, never a failure (gated and neutralized call sites, functional SDKs, blocked hosts) */
  INFO,
  /** an SDK only referenced, never defined; an SDK seen only through its anchor strings */
  LOW,
  /** an SDK defined in the app; a telemetry host or URL path in its strings or files */
  MEDIUM,
  /** a live call site; a consent default that means yes; an app that could not be analysed */
  HIGH;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Severity parse(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
