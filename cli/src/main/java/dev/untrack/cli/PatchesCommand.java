package dev.untrack.cli;

import dev.untrack.patcher.patch.Patch;
import dev.untrack.patcher.patch.PatchSet;
import dev.untrack.pipeline.PatchCatalogText;
import dev.untrack.pipeline.ReportJson;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code untrack patches list|show}: what the patch set contains. */
@Command(
    name = "patches",
    mixinStandardHelpOptions = true,
    description = "Lists and explains the patches (built-in, or from --patches DIR).",
    subcommands = {PatchesCommand.ListPatches.class, PatchesCommand.ShowPatch.class})
final class PatchesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return ExitCode.USAGE.code();
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "One line per patch: id, title, targets.")
  static final class ListPatches implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin PatchSourceOptions source = new PatchSourceOptions();

    @Option(names = "--json", description = "Print the list as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      PatchSet set = source.toPatchSets().load();
      List<PatchCatalogText.Entry> entries = new ArrayList<>();
      for (Patch p : set.patches()) {
        entries.add(PatchCatalogText.entry(p));
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(ReportJson.toJson(entries));
      } else if (entries.isEmpty()) {
        out.println("no patches");
      } else {
        int w = entries.stream().mapToInt(e -> e.id().length()).max().orElse(0);
        for (PatchCatalogText.Entry e : entries) {
          out.println(String.format("%-" + w + "s  %s  [%s]", e.id(), e.title(), String.join("; ", e.targets())));
        }
      }
      out.flush();
      return ExitCode.OK.code();
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "What a patch does and why, its sources, targets, policy and how the checker verifies it.")
  static final class ShowPatch implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin PatchSourceOptions source = new PatchSourceOptions();

    @Parameters(index = "0", paramLabel = "ID", description = "The patch id (see 'untrack patches list').")
    String id;

    @Override
    public Integer call() throws Exception {
      PatchSet set = source.toPatchSets().load();
      Patch p = set.patch(id).orElseThrow(() -> new UserException(ExitCode.USAGE,
          "no patch with id '" + id + "' (see 'untrack patches list')"));
      PrintWriter out = spec.commandLine().getOut();
      PatchCatalogText.show(p).forEach(out::println);
      out.flush();
      return ExitCode.OK.code();
    }
  }
}
