package dev.untrack.cli;

import dev.untrack.signing.SigningException;
import dev.untrack.signing.keys.KeyLoader;
import dev.untrack.signing.keys.KeyLocation;
import dev.untrack.signing.keys.PasswordSource;
import dev.untrack.signing.keys.SigningKey;
import java.io.Console;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The signing key options, as a picocli mixin for every command that signs ({@code patch}, ...):
 * {@code @Mixin KeyOptions key;} then {@code key.load(System.console())} when {@link #given()}.
 */
public final class KeyOptions {
  @Option(names = "--key", paramLabel = "FILE",
      description = "Signing key: a PKCS12 (.p12) or JKS keystore, or an AOSP-style .pk8 (with --cert).")
  Path key;

  @Option(names = "--cert", paramLabel = "FILE", description = "Certificate (.x509.pem) of a .pk8 key.")
  Path cert;

  @Option(names = "--alias", paramLabel = "NAME", description = "Keystore alias (default: the only key in it).")
  String alias;

  @Option(names = "--store-pass-file", paramLabel = "FILE",
      description = "Read the keystore (or encrypted .pk8) password from the first line of FILE.")
  Path storePassFile;

  @Option(names = "--store-pass-env", paramLabel = "VAR",
      description = "Read the keystore (or encrypted .pk8) password from environment variable VAR.")
  String storePassEnv;

  @Option(names = "--key-pass-file", paramLabel = "FILE",
      description = "Read the key password from FILE (default: same as the keystore password).")
  Path keyPassFile;

  @Option(names = "--key-pass-env", paramLabel = "VAR",
      description = "Read the key password from environment variable VAR (default: same as the keystore password).")
  String keyPassEnv;

  /** True if {@code --key} was given. */
  public boolean given() {
    return key != null;
  }

  public Path keyFile() {
    return key;
  }

  /** Where the key is; prompts on {@code console} (lazily) for a password given neither as file nor variable. */
  public KeyLocation location(Console console) {
    if (key == null) {
      if (cert != null || alias != null || storePassFile != null || storePassEnv != null || keyPassFile != null
          || keyPassEnv != null) {
        throw new UserException(ExitCode.USAGE, "key options need --key FILE");
      }
      throw new UserException(ExitCode.USAGE, "no signing key: give --key FILE");
    }
    PasswordSource store = PasswordOptions.source(storePassFile, storePassEnv, "--store-pass-file",
        "--store-pass-env", console, "Password for " + key.getFileName(), false, true);
    PasswordSource keyPw = PasswordOptions.source(keyPassFile, keyPassEnv, "--key-pass-file", "--key-pass-env",
        console, "Key password", false, false);
    return new KeyLocation(key, cert, alias, store, keyPw);
  }

  public SigningKey load(Console console) throws SigningException {
    return KeyLoader.load(location(console));
  }
}
