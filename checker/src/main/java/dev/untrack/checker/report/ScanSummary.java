package dev.untrack.checker.report;

import java.util.Map;

/**
 * Totals over a scan.
 *
 * @param apps apps and files reported
 * @param appsWithErrors of which could not be (fully) analysed
 * @param appsWithLiveCallSites of which have at least one live call site
 * @param live live call sites
 * @param gated gated call sites
 * @param neutralized neutralized call sites
 * @param sdksDefined per SDK id, in how many apps it is defined
 * @param sdksReferenced per SDK id, in how many apps it is only referenced
 * @param hosts telemetry hosts found (not counting blocked or functional ones)
 * @param consentDefaults settings reads where an unset switch counts as consent
 * @param findings per severity label, how many findings
 * @param highest highest severity, or {@code none}
 */
public record ScanSummary(
    int apps,
    int appsWithErrors,
    int appsWithLiveCallSites,
    long live,
    long gated,
    long neutralized,
    Map<String, Integer> sdksDefined,
    Map<String, Integer> sdksReferenced,
    long hosts,
    long consentDefaults,
    Map<String, Integer> findings,
    String highest) {}
