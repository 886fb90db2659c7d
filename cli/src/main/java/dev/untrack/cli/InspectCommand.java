package dev.untrack.cli;

import dev.untrack.pipeline.InspectReport;
import dev.untrack.pipeline.Inspector;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "inspect",
    description = {
      "Shows what is inside a firmware, APK or JAR.",
      "Container kind, partitions (size, filesystem), and each app's package, version, shared user, dex/odex",
      "state and which telemetry SDKs it defines.",
      "Example: untrack inspect miui_fastboot.tgz --json > inventory.json"
    },
    mixinStandardHelpOptions = true)
final class InspectCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "INPUT", description = "Firmware (fastboot .tgz/.zip/dir, OTA .zip, super/sparse/partition .img), APK or JAR.")
  Path input;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "Where gzip-compressed images are spooled while reading (default: the system temp dir).")
  Path workDir = Path.of(System.getProperty("java.io.tmpdir"));

  @Option(names = "--threads", description = "Apps read in parallel (default: ${DEFAULT-VALUE}).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Override
  public Integer call() throws Exception {
    Inspector inspector = new Inspector(new Inspector.Options(SdkPrefixes.fromCheckerPack(), workDir, threads));
    InspectReport report = inspector.inspect(input, TerminalProgress.forHumans(json));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.GSON.toJson(report));
    } else {
      printText(report, out);
    }
    out.flush();
    return ExitCode.OK.code();
  }

  private static void printText(InspectReport r, PrintWriter out) {
    out.println(r.input() + ": " + r.kind());
    if (!r.partitions().isEmpty()) {
      out.println();
      out.printf("%-24s %14s  %-11s %-12s %s%n", "PARTITION", "SIZE", "CONTENT", "VOLUME", "FROM");
      for (InspectReport.PartitionInfo p : r.partitions()) {
        out.printf("%-24s %14s  %-11s %-12s %s%n", (p.parent().isEmpty() ? "" : "  ") + p.name(),
            Sizes.human(p.size()), p.type().toLowerCase(), p.volume(), p.origin());
      }
    }
    out.println();
    out.printf("%-62s %-36s %-6s %s%n", "APP", "PACKAGE", "CODE", "TELEMETRY SDKS");
    int withSdk = 0;
    int errors = 0;
    for (InspectReport.AppInfo a : r.apps()) {
      if (a.error() != null) {
        errors++;
        out.printf("%-62s error: %s%n", a.location(), a.error());
        continue;
      }
      String code = a.odexed() ? "odex" : a.dexFiles() == 0 ? "none" : a.dexFiles() + " dex";
      String pkg = a.packageName() == null ? "-" : a.packageName()
          + (a.sharedUserId() == null ? "" : " [" + a.sharedUserId() + "]");
      if (!a.sdks().isEmpty()) {
        withSdk++;
      }
      out.printf("%-62s %-36s %-6s %s%n", a.location(), pkg, code, String.join(", ", a.sdks()));
    }
    out.println();
    out.println(r.apps().size() + " apps and jars; " + withSdk + " define telemetry SDK code"
        + (errors > 0 ? "; " + errors + " could not be read" : "") + ". For call sites and proof: untrack scan.");
  }
}
