package dev.untrack.testkit;

import com.android.tools.r8.CompilationFailedException;
import com.android.tools.r8.D8;
import com.android.tools.r8.D8Command;
import com.android.tools.r8.Diagnostic;
import com.android.tools.r8.DiagnosticsHandler;
import com.android.tools.r8.OutputMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Independent judges of a dex file: the real dexer (D8, in process) and AOSP's dexdump (an oracle). */
public final class DexChecks {
  private DexChecks() {}

  /**
   * Feeds the dex to D8 as program input and re-dexes it. D8 parses every code item, checks registers against
   * the frame and references against the tables, and fails on malformed code. Returns D8's errors (empty if it
   * accepted the dex).
   */
  public static List<String> d8Errors(byte[] dex, int minApi) {
    Path work = null;
    try {
      work = Files.createTempDirectory("d8check");
      Path in = Files.write(work.resolve("classes.dex"), dex);
      Path out = Files.createDirectories(work.resolve("out"));
      List<String> errors = new ArrayList<>();
      DiagnosticsHandler handler = new DiagnosticsHandler() {
        @Override
        public void error(Diagnostic d) {
          errors.add(d.getDiagnosticMessage());
        }

        @Override
        public void warning(Diagnostic d) {
          // missing library classes (android.*) are expected: the fixture is checked alone
        }

        @Override
        public void info(Diagnostic d) {}
      };
      try {
        D8.run(D8Command.builder(handler).addProgramFiles(in).setMinApiLevel(minApi)
            .setOutput(out, OutputMode.DexIndexed).build());
      } catch (CompilationFailedException e) {
        if (errors.isEmpty()) {
          errors.add(String.valueOf(e.getMessage()));
        }
      }
      return errors;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      DexCompiler.deleteTree(work);
    }
  }

  /** Runs {@code dexdump -d} (verifies checksum and structure, disassembles every method) and returns its output. */
  public static String dexdump(byte[] dex) throws IOException {
    Path tool = Oracle.require("dexdump", "dexdump");
    Path work = Files.createTempDirectory("dexdump");
    try {
      Path f = Files.write(work.resolve("classes.dex"), dex);
      Oracle.Result r = Oracle.run(work, tool.toString(), "-d", f.toString()).assertOk("dexdump");
      if (r.stderr().contains("Failure") || r.stdout().contains("Failure to") || r.stderr().contains("ERROR")) {
        throw new AssertionError("dexdump reported a problem:\n" + r.stderr());
      }
      return r.stdout();
    } finally {
      DexCompiler.deleteTree(work);
    }
  }
}
