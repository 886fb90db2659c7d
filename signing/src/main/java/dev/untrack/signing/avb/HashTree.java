package dev.untrack.signing.avb;

import dev.untrack.signing.SigningException;
import dev.untrack.signing.SigningException.Kind;
import dev.untrack.signing.internal.ByteArrayChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * dm-verity hash trees as AVB builds them: every {@code blockSize} block of the image is hashed as
 * H(salt ‖ block) (the last block zero-padded), digests are padded to a power of two and each level to whole
 * blocks; the next level hashes the previous level's blocks the same way, until one block remains, whose salted
 * hash is the root digest. Levels are stored top level first. An image of exactly one block has an empty tree
 * and its salted hash as root.
 *
 * <p>Memory stays constant: the image is read sequentially and each level is written to (and the next level
 * read back from) the caller's tree channel.
 */
public final class HashTree {
  private HashTree() {}

  /**
   * @param hashAlgorithm avbtool's name: {@code sha1}, {@code sha256} or {@code sha512}
   * @param blockSize data and hash block size (4096 on Android)
   * @param salt prepended to every hashed block
   */
  public record Params(String hashAlgorithm, int blockSize, byte[] salt) {
    public Params {
      Objects.requireNonNull(hashAlgorithm);
      salt = salt.clone();
      if (blockSize < 512 || Integer.bitCount(blockSize) != 1 || blockSize > (1 << 20)) {
        throw new IllegalArgumentException("block size must be a power of two from 512 to 1 MiB");
      }
    }

    @Override
    public byte[] salt() {
      return salt.clone();
    }

    public static Params sha256(byte[] salt) {
      return new Params("sha256", 4096, salt);
    }
  }

  /** The root digest and the size of the tree that was written. */
  public record Result(byte[] rootDigest, long treeSize) {
    public Result {
      rootDigest = rootDigest.clone();
    }

    @Override
    public byte[] rootDigest() {
      return rootDigest.clone();
    }
  }

  /** A small image's tree, in memory: the root digest and the tree bytes (top level first). */
  public record InMemory(Result result, byte[] tree) {}

  public static InMemory computeInMemory(byte[] image, Params p) throws IOException {
    ByteArrayChannel tree = new ByteArrayChannel();
    Result r = compute(new ByteArrayChannel(image), image.length, p, tree);
    return new InMemory(r, tree.toByteArray());
  }

  /** The tree's size in bytes for an image of {@code imageSize} bytes (a multiple of the block size). */
  public static long treeSize(long imageSize, Params p) throws SigningException {
    long total = 0;
    for (long s : levelSizes(imageSize, p.blockSize(), paddedDigestSize(p))) {
      total += s;
    }
    return total;
  }

  /**
   * Hashes {@code imageSize} bytes read from {@code image} and writes the tree to {@code tree} at offsets
   * {@code 0 .. treeSize}. The tree channel is also read back (for the upper levels), so it must be readable.
   */
  public static Result compute(ReadableByteChannel image, long imageSize, Params p, SeekableByteChannel tree)
      throws IOException {
    MessageDigest md = digest(p.hashAlgorithm());
    int bs = p.blockSize();
    if (imageSize < 0 || imageSize % bs != 0) {
      // AVB rounds images up to whole blocks before hashing; anything else would be ambiguous
      throw SigningException.of(Kind.SIGN_FAILED, null, "image size " + imageSize + " is not a multiple of the "
          + bs + "-byte block size");
    }
    int digestSize = md.getDigestLength();
    int padded = paddedDigestSize(p);
    byte[] salt = p.salt();
    long[] sizes = levelSizes(imageSize, bs, padded);
    int levels = sizes.length;
    long[] offsets = new long[levels];
    for (int n = 0; n < levels; n++) {
      for (int m = n + 1; m < levels; m++) {
        offsets[n] += sizes[m];
      }
    }
    ByteBuffer block = ByteBuffer.allocate(bs);
    if (levels == 0) {
      // zero or one block: no tree, the root is the salted hash of the (padded) block, or of nothing
      md.update(salt);
      if (imageSize > 0) {
        readFully(image, block, (int) imageSize);
        md.update(block.array(), 0, bs);
      }
      return new Result(md.digest(), 0);
    }
    // level 0 from the image, then each level from the one below it
    ByteBuffer out = ByteBuffer.allocate(Math.max(bs, 1 << 16));
    long remaining = imageSize;
    long written = 0;
    while (remaining > 0) {
      int n = (int) Math.min(bs, remaining);
      readFully(image, block, n);
      written += emit(md, salt, block.array(), out, padded, digestSize, tree, offsets[0] + written);
      remaining -= n;
    }
    written += flushLevel(out, tree, offsets[0] + written, sizes[0] - written);
    byte[] top = new byte[bs];
    for (int level = 1; level < levels; level++) {
      long srcOffset = offsets[level - 1];
      long srcSize = sizes[level - 1];
      written = 0;
      for (long pos = 0; pos < srcSize; pos += bs) {
        block.clear();
        readAt(tree, srcOffset + pos, block);
        written += emit(md, salt, block.array(), out, padded, digestSize, tree, offsets[level] + written);
      }
      written += flushLevel(out, tree, offsets[level] + written, sizes[level] - written);
    }
    ByteBuffer topBuf = ByteBuffer.wrap(top);
    readAt(tree, offsets[levels - 1], topBuf);
    md.update(salt);
    md.update(top);
    long total = 0;
    for (long s : sizes) {
      total += s;
    }
    return new Result(md.digest(), total);
  }

