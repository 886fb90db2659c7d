package dev.untrack.rom.payload;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The fixed 24-byte payload header: {@code "CrAU"}, u64 major version (2), u64 manifest size, u32 metadata
 * signature size, all big endian.
 */
public record PayloadHeader(long version, long manifestSize, long metadataSignatureSize) {
  public static final int SIZE = 24;
  public static final long VERSION = 2;
  static final byte[] MAGIC = {'C', 'r', 'A', 'U'};

  /** Offset of the manifest (right after the header). */
  public long manifestOffset() {
    return SIZE;
  }

  /** Header plus manifest: what the metadata signature covers and what METADATA_SIZE reports. */
  public long metadataSize() {
    return SIZE + manifestSize;
  }

  /** Where operation blobs start: after header, manifest and metadata signature. */
  public long blobOffset() {
    return SIZE + manifestSize + metadataSignatureSize;
  }

  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.BIG_ENDIAN);
    b.put(MAGIC).putLong(version).putLong(manifestSize).putInt((int) metadataSignatureSize);
    return b.array();
  }
}
