package dev.untrack.pipeline;

/** Callbacks for long work; the CLI draws a progress bar on a terminal, tests and --json pass {@link #NONE}. */
public interface Progress {
  Progress NONE = new Progress() {};

  /** A new phase with {@code total} steps (-1 if unknown). */
  default void begin(String phase, long total) {}

  /** {@code n} more steps of the current phase are done. */
  default void advance(long n) {}

  /** The current phase is over. */
  default void end() {}
}
