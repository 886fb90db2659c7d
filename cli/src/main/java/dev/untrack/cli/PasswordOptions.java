package dev.untrack.cli;

import dev.untrack.signing.keys.PasswordSource;
import java.io.Console;
import java.nio.file.Path;

/**
 * Turns a pair of {@code --X-file} / {@code --X-env} options into a {@link PasswordSource}, falling back to an
 * interactive prompt. There is deliberately no option that takes the password itself: command lines are visible
 * to other users ({@code ps}) and stay in shell histories.
 */
final class PasswordOptions {
  private PasswordOptions() {}

  /**
   * The source for one password: the file, the variable, or (if {@code promptIfAbsent}) a console prompt;
   * null when neither option is set and the password is optional.
   */
  static PasswordSource source(Path file, String env, String fileOption, String envOption, Console console,
      String prompt, boolean confirm, boolean promptIfAbsent) {
    if (file != null && env != null) {
      throw new UserException(ExitCode.USAGE, "give " + fileOption + " or " + envOption + ", not both");
    }
    if (file != null) {
      return PasswordSource.fromFile(file);
    }
    if (env != null) {
      return PasswordSource.fromEnvironment(env);
    }
    if (!promptIfAbsent) {
      return null;
    }
    // asked lazily: an unencrypted .pk8 never needs it; without a console the signing code reports it
    return PasswordSource.fromConsole(console, prompt, confirm);
  }
}
