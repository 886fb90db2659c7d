package dev.untrack.pipeline.rom;

import dev.untrack.rom.firmware.Firmware;
import dev.untrack.rom.firmware.Partition;
import dev.untrack.rom.lp.LpGroup;
import dev.untrack.rom.lp.LpMetadata;
import dev.untrack.rom.lp.LpPartition;
import dev.untrack.rom.lp.SuperImage;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * How many bytes an edited partition image may take: what the user said ({@code --partition-size}), the
 * partition's own size when it ends with an AVB footer (a physical partition of fixed size), or the room in the
 * super: the group's maximum size and the device's size minus every other partition, 1 MiB alignment per
 * partition deducted. Otherwise there is no limit.
 */
final class PartitionLimits {
  private static final long ALIGN = 1 << 20;

  private PartitionLimits() {}

  /** The partition size to fit (footer included), with a word on where it comes from; empty for none. */
  record Limit(long bytes, String source) {}

  static Optional<Limit> of(Firmware fw, Partition p, Map<String, Long> given, boolean hasFooter)
      throws IOException {
    Long user = given.get(p.name());
    if (user != null) {
      return Optional.of(new Limit(user, "--partition-size"));
    }
    if (hasFooter) {
      return Optional.of(new Limit(p.size(), "partition size (AVB footer)"));
    }
    if (p.isLogical()) {
      Optional<Partition> parent = fw.partition(p.parent());
      if (parent.isPresent()) {
        LpMetadata md = SuperImage.open(parent.get().content()).metadata();
        Optional<LpPartition> lp = md.partition(p.name());
        if (lp.isPresent()) {
          return Optional.of(superRoom(md, lp.get()));
        }
      }
    }
    return Optional.empty();
  }

  private static Limit superRoom(LpMetadata md, LpPartition self) {
    long others = 0;
    int count = 0;
    for (LpPartition q : md.partitions()) {
      if (q != self) {
        others += md.sizeOf(q);
        count++;
      }
    }
    long device = md.superDevice().size() - md.superDevice().firstLogicalSector() * 512;
    long room = device - others - (count + 1) * ALIGN;
    String source = "super device";
    LpGroup g = md.groupOf(self);
    if (g.maximumSize() > 0) {
      long inGroup = 0;
      for (LpPartition q : md.partitionsIn(g)) {
        if (q != self) {
          inGroup += md.sizeOf(q);
        }
      }
      long groupRoom = g.maximumSize() - inGroup;
      if (groupRoom < room) {
        room = groupRoom;
        source = "super group " + g.name() + " maximum";
      }
    }
    return new Limit(Math.max(0, room / 4096 * 4096), source);
  }
}
