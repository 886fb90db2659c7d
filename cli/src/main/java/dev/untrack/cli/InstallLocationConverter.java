package dev.untrack.cli;

import dev.untrack.signing.apk.InstallLocation;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code system} / {@code data-app} / {@code user} on the command line. */
final class InstallLocationConverter implements ITypeConverter<InstallLocation> {
  @Override
  public InstallLocation convert(String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "system":
        return InstallLocation.SYSTEM;
      case "data-app":
        return InstallLocation.DATA_APP;
      case "user":
        return InstallLocation.USER;
      default:
        throw new TypeConversionException("'" + value + "' is not an install location (system, data-app or user)");
    }
  }
}
