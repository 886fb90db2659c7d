package dev.untrack.rom.lp;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ByteSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Plans a new super image: the partitions of an existing super (kept, resized, replaced, added or removed) or of
 * a new one, laid out again within each group's maximum size and the device size, with new metadata written to
 * every slot and its backup. {@link #layout()} computes where everything goes; {@link SuperLayout} writes it,
 * copying the bytes of unchanged partitions as a stream.
 *
 * <p>Layout, by default ({@link Strategy#KEEP_UNCHANGED}): partitions whose size did not change keep their
 * extents (an untouched super comes out byte-identical); each resized or new partition gets one extent at the
 * first 1 MiB-aligned free place that fits. If that fails, everything is packed again in table order
 * ({@link Strategy#COMPACT}). Attributes, groups, slot count, header version and flags are kept; on a virtual A/B
 * device the {@code _b} partitions stay empty.
 *
 * <p>Sizes are rounded up to the logical block size (4096); content shorter than its partition is written
 * as is, the rest of the partition is left unwritten (as lpmake does).
 */
public final class SuperWriter {
  public enum Strategy {
    /** Unchanged partitions stay where they are; changed ones go into free space. */
    KEEP_UNCHANGED,
    /** Every partition is placed again, in table order, from the first logical sector. */
    COMPACT
  }

  static final class Group {
    final String name;
    final int flags;
    long maximumSize;

    Group(String name, int flags, long maximumSize) {
      this.name = name;
      this.flags = flags;
      this.maximumSize = maximumSize;
    }
  }

  static final class Part {
    final String name;
    int attributes;
    String group;
    long size;
    ByteSource content;
    List<LpExtent> originalExtents; // null for new or resized partitions

    Part(String name, int attributes, String group, long size, ByteSource content, List<LpExtent> originalExtents) {
      this.name = name;
      this.attributes = attributes;
      this.group = group;
      this.size = size;
      this.content = content;
      this.originalExtents = originalExtents;
    }
  }

  final String name;
  final LpGeometry geometry;
  final LpBlockDevice device;
  int minorVersion;
  int headerFlags;
  final Map<String, Group> groups = new LinkedHashMap<>();
  final Map<String, Part> parts = new LinkedHashMap<>();
  Strategy strategy = Strategy.KEEP_UNCHANGED;
  int alignment = LpFormat.DEFAULT_ALIGNMENT;

  private SuperWriter(String name, LpGeometry geometry, LpBlockDevice device, int minorVersion, int headerFlags) {
    this.name = name;
    this.geometry = geometry;
    this.device = device;
    this.minorVersion = minorVersion;
    this.headerFlags = headerFlags;
    if (device.alignment() > alignment && device.alignment() % alignment == 0) {
      alignment = device.alignment();
    }
  }

  /** Starts from {@code image}: every partition kept as it is until told otherwise. */
  public static SuperWriter edit(SuperImage image) throws RomFormatException {
    LpMetadata m = image.metadata();
    if (m.blockDevices().size() != 1) {
      throw RomFormatException.unsupported(image.source().name(), LpFormat.NAME, RomFormatException.NO_OFFSET,
          "super spans " + m.blockDevices().size() + " block devices (retrofit layout); only one is supported");
    }
    LpBlockDevice dev = m.superDevice();
    if (dev.alignmentOffset() != 0) {
      throw RomFormatException.unsupported(image.source().name(), LpFormat.NAME, RomFormatException.NO_OFFSET,
          "block device alignment offset " + dev.alignmentOffset() + " is not supported");
    }
    SuperWriter w = new SuperWriter(image.source().name(), m.geometry(), dev, m.minorVersion(), m.headerFlags());
    for (LpGroup g : m.groups()) {
      w.groups.put(g.name(), new Group(g.name(), g.flags(), g.maximumSize()));
    }
    for (LpPartition p : m.partitions()) {
      w.parts.put(p.name(), new Part(p.name(), p.attributes(), m.groupOf(p).name(), m.sizeOf(p), image.partition(p),
          m.extentsOf(p)));
    }
    return w;
  }

  /**
   * An empty super of {@code deviceSize} bytes with the group "default" (no limit), 4096-byte logical blocks and
   * 1 MiB alignment, metadata version 10.0.
   */
  public static SuperWriter create(long deviceSize, int metadataMaxSize, int slotCount) {
    if (metadataMaxSize <= 0 || metadataMaxSize % LpFormat.SECTOR_SIZE != 0
        || metadataMaxSize > LpMetadataCodec.MAX_METADATA_SIZE) {
      throw new IllegalArgumentException("metadata max size " + metadataMaxSize + " must be a multiple of 512");
    }
    if (slotCount < 1 || slotCount > LpMetadataCodec.MAX_SLOTS) {
      throw new IllegalArgumentException("slot count " + slotCount);
    }
    long reserved = LpFormat.totalMetadataSize(metadataMaxSize, slotCount);
    long first = alignUp(reserved, LpFormat.DEFAULT_ALIGNMENT);
    if (deviceSize < first || deviceSize % 4096 != 0) {
      throw new IllegalArgumentException("device size " + deviceSize + " must be a multiple of 4096 of at least " + first);
    }
    LpBlockDevice dev = new LpBlockDevice(first / LpFormat.SECTOR_SIZE, LpFormat.DEFAULT_ALIGNMENT, 0, deviceSize,
        "super", 0);
    SuperWriter w = new SuperWriter("super", new LpGeometry(metadataMaxSize, slotCount, 4096), dev, 0, 0);
    w.groups.put("default", new Group("default", 0, 0));
    return w;
  }

  /** Marks the metadata as that of a virtual A/B device (header 10.2 with the VIRTUAL_AB flag). */
  public SuperWriter virtualAb() {
    headerFlags |= LpFormat.HEADER_FLAG_VIRTUAL_AB_DEVICE;
    minorVersion = Math.max(minorVersion, LpFormat.MINOR_VERSION_FOR_EXPANDED_HEADER);
    return this;
  }

  public SuperWriter strategy(Strategy s) {
    this.strategy = Objects.requireNonNull(s);
    return this;
  }

  /** Adds a group, or changes the maximum size (0 = unlimited) of an existing one. */
  public SuperWriter group(String groupName, long maximumSize) {
    checkName(groupName);
    if (maximumSize < 0) {
      throw new IllegalArgumentException("negative maximum size");
    }
    Group g = groups.get(groupName);
    if (g == null) {
      groups.put(groupName, new Group(groupName, 0, maximumSize));
    } else {
      g.maximumSize = maximumSize;
    }
    return this;
  }

  /** Adds a partition holding {@code content} (may be null for an empty one) in {@code size} bytes. */
  public SuperWriter addPartition(String partName, String groupName, int attributes, long size, ByteSource content) {
    checkName(partName);
    if (parts.containsKey(partName)) {
      throw new IllegalArgumentException("partition '" + partName + "' already exists");
    }
    if (!groups.containsKey(groupName)) {
      throw new IllegalArgumentException("no group '" + groupName + "'");
    }
    long s = roundUp(size);
    checkContent(partName, content, s);
    parts.put(partName, new Part(partName, attributes, groupName, s, content, null));
    return this;
  }

  /** Adds a partition exactly as large as {@code content} (rounded up to the logical block size). */
  public SuperWriter addPartition(String partName, String groupName, int attributes, ByteSource content) {
    return addPartition(partName, groupName, attributes, content.size(), content);
  }

  /** New content; the partition becomes as large as the content (rounded up to the logical block size). */
  public SuperWriter replace(String partName, ByteSource content) {
    return replace(partName, content, content.size());
  }

  public SuperWriter replace(String partName, ByteSource content, long size) {
    Part p = part(partName);
    long s = roundUp(size);
    checkContent(partName, content, s);
    p.content = content;
    if (s != p.size) {
      p.size = s;
      p.originalExtents = null;
    }
    return this;
  }

  /** A new size; the content stays and must fit. */
  public SuperWriter resize(String partName, long size) {
    Part p = part(partName);
    long s = roundUp(size);
    checkContent(partName, p.content, s);
    if (s != p.size) {
      p.size = s;
      p.originalExtents = null;
    }
    return this;
  }

  public SuperWriter remove(String partName) {
    part(partName);
    parts.remove(partName);
    return this;
  }

  /** Computes the layout and the new metadata, or says what does not fit. */
  public SuperLayout layout() throws LpDoesNotFitException {
    return new SuperLayoutPlanner(this).plan();
  }

  private Part part(String partName) {
    Part p = parts.get(partName);
    if (p == null) {
      throw new IllegalArgumentException("no partition '" + partName + "' in " + name);
    }
    return p;
  }

  private long roundUp(long size) {
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size);
    }
    return alignUp(size, geometry.logicalBlockSize());
  }

  private static void checkContent(String partName, ByteSource content, long size) {
    if (content != null && content.size() > size) {
      throw new IllegalArgumentException("content of '" + partName + "' (" + content.size()
          + " bytes) is larger than its size " + size);
    }
  }

  private static void checkName(String n) {
    String bad = LpMetadataCodec.badName(n);
    if (bad != null) {
      throw new IllegalArgumentException("name '" + n + "' " + bad);
    }
  }

  static long alignUp(long v, long alignment) {
    long r = v % alignment;
    return r == 0 ? v : v + (alignment - r);
  }

  /** Partitions in table order (for the planner). */
  List<Part> partList() {
    return new ArrayList<>(parts.values());
  }

  static final Comparator<long[]> BY_START = Comparator.comparingLong(a -> a[0]);
}
