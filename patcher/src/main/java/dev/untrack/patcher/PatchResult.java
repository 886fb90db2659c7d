package dev.untrack.patcher;

import java.util.List;
import java.util.Map;

/**
 * The outcome of planning an app: the report, the new bytes of every dex entry that changes (by entry name)
 * and dex entries to add. Nothing here has been written yet; {@link dev.untrack.patcher.write.AppWriter} does that.
 */
public record PatchResult(PatchReport report, Map<String, byte[]> replacedDex, List<NewDex> addedDex) {
  public PatchResult {
    replacedDex = Map.copyOf(replacedDex);
    addedDex = List.copyOf(addedDex);
  }

  /** A dex entry to add after the app's last one. */
  public record NewDex(String name, byte[] bytes) {}

  public boolean hasChanges() {
    return !replacedDex.isEmpty() || !addedDex.isEmpty();
  }
}
