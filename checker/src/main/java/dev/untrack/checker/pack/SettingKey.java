package dev.untrack.checker.pack;

import java.util.List;

/**
 * A settings key that is an opt-out switch, with what its values mean. A read of it whose default counts as
 * consent ("unset means yes") is a finding.
 *
 * @param key the key as passed to {@code Settings.Secure/System/Global.get*}
 * @param namespaces where the platform keeps it ({@code secure}, {@code system}, {@code global}); reads from
 *     any namespace are audited, this only documents the expected one
 * @param consentWhen which stored values mean "the user agreed"
 * @param why what the switch is and where that comes from
 */
public record SettingKey(String key, List<String> namespaces, ConsentRule consentWhen, String why) {
  public SettingKey {
    namespaces = List.copyOf(namespaces);
  }

  /** How a stored (or default) value of the key is read as consent. */
  public enum ConsentRule {
    /** any value other than 0 is consent (OneTrack treats -1 as enabled). */
    NONZERO,
    /** bit 0x1 set is consent ({@code personalized_ad_enabled}). */
    BIT0,
    /** exactly 1 is consent. */
    EQ1;

    public boolean isConsent(long value) {
      switch (this) {
        case NONZERO:
          return value != 0;
        case BIT0:
          return (value & 1) != 0;
        case EQ1:
          return value == 1;
        default:
          throw new AssertionError(this);
      }
    }

    public static ConsentRule parse(String s) {
      switch (s) {
        case "nonzero":
          return NONZERO;
        case "bit0":
          return BIT0;
        case "eq1":
          return EQ1;
        default:
          throw new IllegalArgumentException("consentWhen must be nonzero, bit0 or eq1, not " + s);
      }
    }
  }
}
