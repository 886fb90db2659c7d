package dev.untrack.rom.lp;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.ByteSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A super partition image (raw, or the expanded view of a sparse one) and its logical partitions as lazy
 * {@link ByteSource} views: nothing is copied, a read of {@code system_a} is a read of the super at the extent's
 * sectors.
 *
 * <p>The geometry is read at 4096 and, if that copy is damaged, at 8192; the metadata of the chosen slot is read
 * from its primary copy and, if that is damaged, its backup. Every checksum is verified. Beyond liblp's own
 * checks, extents are refused when they overlap each other or the metadata area, or lie past the end of the
 * device or of the image.
 */
public final class SuperImage {
  private final ByteSource source;
  private final LpMetadata metadata;
  private final int slot;
  private final boolean backupGeometry;
  private final boolean backupMetadata;

  private SuperImage(ByteSource source, LpMetadata metadata, int slot, boolean backupGeometry, boolean backupMetadata) {
    this.source = source;
    this.metadata = metadata;
    this.slot = slot;
    this.backupGeometry = backupGeometry;
    this.backupMetadata = backupMetadata;
  }

  /** True if either geometry copy carries the LP geometry magic. */
  public static boolean isSuper(ByteSource source) throws IOException {
    for (long at : new long[] {LpFormat.PRIMARY_GEOMETRY_OFFSET, LpFormat.BACKUP_GEOMETRY_OFFSET}) {
      if (source.size() >= at + 4) {
        int magic = ByteBuffer.wrap(source.readFully(at, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (magic == LpFormat.GEOMETRY_MAGIC) {
          return true;
        }
      }
    }
    return false;
  }

  /** Opens slot 0. */
  public static SuperImage open(ByteSource source) throws IOException {
    return open(source, 0);
  }

  public static SuperImage open(ByteSource source, int slot) throws IOException {
    String file = source.name();
    LpGeometry geometry;
    boolean usedBackupGeometry = false;
    try {
      geometry = readGeometry(source, LpFormat.PRIMARY_GEOMETRY_OFFSET);
    } catch (RomFormatException primary) {
      try {
        geometry = readGeometry(source, LpFormat.BACKUP_GEOMETRY_OFFSET);
        usedBackupGeometry = true;
      } catch (RomFormatException backup) {
        throw primary;
      }
    }
    if (slot < 0 || slot >= geometry.metadataSlotCount()) {
      throw new IllegalArgumentException(file + ": slot " + slot + " does not exist (the metadata has "
          + geometry.metadataSlotCount() + " slots)");
    }
    LpMetadata metadata;
    boolean usedBackupMetadata = false;
    try {
      metadata = readMetadata(source, geometry, LpFormat.primaryMetadataOffset(geometry, slot));
    } catch (RomFormatException primary) {
      try {
        metadata = readMetadata(source, geometry, LpFormat.backupMetadataOffset(geometry, slot));
        usedBackupMetadata = true;
      } catch (RomFormatException backup) {
        throw primary;
      }
    }
    checkExtents(metadata, source);
    return new SuperImage(source, metadata, slot, usedBackupGeometry, usedBackupMetadata);
  }

  private static LpGeometry readGeometry(ByteSource source, long at) throws IOException {
    if (source.size() < at + LpFormat.GEOMETRY_SIZE) {
      throw RomFormatException.corrupt(source.name(), LpFormat.NAME, at,
          "image of " + source.size() + " bytes is too short to hold the geometry");
    }
    return LpMetadataCodec.parseGeometry(source.readFully(at, LpFormat.GEOMETRY_STRUCT_SIZE), source.name(), at);
  }

  private static LpMetadata readMetadata(ByteSource source, LpGeometry g, long at) throws IOException {
    if (at >= source.size()) {
      throw RomFormatException.corrupt(source.name(), LpFormat.NAME, at, "metadata slot lies past the end of the image");
    }
    int len = (int) Math.min(g.metadataMaxSize(), source.size() - at);
    return LpMetadataCodec.parse(g, source.readFully(at, len), source.name(), at);
  }

  private static void checkExtents(LpMetadata m, ByteSource source) throws RomFormatException {
    LpBlockDevice dev = m.superDevice();
    long firstByte = dev.firstLogicalSector() * LpFormat.SECTOR_SIZE;
    record Span(long start, long end, String owner, int index) {}
    List<Span> spans = new ArrayList<>();
    for (LpPartition p : m.partitions()) {
      for (int i = 0; i < p.numExtents(); i++) {
        int index = p.firstExtentIndex() + i;
        LpExtent e = m.extents().get(index);
        if (!e.isLinear() || e.targetSource() != 0) {
          continue;
        }
        long start = e.targetData() * LpFormat.SECTOR_SIZE;
        long end = start + e.bytes();
        String where = "partition '" + p.name() + "' extent " + index + " [" + start + ", " + end + ")";
        if (start < firstByte) {
          throw RomFormatException.corrupt(source.name(), LpFormat.NAME, start,
              where + " starts before the first logical sector (" + firstByte + ")");
        }
        if (end > dev.size()) {
          throw RomFormatException.corrupt(source.name(), LpFormat.NAME, start,
              where + " ends past the end of device '" + dev.partitionName() + "' (" + dev.size() + " bytes)");
        }
        if (end > source.size()) {
          throw RomFormatException.corrupt(source.name(), LpFormat.NAME, start,
              where + " ends past the end of the image (" + source.size() + " bytes)");
        }
        if (end > start) {
          spans.add(new Span(start, end, p.name(), index));
        }
      }
    }
    spans.sort(Comparator.comparingLong(Span::start));
    for (int i = 1; i < spans.size(); i++) {
      Span a = spans.get(i - 1);
      Span b = spans.get(i);
      if (b.start < a.end) {
        throw RomFormatException.corrupt(source.name(), LpFormat.NAME, b.start,
            "extent " + b.index + " of '" + b.owner + "' overlaps extent " + a.index + " of '" + a.owner + "'");
      }
    }
  }

  public ByteSource source() {
    return source;
  }

  public LpMetadata metadata() {
    return metadata;
  }

  public int slot() {
    return slot;
  }

  /** True if the primary geometry was damaged and the backup at 8192 was used. */
  public boolean usedBackupGeometry() {
    return backupGeometry;
  }

  /** True if the slot's primary metadata was damaged and its backup was used. */
  public boolean usedBackupMetadata() {
    return backupMetadata;
  }

  public List<LpPartition> partitions() {
    return metadata.partitions();
  }

  /** The partition's bytes, lazily; an empty source for a partition without extents. */
  public ByteSource partition(String name) throws RomFormatException {
    LpPartition p = metadata.partition(name).orElseThrow(() -> new IllegalArgumentException(
        source.name() + ": no logical partition '" + name + "'"));
    return partition(p);
  }

  public ByteSource partition(LpPartition p) throws RomFormatException {
    String viewName = source.name() + " > " + p.name();
    List<LpExtent> extents = metadata.extentsOf(p);
    for (LpExtent e : extents) {
      if (e.isLinear() && e.targetSource() != 0) {
        throw RomFormatException.unsupported(source.name(), LpFormat.NAME, RomFormatException.NO_OFFSET,
            "partition '" + p.name() + "' lives on block device '"
                + metadata.blockDevices().get(e.targetSource()).partitionName() + "', not in this super image");
      }
    }
    if (extents.isEmpty()) {
      return new ArrayByteSource(new byte[0], viewName);
    }
    return new ExtentByteSource(source, extents, viewName);
  }

  @Override
  public String toString() {
    return source.name() + " (super, slot " + slot + ", " + metadata.partitions().size() + " partitions)";
  }
}
