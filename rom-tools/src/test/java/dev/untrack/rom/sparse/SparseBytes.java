package dev.untrack.rom.sparse;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds sparse files chunk by chunk, including broken ones, for tests. */
final class SparseBytes {
  private final ByteArrayOutputStream chunks = new ByteArrayOutputStream();
  private final int blockSize;
  private int count;
  private long blocks;
  int magic = SparseFormat.MAGIC;
  int major = 1;
  int fileHeaderSize = 28;
  int chunkHeaderSize = 12;
  Long totalBlocksOverride;
  Integer totalChunksOverride;
  int imageChecksum;

  SparseBytes(int blockSize) {
    this.blockSize = blockSize;
  }

  SparseBytes chunk(int type, long chunkBlocks, byte[] data) {
    ByteBuffer h = ByteBuffer.allocate(chunkHeaderSize).order(ByteOrder.LITTLE_ENDIAN);
    h.putShort((short) type).putShort((short) 0).putInt((int) chunkBlocks).putInt(chunkHeaderSize + data.length);
    chunks.writeBytes(h.array());
    chunks.writeBytes(data);
    count++;
    if (type != SparseFormat.CHUNK_CRC32) {
      blocks += chunkBlocks;
    }
    return this;
  }

  SparseBytes raw(byte[] data) {
    return chunk(SparseFormat.CHUNK_RAW, data.length / blockSize, data);
  }

  SparseBytes fill(long n, int value) {
    return chunk(SparseFormat.CHUNK_FILL, n, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
  }

  SparseBytes dontCare(long n) {
    return chunk(SparseFormat.CHUNK_DONT_CARE, n, new byte[0]);
  }

  SparseBytes crc(int value) {
    return chunk(SparseFormat.CHUNK_CRC32, 0, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
  }

  byte[] build() {
    ByteBuffer h = ByteBuffer.allocate(Math.max(28, fileHeaderSize)).order(ByteOrder.LITTLE_ENDIAN);
    h.putInt(magic).putShort((short) major).putShort((short) 0).putShort((short) fileHeaderSize)
        .putShort((short) chunkHeaderSize).putInt(blockSize)
        .putInt((int) (totalBlocksOverride != null ? totalBlocksOverride : blocks))
        .putInt(totalChunksOverride != null ? totalChunksOverride : count).putInt(imageChecksum);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(h.array(), 0, fileHeaderSize);
    out.writeBytes(chunks.toByteArray());
    return out.toByteArray();
  }
}