  /** Hashes one block into the level buffer; flushes the buffer when full. Returns bytes flushed. */
  private static long emit(MessageDigest md, byte[] salt, byte[] block, ByteBuffer out, int padded, int digestSize,
      SeekableByteChannel tree, long flushAt) throws IOException {
    md.update(salt);
    md.update(block);
    byte[] d = md.digest();
    long flushed = 0;
    if (out.remaining() < padded) {
      flushed = flush(out, tree, flushAt);
    }
    out.put(d);
    for (int i = digestSize; i < padded; i++) {
      out.put((byte) 0);
    }
    return flushed;
  }

  private static long flush(ByteBuffer out, SeekableByteChannel tree, long at) throws IOException {
    out.flip();
    long n = out.remaining();
    tree.position(at);
    while (out.hasRemaining()) {
      tree.write(out);
    }
    out.clear();
    return n;
  }

  /** Writes what is buffered plus zero padding up to the level's size. */
  private static long flushLevel(ByteBuffer out, SeekableByteChannel tree, long at, long levelRemaining)
      throws IOException {
    long pad = levelRemaining - out.position();
    long total = flush(out, tree, at);
    at += total;
    ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(pad, 1 << 16));
    while (pad > 0) {
      zeros.clear().limit((int) Math.min(pad, zeros.capacity()));
      tree.position(at);
      int w = tree.write(zeros);
      at += w;
      pad -= w;
      total += w;
    }
    return total;
  }

  private static void readFully(ReadableByteChannel ch, ByteBuffer block, int n) throws IOException {
    Arrays.fill(block.array(), (byte) 0);
    block.clear().limit(n);
    while (block.hasRemaining()) {
      if (ch.read(block) < 0) {
        throw SigningException.of(Kind.IO, null, "image ended before its declared size");
      }
    }
    block.clear();
  }

  private static void readAt(SeekableByteChannel ch, long at, ByteBuffer into) throws IOException {
    ch.position(at);
    while (into.hasRemaining()) {
      if (ch.read(into) < 0) {
        throw SigningException.of(Kind.IO, null, "hash tree channel ended early");
      }
    }
  }

  /** Level sizes, bottom (level 0, hashes of data) first, as avbtool's {@code calc_hash_level_offsets}. */
  static long[] levelSizes(long imageSize, int blockSize, int paddedDigest) {
    long[] tmp = new long[64];
    int n = 0;
    long size = imageSize;
    while (size > blockSize) {
      long blocks = (size + blockSize - 1) / blockSize;
      long level = roundUp(blocks * paddedDigest, blockSize);
      tmp[n++] = level;
      size = level;
    }
    return Arrays.copyOf(tmp, n);
  }

  private static long roundUp(long v, long m) {
    return (v + m - 1) / m * m;
  }

  static int paddedDigestSize(Params p) throws SigningException {
    int d = digest(p.hashAlgorithm()).getDigestLength();
    return Integer.highestOneBit(d - 1) << 1;
  }

  static MessageDigest digest(String avbName) throws SigningException {
    String jdk;
    switch (avbName.toLowerCase(Locale.ROOT)) {
      case "sha1":
        jdk = "SHA-1";
        break;
      case "sha256":
        jdk = "SHA-256";
        break;
      case "sha512":
        jdk = "SHA-512";
        break;
      default:
        throw SigningException.unsupported("hashtree", SigningException.NO_OFFSET,
            "hash algorithm '" + avbName + "' is not supported (sha1, sha256, sha512 are)");
    }
    try {
      return MessageDigest.getInstance(jdk);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
