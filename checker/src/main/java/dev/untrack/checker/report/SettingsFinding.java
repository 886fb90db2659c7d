package dev.untrack.checker.report;

/**
 * A read of an opt-out settings key.
 *
 * @param namespace secure, system or global
 * @param key the key
 * @param defaultValue the default the read passes: a number, {@code none} (no default: unset throws or reads as
 *     null) or {@code unknown} (not a constant)
 * @param unsetMeansConsent true when that default counts as consent under the key's meaning ("unset = yes") and
 *     the read runs on a phone where the switches were never set; false otherwise; null when it cannot be told
 * @param reachedWhenUnset whether the read runs at all when every opt-out switch is unset
 * @param callerClass class of the reading method
 * @param callerMethod the reading method
 * @param dex dex file
 * @param offset byte offset of the read in the dex
 */
public record SettingsFinding(String namespace, String key, String defaultValue, Boolean unsetMeansConsent,
    boolean reachedWhenUnset, String callerClass, String callerMethod, String dex, long offset) {
  public Severity severity() {
    return Boolean.TRUE.equals(unsetMeansConsent) ? Severity.HIGH : Severity.INFO;
  }
}
