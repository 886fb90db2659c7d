package dev.untrack.cli;

import dev.untrack.signing.apk.SigningMode;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code auto} / {@code keep-cert} / {@code resign} on the command line. */
final class SigningModeConverter implements ITypeConverter<SigningMode> {
  @Override
  public SigningMode convert(String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "auto":
        return SigningMode.AUTO;
      case "keep-cert":
        return SigningMode.KEEP_CERT;
      case "resign":
        return SigningMode.RESIGN;
      default:
        throw new TypeConversionException("'" + value + "' is not a signing mode (auto, keep-cert or resign)");
    }
  }
}
