package dev.untrack.rom.payload;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code PartitionUpdate}: name, new size and hash, operations and VABC estimates, over the whole message
 * (postinstall, verity, version, merge operations and anything newer stay as they were).
 */
public final class PartitionUpdate {
  static final int PARTITION_NAME = 1;
  static final int OLD_PARTITION_INFO = 6;
  static final int NEW_PARTITION_INFO = 7;
  static final int OPERATIONS = 8;
  static final int HASH_TREE_DATA_EXTENT = 10;
  static final int HASH_TREE_EXTENT = 11;
  static final int HASH_TREE_ALGORITHM = 12;
  static final int HASH_TREE_SALT = 13;
  static final int FEC_DATA_EXTENT = 14;
  static final int FEC_EXTENT = 15;
  static final int FEC_ROOTS = 16;
  static final int MERGE_OPERATIONS = 18;
  static final int ESTIMATE_COW_SIZE = 19;
  static final int ESTIMATE_OP_COUNT_MAX = 20;

  static final int INFO_SIZE = 1;
  static final int INFO_HASH = 2;

  private final ProtoMessage message;
  private final String name;
  private final boolean hasOldPartitionInfo;
  private final long newSize;
  private final byte[] newHash;
  private final List<InstallOperation> operations;

  private PartitionUpdate(ProtoMessage message, List<InstallOperation> operations)
      throws InvalidProtocolBufferException {
    this.message = message;
    String n = message.string(PARTITION_NAME);
    this.name = n == null ? "" : n;
    ProtoMessage old = message.message(OLD_PARTITION_INFO);
    this.hasOldPartitionInfo = old != null
        && (old.varint(INFO_SIZE, 0) != 0 || (old.bytes(INFO_HASH) != null && old.bytes(INFO_HASH).length > 0));
    ProtoMessage info = message.message(NEW_PARTITION_INFO);
    this.newSize = info == null ? -1 : info.varint(INFO_SIZE, -1);
    this.newHash = info == null ? null : info.bytes(INFO_HASH);
    this.operations = operations;
  }

  public static PartitionUpdate from(ProtoMessage message) throws InvalidProtocolBufferException {
    List<InstallOperation> ops = new ArrayList<>();
    for (ProtoMessage m : message.messages(OPERATIONS)) {
      ops.add(InstallOperation.from(m));
    }
    return new PartitionUpdate(message, List.copyOf(ops));
  }

  /** A new entry with nothing but a name, for a partition the original payload did not carry. */
  public static PartitionUpdate named(String name) {
    try {
      return from(ProtoMessage.of(List.of(ProtoMessage.Field.string(PARTITION_NAME, name))));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  public ProtoMessage message() {
    return message;
  }

  public String name() {
    return name;
  }

  /** True if the entry describes a source partition: the mark of an incremental payload. */
  public boolean hasOldPartitionInfo() {
    return hasOldPartitionInfo;
  }

  /** {@code new_partition_info.size}, or -1 if absent. */
  public long newSize() {
    return newSize;
  }

  /** {@code new_partition_info.hash} (SHA-256 of the whole new partition), or null if absent. */
  public byte[] newHash() {
    return newHash == null ? null : newHash.clone();
  }

  public List<InstallOperation> operations() {
    return operations;
  }

  public long estimateCowSize() throws InvalidProtocolBufferException {
    return message.varint(ESTIMATE_COW_SIZE, 0);
  }

  public boolean hasEstimateOpCountMax() {
    return message.has(ESTIMATE_OP_COUNT_MAX);
  }

  public long estimateOpCountMax() throws InvalidProtocolBufferException {
    return message.varint(ESTIMATE_OP_COUNT_MAX, 0);
  }

  public boolean hasVerityFields() {
    return message.has(HASH_TREE_DATA_EXTENT) || message.has(HASH_TREE_EXTENT) || message.has(FEC_DATA_EXTENT)
        || message.has(FEC_EXTENT);
  }

  /** Same entry with other operations (blob offsets relative to the payload's blob area). */
  public PartitionUpdate withOperations(List<InstallOperation> ops) {
    List<ProtoMessage.Field> fields = new ArrayList<>(ops.size());
    for (InstallOperation op : ops) {
      fields.add(ProtoMessage.Field.message(OPERATIONS, op.message()));
    }
    try {
      return new PartitionUpdate(message.with(OPERATIONS, fields), List.copyOf(ops));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  PartitionUpdate edit(java.util.function.UnaryOperator<ProtoMessage> edit) {
    try {
      return new PartitionUpdate(edit.apply(message), operations);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Same entry with a new {@code new_partition_info}; other fields of the old info message are kept. */
  public PartitionUpdate withNewPartitionInfo(long size, byte[] sha256) {
    return edit(m -> {
      ProtoMessage info;
      try {
        info = m.message(NEW_PARTITION_INFO);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
      if (info == null) {
        info = ProtoMessage.empty();
      }
      info = info.with(ProtoMessage.Field.varint(INFO_SIZE, size)).with(ProtoMessage.Field.bytes(INFO_HASH, sha256));
      return m.with(ProtoMessage.Field.message(NEW_PARTITION_INFO, info));
    });
  }

  public PartitionUpdate withCowEstimate(long cowSize, Long opCountMax) {
    return edit(m -> {
      ProtoMessage out = m.with(ProtoMessage.Field.varint(ESTIMATE_COW_SIZE, cowSize));
      return opCountMax == null
          ? out.without(ESTIMATE_OP_COUNT_MAX)
          : out.with(ProtoMessage.Field.varint(ESTIMATE_OP_COUNT_MAX, opCountMax));
    });
  }

  /** Same entry without the verity/FEC fields (the image then carries its own hash tree and FEC). */
  public PartitionUpdate withoutVerityFields() {
    return edit(m -> m.without(HASH_TREE_DATA_EXTENT).without(HASH_TREE_EXTENT).without(HASH_TREE_ALGORITHM)
        .without(HASH_TREE_SALT).without(FEC_DATA_EXTENT).without(FEC_EXTENT).without(FEC_ROOTS));
  }
}
