package dev.untrack.cli;

import dev.untrack.patcher.PatchReport;
import dev.untrack.patcher.Policy;
import dev.untrack.patcher.patch.PatchSet;
import dev.untrack.pipeline.ReportJson;
import dev.untrack.pipeline.ReportText;
import dev.untrack.pipeline.SingleAppPatch;
import dev.untrack.pipeline.rom.RomPatch;
import dev.untrack.pipeline.rom.RomPatchReport;
import dev.untrack.pipeline.rom.RomPatchRequest;
import dev.untrack.pipeline.rom.RomPatchText;
import dev.untrack.signing.apk.InstallLocation;
import dev.untrack.signing.apk.SigningMode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code untrack patch IN -o OUT}: one APK or JAR, or a firmware (see docs/rom-patch.md). */
@Command(
    name = "patch",
    mixinStandardHelpOptions = true,
    description = "Patches a firmware image or one APK or JAR. Firmware: every app the patch set applies to is "
        + "patched and written back into its filesystem surgically, stale oat/ goes, the telemetry hosts are "
        + "added, AVB footers and vbmeta are updated, and the checker judges the output (docs/rom-patch.md). "
        + "One app: finds telemetry code with the patch set's fingerprints, changes only "
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

  @Mixin FirmwareKeyOptions firmwareKeys = new FirmwareKeyOptions();

  @Option(names = "--avb-flags", paramLabel = "FLAGS", defaultValue = "0x1",
      description = "Firmware without --avb-key: flags ORed into the top-level vbmeta: 0x1 (default, "
          + "HASHTREE_DISABLED, like fastboot --disable-verity) or 0x3 (also VERIFICATION_DISABLED; some "
          + "Android 16 builds bootloop with it).")
  String avbFlags;

  @Option(names = "--no-hosts", description = "Firmware: do not add the telemetry hosts to /system/etc/hosts.")
  boolean noHosts;

  @Option(names = "--mtime", paramLabel = "SECONDS",
      description = "Firmware: modification time of changed files (default: one second after the newest file "
          + "of the partition; give the current time for a dirty flash over the same build).")
  Long mtime;

  @Option(names = "--partition-size", paramLabel = "NAME=BYTES",
      description = "Firmware: the edited partition NAME must fit in BYTES (repeatable; needed for a raw image "
          + "without AVB footer, whose partition size the image does not say).")
  Map<String, String> partitionSizes = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(input) && !Files.isDirectory(input)) {
      throw new UserException(ExitCode.BAD_INPUT, input + ": no such file");
    }
    if (SingleAppPatch.sameFile(input, output)) {
      throw new UserException(ExitCode.USAGE, "the output must not be the input file (" + output + ")");
    }
    if (RomPatch.isFirmware(input)) {
      return patchFirmware();
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

  private int patchFirmware() throws Exception {
    if (!key.given() && sign == SigningMode.RESIGN) {
      throw new UserException(ExitCode.USAGE, "--sign resign needs --key FILE");
    }
    PatchSet set = source.toPatchSets().load();
    SingleAppPatch.KeySupplier keys = key.given() ? () -> key.load(System.console()) : null;
    SingleAppPatch.KeySupplier avb = firmwareKeys.avb();
    SingleAppPatch.KeySupplier ota = firmwareKeys.ota();
    RomPatchRequest request = new RomPatchRequest(input, output, set, policy, sign, keys, avb, ota, flags(), !noHosts,
        mtime, sizes(), Runtime.getRuntime().availableProcessors());
    RomPatchReport report = RomPatch.run(request, TerminalProgress.forHumans(json));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(ReportJson.toJson(report));
    } else {
      RomPatchText.lines(report).forEach(out::println);
      out.println("wrote " + output);
    }
    out.flush();
    return report.failedApps() > 0 ? ExitCode.PATCH_FAILED.code() : ExitCode.OK.code();
  }

  private int flags() {
    int f;
    try {
      f = avbFlags.startsWith("0x") ? Integer.parseInt(avbFlags.substring(2), 16) : Integer.parseInt(avbFlags);
    } catch (NumberFormatException e) {
      throw new UserException(ExitCode.USAGE, "--avb-flags must be 0x1 or 0x3, not " + avbFlags);
    }
    if (f != 1 && f != 3) {
      throw new UserException(ExitCode.USAGE, "--avb-flags must be 0x1 or 0x3, not " + avbFlags);
    }
    if (firmwareKeys.avbGiven() && !avbFlags.equals("0x1")) {
      throw new UserException(ExitCode.USAGE, "--avb-flags and --avb-key exclude each other: with a key "
          + "vbmeta is re-signed and verification stays on");
    }
    return f;
  }

  private Map<String, Long> sizes() {
    Map<String, Long> out = new LinkedHashMap<>();
    partitionSizes.forEach((k, v) -> {
      try {
        out.put(k, Long.parseLong(v));
      } catch (NumberFormatException e) {
        throw new UserException(ExitCode.USAGE, "--partition-size " + k + "=" + v + ": not a number of bytes");
      }
    });
    return out;
  }

}
