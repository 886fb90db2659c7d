package dev.untrack.signing.apk;

import static dev.untrack.signing.apk.SigningDecision.Action.KEEP_CERT;
import static dev.untrack.signing.apk.SigningDecision.Action.REFUSE;
import static dev.untrack.signing.apk.SigningDecision.Action.RESIGN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SigningPolicyTest {
  private static AppSigningFacts app(String sharedUid, InstallLocation where, boolean signed, boolean key,
      boolean wholeSet) {
    return new AppSigningFacts("com.example.app", sharedUid, where, signed, key, wholeSet);
  }

  private static SigningDecision decide(SigningMode m, AppSigningFacts f) {
    return SigningPolicy.decide(m, f);
  }

  @Test
  void resignOfAPlatformSharedUidAppIsRefusedWithTheReason() {
    SigningDecision d = decide(SigningMode.RESIGN, app("android.uid.system", InstallLocation.SYSTEM, true, true, false));
    assertEquals(REFUSE, d.action());
    assertTrue(d.reason().contains("platform key"), d.reason());
    assertTrue(d.reason().contains("framework-res"), d.reason());
    assertTrue(d.reason().contains("mac_permissions.xml"), d.reason());
    assertTrue(d.reason().contains("whole set"), d.reason());
  }

  @Test
  void resignOfASharedUidAppIsAllowedWhenTheWholeSetIsResigned() {
    SigningDecision d = decide(SigningMode.RESIGN, app("android.uid.phone", InstallLocation.SYSTEM, true, true, true));
    assertEquals(RESIGN, d.action());
    assertTrue(d.reason().contains("mac_permissions.xml"));
    assertEquals(RESIGN, decide(SigningMode.AUTO, app("android.uid.phone", InstallLocation.SYSTEM, true, true, true)).action());
  }

  @Test
  void keepCertIsNotValidForDataAppOrUserInstalls() {
    for (InstallLocation l : new InstallLocation[] {InstallLocation.DATA_APP, InstallLocation.USER}) {
      SigningDecision d = decide(SigningMode.KEEP_CERT, app(null, l, true, true, false));
      assertEquals(REFUSE, d.action());
      assertTrue(d.reason().contains("verifies such APKs fully"), d.reason());
    }
    assertEquals(KEEP_CERT, decide(SigningMode.KEEP_CERT, app(null, InstallLocation.SYSTEM, true, false, false)).action());
    assertEquals(REFUSE, decide(SigningMode.KEEP_CERT, app(null, InstallLocation.SYSTEM, false, true, false)).action());
  }

  @Test
  void resignWithoutAKeyIsRefused() {
    assertEquals(REFUSE, decide(SigningMode.RESIGN, app(null, InstallLocation.SYSTEM, true, false, false)).action());
  }

  @Test
  void autoTable() {
    // system, shared UID: keep the certificate even with a key
    assertEquals(KEEP_CERT, decide(SigningMode.AUTO, app("android.uid.system", InstallLocation.SYSTEM, true, true, false)).action());
    assertEquals(REFUSE, decide(SigningMode.AUTO, app("android.uid.system", InstallLocation.SYSTEM, false, true, false)).action());
    // plain system app: resign with a key, keep without one
    assertEquals(RESIGN, decide(SigningMode.AUTO, app(null, InstallLocation.SYSTEM, true, true, false)).action());
    assertEquals(KEEP_CERT, decide(SigningMode.AUTO, app(null, InstallLocation.SYSTEM, true, false, false)).action());
    assertEquals(REFUSE, decide(SigningMode.AUTO, app(null, InstallLocation.SYSTEM, false, false, false)).action());
    assertEquals(RESIGN, decide(SigningMode.AUTO, app("", InstallLocation.SYSTEM, false, true, false)).action());
    // data-app and user APKs: resign or refuse
    assertEquals(RESIGN, decide(SigningMode.AUTO, app(null, InstallLocation.DATA_APP, true, true, false)).action());
    SigningDecision noKey = decide(SigningMode.AUTO, app(null, InstallLocation.DATA_APP, true, false, false));
    assertEquals(REFUSE, noKey.action());
    assertTrue(noKey.reason().contains("--key"));
    assertEquals(REFUSE, decide(SigningMode.AUTO, app("com.x.shared", InstallLocation.USER, true, true, false)).action());
  }

  @Test
  void everyCombinationGivesADecisionWithAReason() {
    for (SigningMode m : SigningMode.values()) {
      for (InstallLocation l : InstallLocation.values()) {
        for (String uid : new String[] {null, "android.uid.system", "com.shared"}) {
          for (int bits = 0; bits < 8; bits++) {
            SigningDecision d = decide(m, app(uid, l, (bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0));
            assertTrue(d.reason().startsWith("com.example.app: "), d.reason());
            if (d.action() == KEEP_CERT) {
              assertEquals(InstallLocation.SYSTEM, l);
              assertTrue((bits & 1) != 0, "keep-cert needs a signed original");
            }
            if (d.action() == RESIGN) {
              assertTrue((bits & 2) != 0, "resign needs a key");
              assertTrue(uid == null || (bits & 4) != 0, "shared UID needs the whole set");
            }
          }
        }
      }
    }
  }
}
