package dev.untrack.cli;

import dev.untrack.checker.pack.PackLoader;
import dev.untrack.checker.pack.SdkSignature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The telemetry SDKs' class prefixes, from the checker's Xiaomi pack: one source of truth for inspect and scan. */
final class SdkPrefixes {
  private SdkPrefixes() {}

  /** SDK id → type-descriptor prefixes ({@code Lcom/xiaomi/onetrack/}), functional SDKs (push) left out. */
  static Map<String, List<String>> fromCheckerPack() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (SdkSignature s : PackLoader.xiaomi().sdks()) {
      if (!s.functional() && !s.prefixes().isEmpty()) {
        out.put(s.id(), s.prefixes());
      }
    }
    return out;
  }
}
