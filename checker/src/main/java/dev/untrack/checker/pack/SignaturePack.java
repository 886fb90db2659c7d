package dev.untrack.checker.pack;

import java.util.List;

/**
 * A set of SDK signatures, hosts and opt-out settings keys, as loaded from a data file: the built-in Xiaomi pack
 * or a third-party list (Exodus Privacy format).
 *
 * @param id short name ({@code xiaomi}, {@code exodus})
 * @param title what it is
 * @param license the data licence and attribution, shown in reports
 * @param sdks the SDKs
 * @param hosts hosts known to the pack but not tied to one SDK
 * @param settings opt-out switches
 */
public record SignaturePack(
    String id, String title, String license, List<SdkSignature> sdks, List<HostRule> hosts, List<SettingKey> settings) {
  public SignaturePack {
    sdks = List.copyOf(sdks);
    hosts = List.copyOf(hosts);
    settings = List.copyOf(settings);
  }
}
