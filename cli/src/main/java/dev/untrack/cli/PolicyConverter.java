package dev.untrack.cli;

import dev.untrack.patcher.Policy;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code block} / {@code honor-switch} on the command line. */
final class PolicyConverter implements ITypeConverter<Policy> {
  @Override
  public Policy convert(String value) {
    Policy p = Policy.fromKeyword(value.toLowerCase(java.util.Locale.ROOT));
    if (p == null) {
      throw new TypeConversionException("'" + value + "' is not a policy (block or honor-switch)");
    }
    return p;
  }
}
