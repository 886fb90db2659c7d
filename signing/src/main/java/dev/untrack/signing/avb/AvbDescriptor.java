package dev.untrack.signing.avb;

import dev.untrack.signing.SigningException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A vbmeta descriptor: {@code u64 tag, u64 num_bytes_following} (big-endian) then a tag-specific payload, padded
 * to 8 bytes. Records are immutable; {@link #encode()} writes exactly what avbtool writes.
 */
public sealed interface AvbDescriptor {
  int TAG_PROPERTY = 0;
  int TAG_HASHTREE = 1;
  int TAG_HASH = 2;
  int TAG_KERNEL_CMDLINE = 3;
  int TAG_CHAIN_PARTITION = 4;

  /** The whole descriptor, header and padding included. */
  byte[] encode();

  /** {@code key=value} property (tag 0). The value is bytes; avbtool stores text. */
  record Property(String key, byte[] value) implements AvbDescriptor {
    public Property {
      Objects.requireNonNull(key);
      value = value.clone();
    }

    @Override
    public byte[] value() {
      return value.clone();
    }

    public String valueAsString() {
      return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public byte[] encode() {
      byte[] k = key.getBytes(StandardCharsets.UTF_8);
      ByteBuffer b = start(TAG_PROPERTY, 16 + k.length + 1 + value.length + 1);
      b.putLong(k.length).putLong(value.length).put(k).put((byte) 0).put(value).put((byte) 0);
      return b.array();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Property p && p.key.equals(key) && Arrays.equals(p.value, value);
    }

    @Override
    public int hashCode() {
      return key.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "Property[" + key + "=" + (value.length < 200 ? valueAsString() : value.length + " bytes") + "]";
    }
  }

  /**
   * dm-verity hashtree (tag 1). {@code hashAlgorithm} is avbtool's name ({@code sha1}, {@code sha256}...).
   * {@code reserved} is kept for byte-identical round trips (avbtool writes zeros).
   */
  record Hashtree(int dmVerityVersion, long imageSize, long treeOffset, long treeSize, int dataBlockSize,
      int hashBlockSize, int fecNumRoots, long fecOffset, long fecSize, String hashAlgorithm, String partitionName,
      byte[] salt, byte[] rootDigest, int flags, byte[] reserved) implements AvbDescriptor {
    public static final int FLAG_DO_NOT_USE_AB = 1;
    public static final int FLAG_CHECK_AT_MOST_ONCE = 2;

    public Hashtree {
      Objects.requireNonNull(hashAlgorithm);
      Objects.requireNonNull(partitionName);
      salt = salt.clone();
      rootDigest = rootDigest.clone();
      reserved = reserved == null ? new byte[60] : reserved.clone();
      if (reserved.length != 60) {
        throw new IllegalArgumentException("reserved must be 60 bytes");
      }
      if (hashAlgorithm.getBytes(StandardCharsets.US_ASCII).length > 32) {
        throw new IllegalArgumentException("hash algorithm name longer than 32 bytes");
      }
    }

    @Override
    public byte[] salt() {
      return salt.clone();
    }

    @Override
    public byte[] rootDigest() {
      return rootDigest.clone();
    }

    @Override
    public byte[] reserved() {
      return reserved.clone();
    }

    /** The same descriptor describing a newly computed tree (e.g. after the partition changed). */
    public Hashtree withTree(long newImageSize, long newTreeOffset, HashTree.Result tree) {
      return new Hashtree(dmVerityVersion, newImageSize, newTreeOffset, tree.treeSize(), dataBlockSize,
          hashBlockSize, 0, 0, 0, hashAlgorithm, partitionName, salt, tree.rootDigest(), flags, reserved);
    }

    /** The parameters to recompute this descriptor's tree with {@link HashTree}. */
    public HashTree.Params treeParams() {
      return new HashTree.Params(hashAlgorithm, dataBlockSize, salt);
    }

    @Override
    public byte[] encode() {
      byte[] name = partitionName.getBytes(StandardCharsets.UTF_8);
      ByteBuffer b = start(TAG_HASHTREE, 164 + name.length + salt.length + rootDigest.length);
      b.putInt(dmVerityVersion).putLong(imageSize).putLong(treeOffset).putLong(treeSize).putInt(dataBlockSize)
          .putInt(hashBlockSize).putInt(fecNumRoots).putLong(fecOffset).putLong(fecSize);
      b.put(Arrays.copyOf(hashAlgorithm.getBytes(StandardCharsets.US_ASCII), 32));
      b.putInt(name.length).putInt(salt.length).putInt(rootDigest.length).putInt(flags).put(reserved);
      b.put(name).put(salt).put(rootDigest);
      return b.array();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Hashtree h && Arrays.equals(h.encode(), encode());
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(encode());
    }

    @Override
    public String toString() {
      return "Hashtree[" + partitionName + ", " + hashAlgorithm + ", image " + imageSize + ", tree " + treeOffset
          + "+" + treeSize + ", fec roots " + fecNumRoots + "]";
    }
  }

  /** Whole-image hash (tag 2), used for boot-like partitions. */
  record Hash(long imageSize, String hashAlgorithm, String partitionName, byte[] salt, byte[] digest, int flags,
      byte[] reserved) implements AvbDescriptor {
    public Hash {
      Objects.requireNonNull(hashAlgorithm);
      Objects.requireNonNull(partitionName);
      salt = salt.clone();
      digest = digest.clone();
      reserved = reserved == null ? new byte[60] : reserved.clone();
      if (reserved.length != 60) {
        throw new IllegalArgumentException("reserved must be 60 bytes");
      }
    }

    @Override
    public byte[] salt() {
      return salt.clone();
    }

    @Override
    public byte[] digest() {
      return digest.clone();
    }

    @Override
    public byte[] reserved() {
      return reserved.clone();
    }

    @Override
    public byte[] encode() {
      byte[] name = partitionName.getBytes(StandardCharsets.UTF_8);
      ByteBuffer b = start(TAG_HASH, 116 + name.length + salt.length + digest.length);
      b.putLong(imageSize).put(Arrays.copyOf(hashAlgorithm.getBytes(StandardCharsets.US_ASCII), 32));
      b.putInt(name.length).putInt(salt.length).putInt(digest.length).putInt(flags).put(reserved);
      b.put(name).put(salt).put(digest);
      return b.array();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Hash h && Arrays.equals(h.encode(), encode());
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(encode());
    }
  }

  /** Kernel command line fragment (tag 3). */
  record KernelCmdline(int flags, String cmdline) implements AvbDescriptor {
    public static final int FLAG_USE_ONLY_IF_HASHTREE_NOT_DISABLED = 1;
    public static final int FLAG_USE_ONLY_IF_HASHTREE_DISABLED = 2;

    public KernelCmdline {
      Objects.requireNonNull(cmdline);
    }

    @Override
    public byte[] encode() {
      byte[] c = cmdline.getBytes(StandardCharsets.UTF_8);
      ByteBuffer b = start(TAG_KERNEL_CMDLINE, 8 + c.length);
      b.putInt(flags).putInt(c.length).put(c);
      return b.array();
    }
  }

  /** A partition whose own vbmeta is signed by {@code publicKey} (tag 4), e.g. {@code vbmeta_system}. */
  record ChainPartition(int rollbackIndexLocation, String partitionName, byte[] publicKey, int flags,
      byte[] reserved) implements AvbDescriptor {
    public ChainPartition {
      Objects.requireNonNull(partitionName);
      publicKey = publicKey.clone();
      reserved = reserved == null ? new byte[60] : reserved.clone();
      if (reserved.length != 60) {
        throw new IllegalArgumentException("reserved must be 60 bytes");
      }
    }

    @Override
    public byte[] publicKey() {
      return publicKey.clone();
    }

    @Override
    public byte[] reserved() {
      return reserved.clone();
    }

    /** The same descriptor trusting another key (an AVB public key blob, see {@link AvbPublicKey}). */
    public ChainPartition withPublicKey(byte[] avbPublicKey) {
      return new ChainPartition(rollbackIndexLocation, partitionName, avbPublicKey, flags, reserved);
    }

    @Override
    public byte[] encode() {
      byte[] name = partitionName.getBytes(StandardCharsets.UTF_8);
      ByteBuffer b = start(TAG_CHAIN_PARTITION, 76 + name.length + publicKey.length);
      b.putInt(rollbackIndexLocation).putInt(name.length).putInt(publicKey.length).putInt(flags).put(reserved);
      b.put(name).put(publicKey);
      return b.array();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ChainPartition c && Arrays.equals(c.encode(), encode());
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(encode());
    }
  }

  /** A descriptor with a tag this code does not interpret: kept verbatim (payload without header). */
  record Unknown(long tag, byte[] payload) implements AvbDescriptor {
    public Unknown {
      payload = payload.clone();
    }

    @Override
    public byte[] payload() {
      return payload.clone();
    }

    @Override
    public byte[] encode() {
      ByteBuffer b = ByteBuffer.allocate(16 + payload.length);
      b.putLong(tag).putLong(payload.length).put(payload);
      return b.array();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Unknown u && u.tag == tag && Arrays.equals(u.payload, payload);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(tag) * 31 + Arrays.hashCode(payload);
    }
  }

  /** Header plus room for {@code payload} bytes, padded to 8. */
  private static ByteBuffer start(int tag, int payload) {
    int padded = (payload + 7) & ~7;
    ByteBuffer b = ByteBuffer.allocate(16 + padded);
    b.putLong(tag).putLong(padded);
    return b;
  }

  /** Parses the descriptors area. {@code base} is its offset in {@code source}, for error messages. */
  static List<AvbDescriptor> parseAll(byte[] area, long base, String source) throws SigningException {
    List<AvbDescriptor> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(area);
    while (b.hasRemaining()) {
      long at = base + b.position();
      if (b.remaining() < 16) {
        throw SigningException.corrupt(source, at, "truncated descriptor header");
      }
      long tag = b.getLong();
      long following = b.getLong();
      if (following < 0 || following > b.remaining() || following % 8 != 0) {
        throw SigningException.corrupt(source, at, "descriptor length " + following + " is invalid ("
            + b.remaining() + " bytes left, must be a multiple of 8)");
      }
      byte[] payload = new byte[(int) following];
      b.get(payload);
      out.add(parseOne(tag, payload, at, source));
      if (out.size() > 4096) {
        throw SigningException.corrupt(source, at, "more than 4096 descriptors");
      }
    }
    return out;
  }

  private static AvbDescriptor parseOne(long tag, byte[] p, long at, String source) throws SigningException {
    ByteBuffer b = ByteBuffer.wrap(p);
    try {
      if (tag == TAG_PROPERTY) {
        need(p, 16, at, source, "property");
        long kl = b.getLong();
        long vl = b.getLong();
        check(kl >= 0 && vl >= 0 && kl < p.length && vl < p.length && 16 + kl + 1 + vl + 1 <= p.length, at, source,
            "property lengths exceed the descriptor");
        byte[] k = new byte[(int) kl];
        b.get(k);
        check(b.get() == 0, at, source, "property key not NUL-terminated");
        byte[] v = new byte[(int) vl];
        b.get(v);
        check(b.get() == 0, at, source, "property value not NUL-terminated");
        return new Property(utf8(k, at, source), v);
      }
      if (tag == TAG_HASHTREE) {
        need(p, 164, at, source, "hashtree");
        int ver = b.getInt();
        long imageSize = b.getLong();
        long treeOffset = b.getLong();
        long treeSize = b.getLong();
        int dbs = b.getInt();
        int hbs = b.getInt();
        int roots = b.getInt();
        long fecOffset = b.getLong();
        long fecSize = b.getLong();
        byte[] alg = new byte[32];
        b.get(alg);
        long nl = b.getInt() & 0xffffffffL;
        long sl = b.getInt() & 0xffffffffL;
        long dl = b.getInt() & 0xffffffffL;
        int flags = b.getInt();
        byte[] reserved = new byte[60];
        b.get(reserved);
        check(164 + nl + sl + dl <= p.length, at, source, "hashtree descriptor lengths exceed the descriptor");
        return new Hashtree(ver, imageSize, treeOffset, treeSize, dbs, hbs, roots, fecOffset, fecSize,
            cString(alg), utf8(take(b, nl), at, source), take(b, sl), take(b, dl), flags, reserved);
      }
      if (tag == TAG_HASH) {
        need(p, 116, at, source, "hash");
        long imageSize = b.getLong();
        byte[] alg = new byte[32];
        b.get(alg);
        long nl = b.getInt() & 0xffffffffL;
        long sl = b.getInt() & 0xffffffffL;
        long dl = b.getInt() & 0xffffffffL;
        int flags = b.getInt();
        byte[] reserved = new byte[60];
        b.get(reserved);
        check(116 + nl + sl + dl <= p.length, at, source, "hash descriptor lengths exceed the descriptor");
        return new Hash(imageSize, cString(alg), utf8(take(b, nl), at, source), take(b, sl), take(b, dl), flags,
            reserved);
      }
      if (tag == TAG_KERNEL_CMDLINE) {
        need(p, 8, at, source, "kernel cmdline");
        int flags = b.getInt();
        long len = b.getInt() & 0xffffffffL;
        check(8 + len <= p.length, at, source, "kernel cmdline length exceeds the descriptor");
        return new KernelCmdline(flags, utf8(take(b, len), at, source));
      }
      if (tag == TAG_CHAIN_PARTITION) {
        need(p, 76, at, source, "chain partition");
        int ril = b.getInt();
        long nl = b.getInt() & 0xffffffffL;
        long kl = b.getInt() & 0xffffffffL;
        int flags = b.getInt();
        byte[] reserved = new byte[60];
        b.get(reserved);
        check(76 + nl + kl <= p.length, at, source, "chain partition lengths exceed the descriptor");
        return new ChainPartition(ril, utf8(take(b, nl), at, source), take(b, kl), flags, reserved);
      }
      return new Unknown(tag, p);
    } catch (java.nio.BufferUnderflowException e) {
      throw SigningException.corrupt(source, at, "truncated descriptor", e);
    }
  }

  private static void need(byte[] p, int n, long at, String source, String what) throws SigningException {
    check(p.length >= n, at, source, what + " descriptor shorter than its fixed part");
  }

  private static void check(boolean ok, long at, String source, String detail) throws SigningException {
    if (!ok) {
      throw SigningException.corrupt(source, at, detail);
    }
  }

  private static byte[] take(ByteBuffer b, long n) {
    byte[] out = new byte[(int) n];
    b.get(out);
    return out;
  }

  private static String cString(byte[] b) {
    int n = 0;
    while (n < b.length && b[n] != 0) {
      n++;
    }
    return new String(b, 0, n, StandardCharsets.US_ASCII);
  }

  private static String utf8(byte[] b, long at, String source) throws SigningException {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      throw SigningException.corrupt(source, at, "descriptor string is not UTF-8", e);
    }
  }
}
