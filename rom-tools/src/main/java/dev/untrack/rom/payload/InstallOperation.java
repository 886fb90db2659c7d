package dev.untrack.rom.payload;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code InstallOperation}: a typed view over the message, which is kept whole so that rewriting only
 * {@code data_offset} leaves every other byte of it unchanged.
 */
public final class InstallOperation {
  static final int TYPE = 1;
  static final int DATA_OFFSET = 2;
  static final int DATA_LENGTH = 3;
  static final int SRC_EXTENTS = 4;
  static final int DST_EXTENTS = 6;
  static final int DATA_SHA256_HASH = 8;

  private final ProtoMessage message;
  private final long typeCode;
  private final OperationType type;
  private final long dataOffset;
  private final long dataLength;
  private final boolean hasSourceExtents;
  private final List<Extent> dstExtents;
  private final byte[] dataSha256;

  private InstallOperation(ProtoMessage message) throws InvalidProtocolBufferException {
    this.message = message;
    this.typeCode = message.varint(TYPE, -1);
    this.type = OperationType.of(typeCode);
    this.dataOffset = message.varint(DATA_OFFSET, 0);
    this.dataLength = message.varint(DATA_LENGTH, 0);
    this.hasSourceExtents = message.has(SRC_EXTENTS);
    List<Extent> dst = new ArrayList<>();
    for (ProtoMessage e : message.messages(DST_EXTENTS)) {
      dst.add(Extent.from(e));
    }
    this.dstExtents = List.copyOf(dst);
    this.dataSha256 = message.bytes(DATA_SHA256_HASH);
  }

  public static InstallOperation from(ProtoMessage message) throws InvalidProtocolBufferException {
    return new InstallOperation(message);
  }

  /** A new operation of a full-payload type. */
  public static InstallOperation create(
      OperationType type, long dataOffset, long dataLength, List<Extent> dst, byte[] dataSha256) {
    List<ProtoMessage.Field> f = new ArrayList<>();
    f.add(ProtoMessage.Field.varint(TYPE, type.code()));
    if (type.hasData()) {
      f.add(ProtoMessage.Field.varint(DATA_OFFSET, dataOffset));
      f.add(ProtoMessage.Field.varint(DATA_LENGTH, dataLength));
    }
    for (Extent e : dst) {
      f.add(ProtoMessage.Field.message(DST_EXTENTS, e.toMessage()));
    }
    if (dataSha256 != null) {
      f.add(ProtoMessage.Field.bytes(DATA_SHA256_HASH, dataSha256));
    }
    try {
      return new InstallOperation(ProtoMessage.of(f));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  public ProtoMessage message() {
    return message;
  }

  /** The operation type, or null for a code AOSP does not define. */
  public OperationType type() {
    return type;
  }

  public long typeCode() {
    return typeCode;
  }

  /** Offset of the data blob, relative to the start of the blob area (after the metadata signature). */
  public long dataOffset() {
    return dataOffset;
  }

  public long dataLength() {
    return dataLength;
  }

  public boolean hasSourceExtents() {
    return hasSourceExtents;
  }

  public List<Extent> dstExtents() {
    return dstExtents;
  }

  /** SHA-256 of the data blob, or null if the payload did not record one. */
  public byte[] dataSha256() {
    return dataSha256 == null ? null : dataSha256.clone();
  }

  public long dstBlocks() {
    long n = 0;
    for (Extent e : dstExtents) {
      n += e.numBlocks();
    }
    return n;
  }

  /** The same operation with its blob at a new offset; nothing else changes. */
  public InstallOperation withDataOffset(long newOffset) {
    try {
      return new InstallOperation(message.with(ProtoMessage.Field.varint(DATA_OFFSET, newOffset)));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
