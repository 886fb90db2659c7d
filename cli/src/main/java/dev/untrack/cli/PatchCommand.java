package dev.untrack.cli;

import dev.untrack.patcher.PatchReport;
import dev.untrack.patcher.Policy;
import dev.untrack.patcher.patch.PatchSet;
import dev.untrack.pipeline.ReportJson;
import dev.untrack.pipeline.ReportText;
import dev.untrack.pipeline.SingleAppPatch;
import dev.untrack.signing.apk.InstallLocation;
import dev.untrack.signing.apk.SigningMode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code untrack patch IN -o OUT}: one APK or JAR. */
@Command(
    name = "patch",
    mixinStandardHelpOptions = true,
    description = "Patches one APK or JAR: finds telemetry code with the patch set's fingerprints, changes only "
        + "the dex files that need it and copies everything else byte for byte. By default the output keeps the "
        + "original signature block and META-INF (keep-cert: valid for apps on system partitions); with --key it can "
        + "be re-signed (--sign). With nothing to change, OUT is a byte-identical copy of IN.")
final class PatchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "IN", description = "The APK or JAR to patch (never modified).")
  Path input;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
      description = "Where to write the patched app (written atomically; nothing is left on failure).")
  Path output;

  @Mixin PatchSourceOptions source = new PatchSourceOptions();

  @Option(names = "--policy", paramLabel = "POLICY", converter = PolicyConverter.class, defaultValue = "block",
      description = "block (default): telemetry entry points become no-ops; honor-switch: telemetry runs only "
          + "after an explicit opt-in.")
  Policy policy;

  @Option(names = "--sign", paramLabel = "MODE", converter = SigningModeConverter.class, defaultValue = "auto",
      description = "auto (default): keep the original certificate where that is valid and needed, re-sign where "
          + "a key is given and it is safe; keep-cert: carry over the original signature block and META-INF; "
          + "resign: sign v1+v2+v3 with --key. See docs/signing.md.")
  SigningMode sign;

  @Option(names = "--install-location", paramLabel = "WHERE", converter = InstallLocationConverter.class,
      defaultValue = "system",
      description = "Where the patched app will live: system (default: a system partition's app directory, "
          + "where keep-cert works), data-app (preinstalled, installed into /data), user (installed by the user). "
          + "Decides which signing modes are valid.")
  InstallLocation location;

  @Mixin KeyOptions key = new KeyOptions();

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(input)) {
      throw new UserException(ExitCode.BAD_INPUT, input + ": no such file");
    }
    if (SingleAppPatch.sameFile(input, output)) {
      throw new UserException(ExitCode.USAGE, "the output must not be the input file (" + output + ")");
    }
    PatchSet set = source.toPatchSets().load();
    SingleAppPatch.KeySupplier keys = key.given() ? () -> key.load(System.console()) : null;
    if (!key.given() && sign == SigningMode.RESIGN) {
      throw new UserException(ExitCode.USAGE, "--sign resign needs --key FILE");
    }
    PatchReport report = SingleAppPatch.run(new SingleAppPatch.Request(input, output, set, policy, sign, location,
        keys));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(ReportJson.toJson(report));
    } else {
      ReportText.lines(report, UntrackCommand.verbose(spec)).forEach(out::println);
      out.println("wrote " + output);
    }
    out.flush();
    return ExitCode.OK.code();
  }

}
