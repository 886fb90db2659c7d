package dev.untrack.checker.flow;

/**
 * What a method does, as far as call-site classification needs to know.
 *
 * @param pure no reachable instruction has an effect outside the method (a neutralized body)
 * @param gatedEntry not pure, but with every opt-out switch unset nothing with an effect is reachable: the
 *     method checks consent itself before doing anything
 * @param constReturn the value every reachable return yields, or null
 * @param unsetReturn the value every return reachable with the switches unset yields, or null
 * @param consentSource the consent check this depends on ("Settings.Secure upload_log_pref, default 0"), or
 *     null when the method does not read a switch
 * @param analysed false when the method could not be analysed (no code, outside the app, too deep): nothing
 *     is known, which counts as "may do anything"
 */
public record Summary(boolean pure, boolean gatedEntry, Long constReturn, Long unsetReturn, String consentSource,
    boolean analysed) {
  static final Summary UNKNOWN = new Summary(false, false, null, null, null, false);

  /** A consent predicate: a boolean/int check of a switch whose unset value is known. */
  boolean isConsentCheck() {
    return consentSource != null && unsetReturn != null && constReturn == null;
  }
}
