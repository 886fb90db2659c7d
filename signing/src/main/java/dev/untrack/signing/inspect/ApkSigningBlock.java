package dev.untrack.signing.inspect;

import dev.untrack.signing.SigningException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The APK Signing Block: {@code u64 size, (u64 length, u32 id, value)*, u64 size, "APK Sig Block 42"}, all
 * little-endian. Holds the v2/v3 signatures and other id-value pairs (padding, source stamp, ...).
 */
public final class ApkSigningBlock {
  /** One id-value pair. {@code offset} is the value's offset inside the block. */
  public record Pair(int id, long offset, byte[] value) {}

  private final List<Pair> pairs;

  private ApkSigningBlock(List<Pair> pairs) {
    this.pairs = Collections.unmodifiableList(pairs);
  }

  /** Parses a whole block (from its leading size field to its magic). {@code source} names it in errors. */
  public static ApkSigningBlock parse(byte[] block, String source) throws SigningException {
    ByteBuffer b = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
    if (block.length < 32) {
      throw SigningException.corrupt(source, 0, "APK Signing Block too short");
    }
    long end = block.length - 24L;
    List<Pair> out = new ArrayList<>();
    long p = 8;
    while (p < end) {
      if (end - p < 12) {
        throw SigningException.corrupt(source, p, "truncated id-value pair");
      }
      long len = b.getLong((int) p);
      if (len < 4 || len > end - p - 8) {
        throw SigningException.corrupt(source, p, "id-value pair length " + len + " is out of range");
      }
      int id = b.getInt((int) p + 8);
      byte[] value = new byte[(int) (len - 4)];
      b.get((int) p + 12, value);
      out.add(new Pair(id, p + 12, value));
      p += 8 + len;
    }
    return new ApkSigningBlock(out);
  }

  public List<Pair> pairs() {
    return pairs;
  }

  /** The value of the first pair with {@code id}. */
  public Optional<Pair> find(int id) {
    for (Pair p : pairs) {
      if (p.id() == id) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
