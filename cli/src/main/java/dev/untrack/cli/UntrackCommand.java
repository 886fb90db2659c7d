package dev.untrack.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The top-level command; subcommands do the work. */
@Command(
    name = "untrack",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Neutralizes telemetry in Android firmware and apps at the bytecode level, makes opt-out switches real,",
      "repacks and signs the result, and proves it with an independent static checker."
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  success",
      "  1  scan: findings at or above --fail-on",
      "  2  bad command line",
      "  3  input missing, unreadable, corrupt, hostile or unsupported",
      "  4  a patch could not be loaded or applied",
      "  5  signing failed or was refused",
      "  6  output could not be written (nothing is left behind)",
      " 70  internal error (a bug: rerun with --verbose and report it)"
    },
    subcommands = {DemoCommand.class, InspectCommand.class, UnpackCommand.class, PatchCommand.class, PatchesCommand.class,
        ScanCommand.class, KeysCommand.class})
public final class UntrackCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--verbose", scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "Print stack traces with errors.")
  boolean verbose;

  /** Whether {@code --verbose} was given, from any subcommand's spec (the option is inherited). */
  static boolean verbose(CommandSpec spec) {
    picocli.CommandLine.Model.OptionSpec o = spec.findOption("--verbose");
    return o != null && Boolean.TRUE.equals(o.getValue());
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return ExitCode.USAGE.code();
  }
}
