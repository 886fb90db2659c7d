package dev.untrack.signing.apk;

/**
 * Decides, per app, between keeping the original certificate and re-signing, from plain facts. The rules are
 * Android's (rom-formats.md, "What makes Android reject a modified system app"):
 *
 * <ul>
 *   <li>Apps scanned from a system partition have their certificates read without digest verification, so a
 *       patched APK that carries the original signature block and META-INF keeps its identity ({@code keep-cert}).
 *       Apps installed into /data ({@code data-app}, user APKs) are fully verified: keep-cert cannot work there.
 *   <li>A re-signed plain system app is accepted ("signature changed; retaining data"). A re-signed shared-UID app
 *       is rejected: the shared user's certificate is fixed by its other members (for {@code android.uid.system}
 *       by framework-res, the platform key) and by {@code mac_permissions.xml}, so the whole set would have to be
 *       re-signed together.
 * </ul>
 *
 * {@code auto} keeps the certificate where that is valid and needed (shared UID, or no key given) and re-signs
 * where a key is given and re-signing is safe.
 */
public final class SigningPolicy {
  private SigningPolicy() {}

  public static SigningDecision decide(SigningMode mode, AppSigningFacts app) {
    switch (mode) {
      case KEEP_CERT:
        return keepCert(app);
      case RESIGN:
        return resign(app);
      case AUTO:
      default:
        return auto(app);
    }
  }

  private static SigningDecision keepCert(AppSigningFacts app) {
    if (app.location() != InstallLocation.SYSTEM) {
      return SigningDecision.refuse(app.packageName() + ": keep-cert is not valid for "
          + describe(app.location()) + ": Android verifies such APKs fully at install, and a patched APK's digests "
          + "no longer match its original signature; re-sign it with --key (mode resign or auto)");
    }
    if (!app.originalSigned()) {
      return SigningDecision.refuse(app.packageName() + ": keep-cert needs a signed original, and this one "
          + "carries no signature; re-sign it with --key");
    }
    return SigningDecision.keepCert(app.packageName() + ": keeps its original certificate (system apps are "
        + "scanned without digest verification)" + (app.hasSharedUid()
            ? "; shared UID " + app.sharedUserId() + " keeps working" : ""));
  }

  private static SigningDecision resign(AppSigningFacts app) {
    if (!app.keyGiven()) {
      return SigningDecision.refuse(app.packageName() + ": resign needs a key: give --key");
    }
    if (app.hasSharedUid() && !app.wholeSharedUidSetResigned()) {
      return SigningDecision.refuse(sharedUidRefusal(app));
    }
    if (app.hasSharedUid()) {
      return SigningDecision.resign(app.packageName() + ": re-signed with the rest of shared UID "
          + app.sharedUserId() + "; every member and mac_permissions.xml must carry the new certificate");
    }
    return SigningDecision.resign(app.packageName() + ": re-signed with your key" + consequence(app));
  }

  private static SigningDecision auto(AppSigningFacts app) {
    if (app.location() == InstallLocation.SYSTEM) {
      if (app.hasSharedUid()) {
        if (app.keyGiven() && app.wholeSharedUidSetResigned()) {
          return resign(app);
        }
        if (app.originalSigned()) {
          return SigningDecision.keepCert(app.packageName() + ": keeps its original certificate, which shared UID "
              + app.sharedUserId() + " needs (system apps are scanned without digest verification)");
        }
        return SigningDecision.refuse(app.packageName() + ": unsigned original with shared UID "
            + app.sharedUserId() + ": there is no certificate to keep, and " + sharedUidRefusalTail(app));
      }
      if (app.keyGiven()) {
        return SigningDecision.resign(app.packageName() + ": re-signed with your key (plain system app: safe)"
            + consequence(app));
      }
      if (app.originalSigned()) {
        return SigningDecision.keepCert(app.packageName() + ": keeps its original certificate (no key given; "
            + "system apps are scanned without digest verification)");
      }
      return SigningDecision.refuse(app.packageName() + ": unsigned original and no key: give --key to sign it");
    }
    if (!app.keyGiven()) {
      return SigningDecision.refuse(app.packageName() + ": " + describe(app.location())
          + " APKs are verified fully when installed, so a patched one must be re-signed: give --key");
    }
    if (app.hasSharedUid() && !app.wholeSharedUidSetResigned()) {
      return SigningDecision.refuse(sharedUidRefusal(app));
    }
    return resign(app);
  }

  private static String sharedUidRefusal(AppSigningFacts app) {
    return app.packageName() + ": refusing to re-sign an app with shared UID " + app.sharedUserId() + ": "
        + sharedUidRefusalTail(app);
  }

  private static String sharedUidRefusalTail(AppSigningFacts app) {
    String fixedBy = "android.uid.system".equals(app.sharedUserId())
        ? "the platform key, fixed by framework-res.apk"
        : "the certificate of the other apps sharing it";
    return "Android only lets an app into a shared UID if its certificate matches " + fixedBy
        + ", and SELinux assigns domains by certificate in mac_permissions.xml. Re-signing one member makes "
        + "Android reject it; the whole set and mac_permissions.xml would have to be re-signed together. "
        + "Use keep-cert (the default for system apps), or ask for the whole shared-UID set to be re-signed.";
  }

  private static String consequence(AppSigningFacts app) {
    return app.location() == InstallLocation.SYSTEM
        ? "; Android keeps the app's data after a signature change, but vendor store updates will no longer install over it"
        : "";
  }

  private static String describe(InstallLocation l) {
    switch (l) {
      case DATA_APP:
        return "preinstalled data-app";
      case USER:
        return "user-installed";
      default:
        return "system";
    }
  }
}
