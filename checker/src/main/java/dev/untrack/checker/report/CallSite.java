package dev.untrack.checker.report;

import java.util.List;

/**
 * One invoke instruction into a telemetry entry point (depth 0) or into an app method that forwards to one
 * (a wrapper or dispatcher, depth 1+).
 *
 * @param status {@code live}, {@code gated} or {@code neutralized}
 * @param sdks the SDKs reached
 * @param callerClass the class containing the invoke (as in the dex, obfuscated or not)
 * @param callerMethod the method containing it, {@code name(PARAMS)RET}
 * @param target the method the instruction names
 * @param via for wrapper call sites: the entry points the wrapper reaches, outermost first
 * @param depth 0 for a direct call into an SDK entry point, n for a call through n wrappers
 * @param dex the dex file inside the app
 * @param offset byte offset of the invoke instruction in that dex file
 * @param reason why it was classified so
 * @param strings string constants passed to the call (event names, URLs)
 */
public record CallSite(
    String status,
    List<String> sdks,
    String callerClass,
    String callerMethod,
    String target,
    List<String> via,
    int depth,
    String dex,
    long offset,
    String reason,
    List<String> strings) {
  public CallSite {
    sdks = List.copyOf(sdks);
    via = List.copyOf(via);
    strings = List.copyOf(strings);
  }

  public String caller() {
    return callerClass + "->" + callerMethod;
  }

  public Severity severity() {
    return status.equals("live") ? Severity.HIGH : Severity.INFO;
  }
}
