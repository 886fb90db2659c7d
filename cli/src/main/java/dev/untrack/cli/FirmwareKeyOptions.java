package dev.untrack.cli;

import dev.untrack.pipeline.SingleAppPatch;
import dev.untrack.signing.keys.KeyLoader;
import dev.untrack.signing.keys.KeyLocation;
import dev.untrack.signing.keys.PasswordSource;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The AVB and OTA keys of {@code untrack patch ROM}: each a keystore or a .pk8, loaded only when used. */
final class FirmwareKeyOptions {
  @Option(names = "--avb-key", paramLabel = "FILE",
      description = "Firmware: re-sign AVB footers, vbmeta_system and vbmeta with this RSA key (keystore or .pk8) "
          + "instead of disabling verity; for devices that accept a user AVB key.")
  Path avbKey;

  @Option(names = "--avb-key-pass-env", paramLabel = "VAR", description = "Password of --avb-key from variable VAR.")
  String avbPassEnv;

  @Option(names = "--avb-key-pass-file", paramLabel = "FILE", description = "Password of --avb-key from FILE.")
  Path avbPassFile;

  @Option(names = "--ota-key", paramLabel = "FILE",
      description = "Firmware, OTA zips: sign payload.bin and the zip with this RSA key (keystore, or .pk8 with "
          + "--ota-cert; untrack keys generate makes one). Stock recovery accepts only the vendor's key.")
  Path otaKey;

  @Option(names = "--ota-cert", paramLabel = "FILE", description = "Certificate (.x509.pem) of a .pk8 --ota-key.")
  Path otaCert;

  @Option(names = "--ota-key-pass-env", paramLabel = "VAR", description = "Password of --ota-key from variable VAR.")
  String otaPassEnv;

  @Option(names = "--ota-key-pass-file", paramLabel = "FILE", description = "Password of --ota-key from FILE.")
  Path otaPassFile;

  boolean avbGiven() {
    return avbKey != null;
  }

  SingleAppPatch.KeySupplier avb() {
    if (avbKey == null) {
      if (avbPassEnv != null || avbPassFile != null) {
        throw new UserException(ExitCode.USAGE, "--avb-key-pass-* needs --avb-key FILE");
      }
      return null;
    }
    PasswordSource pw = password(avbPassFile, avbPassEnv, "--avb-key-pass-file", "--avb-key-pass-env", avbKey);
    return () -> KeyLoader.load(new KeyLocation(avbKey, null, null, pw, null));
  }

  SingleAppPatch.KeySupplier ota() {
    if (otaKey == null) {
      if (otaCert != null || otaPassEnv != null || otaPassFile != null) {
        throw new UserException(ExitCode.USAGE, "--ota-cert and --ota-key-pass-* need --ota-key FILE");
      }
      return null;
    }
    PasswordSource pw = password(otaPassFile, otaPassEnv, "--ota-key-pass-file", "--ota-key-pass-env", otaKey);
    return () -> KeyLoader.load(new KeyLocation(otaKey, otaCert, null, pw, null));
  }

  private static PasswordSource password(Path file, String env, String fileOption, String envOption, Path key) {
    PasswordSource given = PasswordOptions.source(file, env, fileOption, envOption, System.console(),
        "Password for " + key.getFileName(), false, false);
    // an unencrypted .pk8 needs none; a keystore without one given is tried with the empty password
    return given != null ? given : PasswordSource.none();
  }
}
