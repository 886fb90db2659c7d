package dev.untrack.rom.lp;

import java.io.IOException;
import java.util.List;

/**
 * The requested partition sizes do not fit the super: a group's maximum size, the device, or the metadata slot
 * is too small. Says, per place, how many bytes are missing.
 */
public final class LpDoesNotFitException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * One place that is too small.
   *
   * @param kind "group", "device" or "metadata"
   * @param name the group or block device name ("metadata" for the metadata slot)
   * @param needed bytes the layout needs there (alignment padding included for a device)
   * @param available bytes there are
   */
  public record Shortfall(String kind, String name, long needed, long available) {
    public long missing() {
      return needed - available;
    }

    @Override
    public String toString() {
      return kind + " '" + name + "' needs " + needed + " bytes but has " + available + " (" + missing()
          + " bytes missing)";
    }
  }

  private final transient List<Shortfall> shortfalls;

  public LpDoesNotFitException(String superName, List<Shortfall> shortfalls) {
    super(superName + ": the partitions do not fit: " + String.join("; ", shortfalls.stream().map(Shortfall::toString).toList()));
    this.shortfalls = List.copyOf(shortfalls);
  }

  public List<Shortfall> shortfalls() {
    return shortfalls;
  }
}
