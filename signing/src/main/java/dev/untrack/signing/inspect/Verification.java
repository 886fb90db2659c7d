package dev.untrack.signing.inspect;

import com.android.apksig.ApkVerifier;
import com.android.apksig.apk.MinSdkVersionException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * apksig's full verification of an APK (every digest, every scheme), as data.
 *
 * @param verified whether apksig accepts the APK
 * @param verifiedSchemes the schemes apksig verified
 * @param errors apksig's errors (empty when verified)
 * @param warnings apksig's warnings
 */
public record Verification(boolean verified, Set<Scheme> verifiedSchemes, List<String> errors, List<String> warnings) {
  /** The API level verification assumes when the manifest gives none (Android 7, the first with v2). */
  public static final int FALLBACK_MIN_SDK = 24;

  public Verification {
    verifiedSchemes = verifiedSchemes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(verifiedSchemes));
    errors = List.copyOf(errors);
    warnings = List.copyOf(warnings);
  }

  /** Runs apksig; an APK apksig cannot even parse is reported as not verified, with the reason. */
  static Verification of(Path apk) {
    List<String> errors = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Set<Scheme> schemes = EnumSet.noneOf(Scheme.class);
    try {
      ApkVerifier.Result r;
      try {
        r = new ApkVerifier.Builder(apk.toFile()).build().verify();
      } catch (MinSdkVersionException e) {
        // no readable AndroidManifest.xml: the signature can still be judged, for the API levels of v2+
        warnings.add("minimum SDK unreadable (" + e.getMessage() + "): verified for API " + FALLBACK_MIN_SDK + "+");
        r = new ApkVerifier.Builder(apk.toFile()).setMinCheckedPlatformVersion(FALLBACK_MIN_SDK).build().verify();
      }
      r.getErrors().forEach(i -> errors.add(i.toString()));
      r.getWarnings().forEach(i -> warnings.add(i.toString()));
      for (ApkVerifier.Result.V1SchemeSignerInfo s : r.getV1SchemeSigners()) {
        s.getErrors().forEach(i -> errors.add("v1 " + s.getName() + ": " + i));
      }
      for (ApkVerifier.Result.V2SchemeSignerInfo s : r.getV2SchemeSigners()) {
        s.getErrors().forEach(i -> errors.add("v2 signer " + s.getIndex() + ": " + i));
      }
      for (ApkVerifier.Result.V3SchemeSignerInfo s : r.getV3SchemeSigners()) {
        s.getErrors().forEach(i -> errors.add("v3 signer " + s.getIndex() + ": " + i));
      }
      if (r.isVerifiedUsingV1Scheme()) {
        schemes.add(Scheme.V1);
      }
      if (r.isVerifiedUsingV2Scheme()) {
        schemes.add(Scheme.V2);
      }
      if (r.isVerifiedUsingV3Scheme()) {
        schemes.add(Scheme.V3);
      }
      if (r.isVerifiedUsingV31Scheme()) {
        schemes.add(Scheme.V31);
      }
      boolean ok = r.isVerified();
      if (!ok && errors.isEmpty()) {
        errors.add("apksig does not accept the APK");
      }
      return new Verification(ok, schemes, errors, warnings);
    } catch (Exception e) {
      // apksig throws for APKs it cannot parse at all (no manifest, bad zip); that is a finding, not a crash
      errors.add("apksig: " + e.getClass().getSimpleName() + ": " + e.getMessage());
      return new Verification(false, schemes, errors, warnings);
    }
  }
}
