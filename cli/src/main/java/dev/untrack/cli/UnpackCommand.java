package dev.untrack.cli;

import dev.untrack.pipeline.Unpacker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "unpack",
    description = {
      "Writes a firmware's partitions out as file trees and/or raw images.",
      "Each tree comes with a metadata manifest (owner, mode, SELinux label, capabilities, symlinks, mtime);",
      "nothing is left behind on error.",
      "Example: untrack unpack rom.zip -o rom-unpacked --partitions system,product"
    },
    mixinStandardHelpOptions = true)
final class UnpackCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "INPUT", description = "Firmware: fastboot .tgz/.zip/dir, OTA .zip, super/sparse/partition .img.")
  Path input;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR",
      description = "Output directory (must not exist, or be empty).")
  Path output;

  @Option(names = "--partitions", split = ",", paramLabel = "NAME",
      description = "Only these partitions (default: all).")
  List<String> partitions = List.of();

  @Option(names = "--images", description = "Also write raw partition images (images/NAME.img).")
  boolean images;

  @Option(names = "--images-only", description = "Write raw partition images only, no file trees.")
  boolean imagesOnly;

  @Option(names = "--max-entries", description = "Refuse filesystems with more entries (default: ${DEFAULT-VALUE}).")
  long maxEntries = 2_000_000;

  @Option(names = "--max-bytes", description = "Refuse to write more bytes in all (default: ${DEFAULT-VALUE}).")
  long maxBytes = 256L << 30;

  @Option(names = "--work-dir", paramLabel = "DIR", description = "Where gzip-compressed images are spooled.")
  Path workDir = Path.of(System.getProperty("java.io.tmpdir"));

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Unpacker.Options options = new Unpacker.Options(new LinkedHashSet<>(partitions), images || imagesOnly,
        !imagesOnly, maxEntries, maxBytes, workDir);
    Unpacker.Result r = new Unpacker(options).unpack(input, output, TerminalProgress.forHumans(json));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.GSON.toJson(r));
    } else {
      out.println("unpacked " + String.join(", ", r.partitions()) + " into " + r.directory() + ": "
          + r.files() + " files, " + Sizes.human(r.bytes()));
      r.notes().forEach(n -> out.println("  note: " + n));
    }
    out.flush();
    return ExitCode.OK.code();
  }
}
