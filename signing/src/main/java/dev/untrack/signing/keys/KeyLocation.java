package dev.untrack.signing.keys;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a signing key is and how to open it.
 *
 * @param keyFile a PKCS12 ({@code .p12}, {@code .pfx}) or JKS keystore, an AOSP-style DER PKCS#8 {@code .pk8}
 *     (plain or encrypted), or a PEM private key ({@code PRIVATE KEY}, {@code ENCRYPTED PRIVATE KEY},
 *     {@code RSA PRIVATE KEY})
 * @param certFile the certificate ({@code .x509.pem} or DER) for a {@code .pk8}/PEM key; null for a keystore, or
 *     for a bare key used only for AVB and payload signatures
 * @param alias the keystore alias; null picks the only key in the store
 * @param storePassword the keystore password, or the password of an encrypted PKCS#8 key
 * @param keyPassword the key password inside a keystore; null means the same as the store password
 */
public record KeyLocation(
    Path keyFile, Path certFile, String alias, PasswordSource storePassword, PasswordSource keyPassword) {
  public KeyLocation {
    Objects.requireNonNull(keyFile, "keyFile");
  }

  public static KeyLocation keystore(Path file, String alias, PasswordSource storePassword,
      PasswordSource keyPassword) {
    return new KeyLocation(file, null, alias, storePassword, keyPassword);
  }

  /** A {@code .pk8} with its certificate; {@code password} is used only if the key is encrypted. */
  public static KeyLocation pk8(Path pk8, Path cert, PasswordSource password) {
    return new KeyLocation(pk8, cert, null, password, null);
  }
}
