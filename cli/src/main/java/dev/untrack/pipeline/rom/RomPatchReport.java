package dev.untrack.pipeline.rom;

import java.util.List;

/**
 * Everything {@code untrack patch ROM} did, for the text report and {@code --json}.
 *
 * @param kind the firmware kind (input and output are of the same kind)
 * @param apps every app that was patched or failed; the unchanged ones are only counted
 * @param appsScanned APKs and JARs the patch set was run on
 * @param appsUnchanged of which nothing applied to
 * @param unchangedBy the unchanged ones by the patcher's outcome ({@code UNCHANGED}; {@code ODEXED}: compiled
 *     ahead of time without dex, nothing to patch; {@code NO_CODE})
 * @param partitions every partition whose image changed
 * @param avb what happened to vbmeta and AVB footers
 * @param container what changed in the container around the partitions
 * @param warnings what the user must know before flashing
 * @param identical true when the output is a byte-identical copy of the input
 * @param checker the checker's verdict on the output (null when it was not run)
 */
public record RomPatchReport(String input, String output, String kind, List<AppChange> apps, int appsScanned,
    int appsUnchanged, java.util.SortedMap<String, Integer> unchangedBy, List<PartitionChange> partitions, List<String> avb, List<String> container,
    List<String> warnings, boolean identical, CheckerVerdict checker) {

  public RomPatchReport {
    apps = List.copyOf(apps);
    partitions = List.copyOf(partitions);
    avb = List.copyOf(avb);
    container = List.copyOf(container);
    warnings = List.copyOf(warnings);
  }

  public long failedApps() {
    return apps.stream().filter(AppChange::failed).count();
  }

  public RomPatchReport withChecker(CheckerVerdict v) {
    return new RomPatchReport(input, output, kind, apps, appsScanned, appsUnchanged, unchangedBy, partitions, avb,
        container, warnings, identical, v);
  }

  /**
   * One partition image that changed.
   *
   * @param format ext4, erofs or vbmeta
   * @param filesystemBytes the edited filesystem's size (before the AVB footer area)
   * @param limit the most bytes it could take, and where that comes from ("" when unlimited)
   * @param changes files replaced, deleted, created, in words
   * @param avb what happened to its AVB footer ("" when it has none)
   */
  public record PartitionChange(String name, String format, long inputSize, long outputSize, long filesystemBytes,
      String limit, List<String> changes, String avb) {
    public PartitionChange {
      changes = List.copyOf(changes);
    }
  }
}
