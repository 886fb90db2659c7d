package dev.untrack.checker.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PackPartsTest {
  @Test
  void globs() {
    assertTrue(new Glob("track*").matches("track"));
    assertTrue(new Glob("track*").matches("trackEvent"));
    assertFalse(new Glob("track*").matches("untrack"));
    assertTrue(new Glob("Lcom/miui/analytics/SecurityCenterAnalytics*").matches(
        "Lcom/miui/analytics/SecurityCenterAnalyticsHelper;"));
    assertTrue(new Glob("*").matches(""));
    assertTrue(new Glob("a*b*c").matches("aXbYc"));
    assertFalse(new Glob("a*b*c").matches("aXbY"));
    assertTrue(new Glob("(Landroid/content/Context;*").matches("(Landroid/content/Context;Ljava/lang/String;)V"));
  }

  @Test
  void entryPointsNeverMatchConstructors() {
    EntryPoint.Matcher m = new EntryPoint("s", "Lcom/x/A;", "*", null, null).matcher();
    assertTrue(m.matches("Lcom/x/A;", "track", "()V"));
    assertFalse(m.matches("Lcom/x/A;", "<init>", "()V"));
    assertFalse(m.matches("Lcom/x/B;", "track", "()V"));
  }

  @Test
  void literalPartsOfExodusRegexes() {
    assertEquals("databerries.com", PackLoader.longestLiteral("databerries\\.com"));
    assertEquals(".estimote.com", PackLoader.longestLiteral(".*\\.estimote\\.com"));
    assertEquals("adservice.google.", PackLoader.longestLiteral("adservice\\.google\\..*"));
    assertEquals(".is.autonavi.com", PackLoader.longestLiteral("mst[0-9]*\\.is\\.autonavi\\.com"));
    assertEquals("display.io", PackLoader.longestLiteral("display.io"));
    assertNull(PackLoader.networkRule("x", "a.*"));
  }

  @Test
  void hostRulesRespectLabels() {
    HostRule bare = HostRule.bare("onetrack", "tracking.miui.com", null);
    assertTrue(bare.matchesToken("tracking.miui.com"));
    assertTrue(bare.matchesToken("fcanr.tracking.miui.com"));
    assertFalse(bare.matchesToken("nottracking.miui.com"));
    assertFalse(bare.matchesToken("tracking.miui.com.evil.example"));
    HostRule rx = PackLoader.networkRule("g", "\\.google\\.com");
    assertTrue(rx.matchesToken("www.google.com"));
    assertFalse(rx.matchesToken("com.google.common.base"));
  }

  @Test
  void consentRules() {
    assertTrue(SettingKey.ConsentRule.NONZERO.isConsent(-1));
    assertFalse(SettingKey.ConsentRule.NONZERO.isConsent(0));
    assertTrue(SettingKey.ConsentRule.BIT0.isConsent(3));
    assertFalse(SettingKey.ConsentRule.BIT0.isConsent(2));
    assertFalse(SettingKey.ConsentRule.EQ1.isConsent(-1));
  }
}
