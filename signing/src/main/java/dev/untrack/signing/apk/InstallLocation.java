package dev.untrack.signing.apk;

/** Where Android finds the APK, which decides how strictly it checks the signature. */
public enum InstallLocation {
  /**
   * A system partition's app directory ({@code /system/app}, {@code /system/priv-app}, {@code /product/app},
   * {@code /system_ext/priv-app}, {@code /vendor/app}, ...): Android reads the certificates without verifying the
   * digests ({@code ApkSignatureVerifier.unsafeGetCertsWithoutVerification}).
   */
  SYSTEM,
  /**
   * A preinstalled app that is installed into /data on first boot ({@code /system/data-app},
   * {@code /product/data-app}, Xiaomi's {@code /data/miui/app}): fully verified like a user install.
   */
  DATA_APP,
  /** A user APK installed with the package installer or adb: fully verified. */
  USER
}
