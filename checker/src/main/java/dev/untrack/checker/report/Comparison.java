package dev.untrack.checker.report;

import java.util.List;

/**
 * A scan compared with a scan of the original ({@code --baseline}): what was removed, what remains live, and
 * whether anything changed outside the apps whose telemetry changed.
 *
 * @param baselineInputs what the baseline scan read
 * @param apps one entry per app path present in either scan
 * @param files non-app files that were added, removed or changed
 * @param liveBefore live call sites in the baseline
 * @param liveAfter live call sites now
 * @param liveRemoved baseline live sites that are no longer live
 * @param liveAdded live sites that were not live in the baseline
 * @param unexpected changes outside the patched apps: paths with a reason each
 * @param slotPairs partitions paired across an A/B slot suffix, {@code "system_a = system"} (scanned =
 *     baseline); paths in this comparison keep the scanned side's names (the baseline's for removed items)
 */
public record Comparison(
    List<String> baselineInputs,
    List<AppDelta> apps,
    List<FileDelta> files,
    long liveBefore,
    long liveAfter,
    long liveRemoved,
    long liveAdded,
    List<Unexpected> unexpected,
    List<String> slotPairs) {

  public Comparison {
    baselineInputs = List.copyOf(baselineInputs);
    apps = List.copyOf(apps);
    files = List.copyOf(files);
    unexpected = List.copyOf(unexpected);
    slotPairs = List.copyOf(slotPairs);
  }

  /**
   * One app before and after.
   *
   * @param path app path
   * @param change {@code unchanged}, {@code changed}, {@code added} or {@code removed}
   * @param changedEntries zip entries whose content differs, were added or removed
   * @param telemetryChanged call sites, SDK status, hosts or settings reads differ
   * @param liveBefore live sites before
   * @param liveAfter live sites after
   * @param gatedBefore gated before
   * @param gatedAfter gated after
   * @param neutralizedBefore neutralized before
   * @param neutralizedAfter neutralized after
   * @param removedLive live sites that are gone or no longer live
   * @param remainingLive live sites still live
   * @param newLive live sites that were not live before
   * @param sdkChanges SDK status changes ("sensors: defined -> absent")
   */
  public record AppDelta(
      String path,
      String change,
      List<String> changedEntries,
      boolean telemetryChanged,
      long liveBefore,
      long liveAfter,
      long gatedBefore,
      long gatedAfter,
      long neutralizedBefore,
      long neutralizedAfter,
      List<CallSite> removedLive,
      List<CallSite> remainingLive,
      List<CallSite> newLive,
      List<String> sdkChanges) {
    public AppDelta {
      changedEntries = List.copyOf(changedEntries);
      removedLive = List.copyOf(removedLive);
      remainingLive = List.copyOf(remainingLive);
      newLive = List.copyOf(newLive);
      sdkChanges = List.copyOf(sdkChanges);
    }
  }

  /** A non-app file before and after: {@code added}, {@code removed} or {@code changed}. */
  public record FileDelta(String path, String change) {}

  /** A change the telemetry does not explain. */
  public record Unexpected(String path, String reason) {}
}
