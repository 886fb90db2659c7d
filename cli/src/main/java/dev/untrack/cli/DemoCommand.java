package dev.untrack.cli;

import dev.untrack.patcher.Policy;
import dev.untrack.pipeline.demo.Demo;
import dev.untrack.pipeline.demo.DemoReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code untrack demo}: the whole job on Xiaomi-like apps built in code. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Runs the whole job on a built-in demo and prints what changed.",
      "Builds in code a Mint-like browser, a OneTrack system app, a MiStat framework jar and a small Xiaomi-like",
      "fastboot firmware holding them; scans them, patches the apps and the firmware with the built-in patch set",
      "and checks the results against the originals. Needs no input and no network; the same version always",
      "writes the same bytes. See docs/demo.md."
    },
    footer = {"", "Examples:", "  untrack demo", "  untrack demo -o /tmp/demo --json"})
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = "untrack-demo",
      description = "Where the demo's files go (default: ./untrack-demo). Replaced as a whole on every run, "
          + "but only if an earlier demo made it.")
  Path output;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Option(names = "--keep", description = "Also keep the intermediate files (the checker's full reports).")
  boolean keep;

  @Option(names = "--apps-only", description = "Only the app-level demo: no synthetic firmware.")
  boolean appsOnly;

  @Option(names = "--policy", paramLabel = "POLICY", converter = PolicyConverter.class, defaultValue = "block",
      description = "block (default) or honor-switch, as for untrack patch.")
  Policy policy;

  @Override
  public Integer call() throws Exception {
    long start = System.nanoTime();
    DemoReport report = Demo.run(new Demo.Options(output, keep, policy, !appsOnly, SdkPrefixes.fromCheckerPack()),
        Json.GSON::toJson);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.GSON.toJson(report));
    } else {
      report.lines().forEach(out::println);
      out.println(String.format(Locale.ROOT, "done in %.1f s", (System.nanoTime() - start) / 1e9));
    }
    out.flush();
    return ExitCode.OK.code();
  }
}
