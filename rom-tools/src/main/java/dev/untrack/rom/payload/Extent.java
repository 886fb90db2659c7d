package dev.untrack.rom.payload;

import com.google.protobuf.InvalidProtocolBufferException;

/** A run of blocks: {@code [startBlock, startBlock + numBlocks)}. */
public record Extent(long startBlock, long numBlocks) {
  static final int START_BLOCK = 1;
  static final int NUM_BLOCKS = 2;

  static Extent from(ProtoMessage m) throws InvalidProtocolBufferException {
    return new Extent(m.varint(START_BLOCK, 0), m.varint(NUM_BLOCKS, 0));
  }

  ProtoMessage toMessage() {
    return ProtoMessage.of(java.util.List.of(
        ProtoMessage.Field.varint(START_BLOCK, startBlock), ProtoMessage.Field.varint(NUM_BLOCKS, numBlocks)));
  }

  /** End block, exclusive; callers check for overflow before relying on it. */
  public long endBlock() {
    return startBlock + numBlocks;
  }
}
