package dev.untrack.pipeline.rom;

import java.util.List;

/**
 * What the pipeline did with one APK or JAR of the firmware (one line of the report).
 *
 * @param location {@code partition:path}
 * @param outcome the patcher's outcome ({@code PATCHED}, {@code UNCHANGED}, {@code ODEXED}, {@code NO_CODE},
 *     {@code FAILED})
 * @param patches ids of the patches that changed code in it
 * @param signing {@code keep-cert}, {@code resign}, {@code none}, {@code unchanged}
 * @param error why it failed, or null
 */
public record AppChange(String location, String packageName, String outcome, List<String> patches, String signing,
    String signingNote, List<String> changedEntries, String error) {
  public AppChange {
    patches = List.copyOf(patches);
    changedEntries = List.copyOf(changedEntries);
  }

  public boolean patched() {
    return "PATCHED".equals(outcome);
  }

  public boolean failed() {
    return "FAILED".equals(outcome);
  }
}
