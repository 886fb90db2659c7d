package dev.untrack.signing.apk;

import java.util.Objects;

/**
 * The facts about one app that decide how it may be signed, as plain values (the caller reads them from the
 * manifest, the path in the image and the original APK).
 *
 * @param packageName for messages
 * @param sharedUserId {@code android:sharedUserId} from the manifest, or null
 * @param location where Android finds the APK
 * @param originalSigned whether the original APK carries a signature (v1, v2 or v3)
 * @param keyGiven whether the user gave a signing key
 * @param wholeSharedUidSetResigned whether the user asked to re-sign every app of the shared UID together (and
 *     to update {@code mac_permissions.xml}), which is the only way re-signing a shared-UID app can work
 */
public record AppSigningFacts(String packageName, String sharedUserId, InstallLocation location,
    boolean originalSigned, boolean keyGiven, boolean wholeSharedUidSetResigned) {
  public AppSigningFacts {
    Objects.requireNonNull(packageName, "packageName");
    Objects.requireNonNull(location, "location");
  }

  public boolean hasSharedUid() {
    return sharedUserId != null && !sharedUserId.isEmpty();
  }
}
