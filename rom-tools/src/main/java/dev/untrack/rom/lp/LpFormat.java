package dev.untrack.rom.lp;

/**
 * Constants of the LP ("logical partitions", dynamic partitions) metadata format, from AOSP
 * {@code fs_mgr/liblp/include/liblp/metadata_format.h}. All integers are little endian.
 */
public final class LpFormat {
  private LpFormat() {}

  public static final int GEOMETRY_MAGIC = 0x616c4467;
  public static final int HEADER_MAGIC = 0x414C5030;
  public static final int MAJOR_VERSION = 10;
  public static final int MINOR_VERSION_MAX = 2;
  /** Minor version from which partitions may carry UPDATED and DISABLED. */
  public static final int MINOR_VERSION_FOR_UPDATED_ATTR = 1;
  /** Minor version from which the header is 256 bytes with a flags field. */
  public static final int MINOR_VERSION_FOR_EXPANDED_HEADER = 2;

  public static final int SECTOR_SIZE = 512;
  /** Zeros at the start of every super, so it never looks like a boot sector. */
  public static final int PARTITION_RESERVED_BYTES = 4096;
  /** Space for one copy of the geometry. */
  public static final int GEOMETRY_SIZE = 4096;
  public static final long PRIMARY_GEOMETRY_OFFSET = PARTITION_RESERVED_BYTES;
  public static final long BACKUP_GEOMETRY_OFFSET = PRIMARY_GEOMETRY_OFFSET + GEOMETRY_SIZE;
  /** Where the metadata slots start: reserved bytes, then two geometry copies. */
  public static final long METADATA_OFFSET = PARTITION_RESERVED_BYTES + 2L * GEOMETRY_SIZE;

  public static final int GEOMETRY_STRUCT_SIZE = 52;
  public static final int HEADER_V1_0_SIZE = 128;
  public static final int HEADER_V1_2_SIZE = 256;
  public static final int PARTITION_ENTRY_SIZE = 52;
  public static final int EXTENT_ENTRY_SIZE = 24;
  public static final int GROUP_ENTRY_SIZE = 48;
  public static final int BLOCK_DEVICE_ENTRY_SIZE = 64;
  public static final int NAME_LENGTH = 36;

  public static final int PARTITION_ATTR_READONLY = 1;
  public static final int PARTITION_ATTR_SLOT_SUFFIXED = 1 << 1;
  public static final int PARTITION_ATTR_UPDATED = 1 << 2;
  public static final int PARTITION_ATTR_DISABLED = 1 << 3;
  public static final int PARTITION_ATTRIBUTE_MASK_V0 = PARTITION_ATTR_READONLY | PARTITION_ATTR_SLOT_SUFFIXED;
  public static final int PARTITION_ATTRIBUTE_MASK_V1 = PARTITION_ATTR_UPDATED | PARTITION_ATTR_DISABLED;

  public static final int TARGET_TYPE_LINEAR = 0;
  public static final int TARGET_TYPE_ZERO = 1;

  public static final int GROUP_SLOT_SUFFIXED = 1;
  public static final int BLOCK_DEVICE_SLOT_SUFFIXED = 1;
  public static final int HEADER_FLAG_VIRTUAL_AB_DEVICE = 1;

  /** liblp's default alignment for partitions. */
  public static final int DEFAULT_ALIGNMENT = 1 << 20;

  static final String NAME = "LP metadata";

  /** Space before the first logical sector: reserved bytes, geometry twice, every slot twice. */
  public static long totalMetadataSize(int metadataMaxSize, int slotCount) {
    return PARTITION_RESERVED_BYTES + 2 * (GEOMETRY_SIZE + (long) metadataMaxSize * slotCount);
  }

  public static long primaryMetadataOffset(LpGeometry g, int slot) {
    return METADATA_OFFSET + (long) g.metadataMaxSize() * slot;
  }

  public static long backupMetadataOffset(LpGeometry g, int slot) {
    return METADATA_OFFSET + (long) g.metadataMaxSize() * g.metadataSlotCount() + (long) g.metadataMaxSize() * slot;
  }
}
