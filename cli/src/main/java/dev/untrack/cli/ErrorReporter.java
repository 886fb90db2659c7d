package dev.untrack.cli;

import dev.untrack.pipeline.rom.RomPatchException;
import dev.untrack.rom.RomFormatException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** Turns any failure into one line on stderr and an {@link ExitCode}; stack traces only with --verbose. */
final class ErrorReporter {
  private ErrorReporter() {}

  static ExitCode classify(Throwable t) {
    if (t instanceof UserException u) {
      return u.exitCode();
    }
    if (t instanceof RomFormatException) {
      return ExitCode.BAD_INPUT;
    }
    if (t instanceof RomPatchException r && r.missingBytes() > 0) {
      return ExitCode.PATCH_FAILED; // the patched result does not fit its partition
    }
    String type = t.getClass().getName();
    // Module exceptions are matched by name so this class does not need every module at compile time order.
    if (type.startsWith("dev.untrack.patcher.")) {
      return ExitCode.PATCH_FAILED;
    }
    if (type.startsWith("dev.untrack.signing.")) {
      return ExitCode.SIGNING_FAILED;
    }
    if (type.startsWith("dev.untrack.checker.")) {
      return ExitCode.BAD_INPUT; // a malformed input or signature pack given to scan
    }
    if (t instanceof NoSuchFileException || t instanceof FileNotFoundException
        || t instanceof AccessDeniedException) {
      return ExitCode.BAD_INPUT;
    }
    if (t instanceof IOException) {
      return ExitCode.OUTPUT_FAILED;
    }
    return ExitCode.INTERNAL;
  }

  static String oneLine(Throwable t) {
    String msg = t.getMessage();
    if (t instanceof NoSuchFileException n) {
      msg = n.getFile() + ": no such file";
    } else if (t instanceof AccessDeniedException a) {
      msg = a.getFile() + ": permission denied";
    }
    if (msg == null || msg.isBlank()) {
      msg = t.getClass().getSimpleName();
    }
    if (classify(t) == ExitCode.INTERNAL) {
      msg = "internal error (" + t.getClass().getSimpleName() + "): " + msg + " — rerun with --verbose and report it";
    }
    return msg.replace('\n', ' ');
  }

  static int report(Throwable t, PrintWriter err, boolean verbose) {
    err.println("untrack: " + oneLine(t));
    if (verbose) {
      t.printStackTrace(err);
    }
    err.flush();
    return classify(t).code();
  }
}
