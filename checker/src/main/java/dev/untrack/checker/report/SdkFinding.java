package dev.untrack.checker.report;

import java.util.List;

/**
 * One SDK seen in one app.
 *
 * @param id SDK id from its pack
 * @param name human name
 * @param pack the pack ({@code xiaomi}, {@code exodus})
 * @param category analytics, ads, ...
 * @param functional a functional SDK listed only so it is recognised (push): never a finding
 * @param status {@code defined} (the app contains classes of the SDK), {@code referenced} (the app only names
 *     its types: presence is not use), or {@code anchored} (no class names match, but enough of its
 *     obfuscation-proof strings are present)
 * @param definedClasses classes of the SDK the app defines
 * @param referencedTypes types of the SDK the app names without defining them
 * @param examples up to five class names, defined ones first
 * @param anchors anchor strings found
 * @param live live call sites into the SDK
 * @param gated gated call sites
 * @param neutralized neutralized call sites
 */
public record SdkFinding(
    String id,
    String name,
    String pack,
    String category,
    boolean functional,
    String status,
    int definedClasses,
    int referencedTypes,
    List<String> examples,
    List<String> anchors,
    int live,
    int gated,
    int neutralized) {
  public SdkFinding {
    examples = List.copyOf(examples);
    anchors = List.copyOf(anchors);
  }

  public Severity severity() {
    if (functional) {
      return Severity.INFO;
    }
    return status.equals("defined") ? Severity.MEDIUM : Severity.LOW;
  }
}
