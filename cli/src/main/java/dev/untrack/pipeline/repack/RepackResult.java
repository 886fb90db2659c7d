package dev.untrack.pipeline.repack;

import java.util.List;

/** What changed in the container, one human-readable line per thing, for the report. */
public record RepackResult(List<String> notes) {
  public RepackResult {
    notes = List.copyOf(notes);
  }
}
