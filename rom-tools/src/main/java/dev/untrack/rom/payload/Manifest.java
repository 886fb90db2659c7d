package dev.untrack.rom.payload;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code DeltaArchiveManifest}. Fields untrack reads are typed here; everything else (dynamic partition
 * groups, APEX info, security patch level, fields AOSP adds later) stays in {@link #message()} and is
 * written back unchanged.
 */
public final class Manifest {
  static final int BLOCK_SIZE = 3;
  static final int SIGNATURES_OFFSET = 4;
  static final int SIGNATURES_SIZE = 5;
  static final int MINOR_VERSION = 12;
  static final int PARTITIONS = 13;
  static final int DYNAMIC_PARTITION_METADATA = 15;

  static final int DPM_GROUPS = 1;
  static final int DPM_VABC_ENABLED = 3;
  static final int DPM_VABC_COMPRESSION_PARAM = 4;
  static final int DPM_COW_VERSION = 5;
  static final int DPM_COMPRESSION_FACTOR = 7;
  static final int GROUP_NAME = 1;
  static final int GROUP_SIZE = 2;
  static final int GROUP_PARTITION_NAMES = 3;

  /** A dynamic partition group: the sum of its partitions' sizes must stay within {@code maxSize}. */
  public record Group(String name, long maxSize, List<String> partitionNames) {}

  /** What update_engine needs to know to size the Virtual A/B compressed snapshots. */
  public record VabcSettings(boolean enabled, String compressionParam, int cowVersion, long compressionFactor) {}

  private final ProtoMessage message;
  private final int blockSize;
  private final List<PartitionUpdate> partitions;

  private Manifest(ProtoMessage message, List<PartitionUpdate> partitions) throws InvalidProtocolBufferException {
    this.message = message;
    long bs = message.varint(BLOCK_SIZE, 4096);
    this.blockSize = bs > Integer.MAX_VALUE || bs < 0 ? -1 : (int) bs;
    this.partitions = partitions;
  }

  public static Manifest parse(byte[] data) throws InvalidProtocolBufferException {
    ProtoMessage m = ProtoMessage.parse(data);
    List<PartitionUpdate> parts = new ArrayList<>();
    for (ProtoMessage p : m.messages(PARTITIONS)) {
      parts.add(PartitionUpdate.from(p));
    }
    return new Manifest(m, List.copyOf(parts));
  }

  /**
   * A manifest for a new full payload, with no partitions. {@code dynamicPartitionMetadata} may be null (no
   * dynamic partitions).
   */
  public static Manifest newFull(int blockSize, ProtoMessage dynamicPartitionMetadata) {
    List<ProtoMessage.Field> f = new ArrayList<>();
    f.add(ProtoMessage.Field.varint(BLOCK_SIZE, blockSize));
    f.add(ProtoMessage.Field.varint(MINOR_VERSION, 0));
    if (dynamicPartitionMetadata != null) {
      f.add(ProtoMessage.Field.message(DYNAMIC_PARTITION_METADATA, dynamicPartitionMetadata));
    }
    try {
      return new Manifest(ProtoMessage.of(f), List.of());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A {@code DynamicPartitionMetadata} message, for building payloads from scratch (fixtures, tools). */
  public static ProtoMessage dynamicPartitionMetadata(
      List<Group> groups, boolean snapshotEnabled, VabcSettings vabc) {
    List<ProtoMessage.Field> f = new ArrayList<>();
    for (Group g : groups) {
      List<ProtoMessage.Field> gf = new ArrayList<>();
      gf.add(ProtoMessage.Field.string(GROUP_NAME, g.name()));
      gf.add(ProtoMessage.Field.varint(GROUP_SIZE, g.maxSize()));
      for (String p : g.partitionNames()) {
        gf.add(ProtoMessage.Field.string(GROUP_PARTITION_NAMES, p));
      }
      f.add(ProtoMessage.Field.message(DPM_GROUPS, ProtoMessage.of(gf)));
    }
    f.add(ProtoMessage.Field.bool(2, snapshotEnabled));
    if (vabc != null) {
      f.add(ProtoMessage.Field.bool(DPM_VABC_ENABLED, vabc.enabled()));
      if (vabc.compressionParam() != null) {
        f.add(ProtoMessage.Field.string(DPM_VABC_COMPRESSION_PARAM, vabc.compressionParam()));
      }
      f.add(ProtoMessage.Field.varint(DPM_COW_VERSION, vabc.cowVersion()));
      if (vabc.compressionFactor() > 0) {
        f.add(ProtoMessage.Field.varint(DPM_COMPRESSION_FACTOR, vabc.compressionFactor()));
      }
    }
    return ProtoMessage.of(f);
  }

  public ProtoMessage message() {
    return message;
  }

  public byte[] toByteArray() {
    return message.toByteArray();
  }

  /** Block size, or -1 if the field holds a value that does not fit an int. */
  public int blockSize() {
    return blockSize;
  }

  public long minorVersion() throws InvalidProtocolBufferException {
    return message.varint(MINOR_VERSION, 0);
  }

  public boolean hasSignatures() {
    return message.has(SIGNATURES_OFFSET) && message.has(SIGNATURES_SIZE);
  }

  public long signaturesOffset() throws InvalidProtocolBufferException {
    return message.varint(SIGNATURES_OFFSET, 0);
  }

  public long signaturesSize() throws InvalidProtocolBufferException {
    return message.varint(SIGNATURES_SIZE, 0);
  }

  public List<PartitionUpdate> partitions() {
    return partitions;
  }

  public List<Group> groups() throws InvalidProtocolBufferException {
    ProtoMessage dpm = message.message(DYNAMIC_PARTITION_METADATA);
    if (dpm == null) {
      return List.of();
    }
    List<Group> out = new ArrayList<>();
    for (ProtoMessage g : dpm.messages(DPM_GROUPS)) {
      List<String> names = new ArrayList<>();
      for (byte[] b : g.bytesList(GROUP_PARTITION_NAMES)) {
        names.add(new String(b, java.nio.charset.StandardCharsets.UTF_8));
      }
      String name = g.string(GROUP_NAME);
      out.add(new Group(name == null ? "" : name, g.varint(GROUP_SIZE, 0), List.copyOf(names)));
    }
    return out;
  }

  /** The VABC settings, or null if the manifest has no dynamic partition metadata. */
  public VabcSettings vabc() throws InvalidProtocolBufferException {
    ProtoMessage dpm = message.message(DYNAMIC_PARTITION_METADATA);
    if (dpm == null) {
      return null;
    }
    long cow = dpm.varint(DPM_COW_VERSION, 0);
    return new VabcSettings(dpm.varint(DPM_VABC_ENABLED, 0) != 0, dpm.string(DPM_VABC_COMPRESSION_PARAM),
        (int) Math.min(cow, Integer.MAX_VALUE), dpm.varint(DPM_COMPRESSION_FACTOR, 0));
  }

  /** Same manifest with these partitions, in this order. */
  public Manifest withPartitions(List<PartitionUpdate> parts) {
    List<ProtoMessage.Field> fields = new ArrayList<>(parts.size());
    for (PartitionUpdate p : parts) {
      fields.add(ProtoMessage.Field.message(PARTITIONS, p.message()));
    }
    try {
      return new Manifest(message.with(PARTITIONS, fields), List.copyOf(parts));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Same manifest with signature fields set (both null: unsigned, fields removed). */
  public Manifest withSignatures(Long offset, Long size) {
    ProtoMessage m = offset == null
        ? message.without(SIGNATURES_OFFSET).without(SIGNATURES_SIZE)
        : message.with(ProtoMessage.Field.varint(SIGNATURES_OFFSET, offset))
            .with(ProtoMessage.Field.varint(SIGNATURES_SIZE, size));
    try {
      return new Manifest(m, partitions);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
