package dev.untrack.checker.pack;

import java.util.List;

/**
 * What identifies one telemetry SDK (or tracker) in dex: where its classes live, strings that survive
 * obfuscation, the hosts and URL paths it talks to, and the methods apps call to feed it.
 *
 * @param id stable identifier used in reports ({@code onetrack}, {@code exodus:70})
 * @param name human name
 * @param pack the pack it comes from ({@code xiaomi}, {@code exodus})
 * @param category analytics, ads, crash reporting, ...
 * @param functional true for SDKs that are listed so that they are recognised but never reported as
 *     telemetry (push, which the phone needs)
 * @param prefixes type-descriptor prefixes of the SDK's classes ({@code Lcom/xiaomi/onetrack/}); a type is
 *     attributed to the SDK with the longest matching prefix
 * @param substrings type-descriptor fragments matched anywhere in a descriptor (how Exodus signatures behave)
 * @param anchors obfuscation-proof strings
 * @param minAnchors how many distinct anchors must be present to report the SDK from strings alone
 * @param hosts hosts it contacts
 * @param paths URL path fragments it uses ({@code /track/v4})
 * @param entryPoints methods that hand data to it
 * @param why the reasoning and sources
 */
public record SdkSignature(
    String id,
    String name,
    String pack,
    String category,
    boolean functional,
    List<String> prefixes,
    List<String> substrings,
    List<Anchor> anchors,
    int minAnchors,
    List<HostRule> hosts,
    List<String> paths,
    List<EntryPoint> entryPoints,
    String why) {

  public SdkSignature {
    prefixes = List.copyOf(prefixes);
    substrings = List.copyOf(substrings);
    anchors = List.copyOf(anchors);
    hosts = List.copyOf(hosts);
    paths = List.copyOf(paths);
    entryPoints = List.copyOf(entryPoints);
    if (minAnchors < 1) {
      throw new IllegalArgumentException("minAnchors must be at least 1");
    }
  }
}
