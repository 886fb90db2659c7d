package dev.untrack.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import picocli.CommandLine;

/** Entry point. {@link #run} is what tests call; only {@link #main} ends the process. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    System.exit(code);
  }

  /** Runs the command line and returns the exit code; prints to the given streams only. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    PrintWriter o = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    PrintWriter e = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    return commandLine(o, e, Arrays.asList(args).contains("--verbose")).execute(args);
  }

  static CommandLine commandLine(PrintWriter out, PrintWriter err, boolean verbose) {
    CommandLine cl = new CommandLine(new UntrackCommand());
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setUsageHelpAutoWidth(true);
    cl.setExitCodeExceptionMapper(t -> ErrorReporter.classify(t).code());
    cl.setExecutionExceptionHandler((ex, line, parsed) -> ErrorReporter.report(ex, err, verbose));
    cl.setParameterExceptionHandler((ex, args) -> {
      err.println("untrack: " + ex.getMessage());
      CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
      err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
      err.flush();
      return ExitCode.USAGE.code();
    });
    return cl;
  }
}
