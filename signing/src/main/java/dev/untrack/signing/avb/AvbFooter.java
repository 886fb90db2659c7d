package dev.untrack.signing.avb;

import dev.untrack.signing.SigningException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The footer in the last 64 bytes of a partition that carries its own vbmeta ({@code AvbFooter}): magic
 * {@code AVBf}, version, original image size, and where the vbmeta blob is. Big-endian.
 */
public record AvbFooter(int versionMajor, int versionMinor, long originalImageSize, long vbmetaOffset,
    long vbmetaSize, byte[] reserved) {
  public static final int SIZE = 64;
  private static final byte[] MAGIC = "AVBf".getBytes(StandardCharsets.US_ASCII);

  public AvbFooter {
    reserved = reserved == null ? new byte[28] : reserved.clone();
    if (reserved.length != 28) {
      throw new IllegalArgumentException("reserved must be 28 bytes");
    }
  }

  @Override
  public byte[] reserved() {
    return reserved.clone();
  }

  public static AvbFooter of(long originalImageSize, long vbmetaOffset, long vbmetaSize) {
    return new AvbFooter(1, 0, originalImageSize, vbmetaOffset, vbmetaSize, null);
  }

  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    b.put(MAGIC).putInt(versionMajor).putInt(versionMinor).putLong(originalImageSize).putLong(vbmetaOffset)
        .putLong(vbmetaSize).put(reserved);
    return b.array();
  }

  /** Parses 64 footer bytes; {@code partitionSize} bounds the offsets it may name. */
  public static AvbFooter parse(byte[] footer, long partitionSize, String source) throws SigningException {
    long at = partitionSize - SIZE;
    if (footer.length != SIZE || !Arrays.equals(Arrays.copyOf(footer, 4), MAGIC)) {
      throw SigningException.corrupt(source, at, "no AVB footer (magic AVBf) in the last 64 bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(footer, 4, SIZE - 4);
    int major = b.getInt();
    int minor = b.getInt();
    long original = b.getLong();
    long off = b.getLong();
    long size = b.getLong();
    byte[] reserved = new byte[28];
    b.get(reserved);
    if (major != 1) {
      throw SigningException.unsupported(source, at, "AVB footer version " + major + "." + minor);
    }
    if (original < 0 || original > at || off < 0 || size < 256 || size > at || off > at - size) {
      throw SigningException.corrupt(source, at, "AVB footer points outside the partition (original size "
          + original + ", vbmeta " + off + "+" + size + ")");
    }
    return new AvbFooter(major, minor, original, off, size, reserved);
  }

  /** Reads the footer at the end of {@code partition}, or throws if there is none. */
  public static AvbFooter read(SeekableByteChannel partition, String source) throws IOException {
    long size = partition.size();
    if (size < SIZE) {
      throw SigningException.corrupt(source, 0, "too small to carry an AVB footer");
    }
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    partition.position(size - SIZE);
    while (b.hasRemaining()) {
      if (partition.read(b) < 0) {
        throw SigningException.corrupt(source, size - SIZE + b.position(), "unexpected end of partition");
      }
    }
    return parse(b.array(), size, source);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AvbFooter f && Arrays.equals(f.encode(), encode());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encode());
  }
}
