package dev.untrack.signing.avb;

import dev.untrack.signing.SigningException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The 256-byte big-endian vbmeta header ({@code AvbVBMetaImageHeader}). Offsets of hash and signature are
 * relative to the authentication block, those of public key, its metadata and the descriptors to the
 * auxiliary block. The release string and reserved bytes are kept raw so unchanged headers re-encode
 * byte-identically.
 */
public record VbMetaHeader(int requiredLibavbMajor, int requiredLibavbMinor, long authenticationBlockSize,
    long auxiliaryBlockSize, int algorithmType, long hashOffset, long hashSize, long signatureOffset,
    long signatureSize, long publicKeyOffset, long publicKeySize, long publicKeyMetadataOffset,
    long publicKeyMetadataSize, long descriptorsOffset, long descriptorsSize, long rollbackIndex, int flags,
    int rollbackIndexLocation, byte[] releaseString, byte[] reserved) {
  public static final int SIZE = 256;
  public static final int FLAGS_OFFSET = 120;
  /** {@code AVB_VBMETA_IMAGE_FLAGS_HASHTREE_DISABLED}: dm-verity is not set up (fastboot --disable-verity). */
  public static final int FLAG_HASHTREE_DISABLED = 0x1;
  /** {@code AVB_VBMETA_IMAGE_FLAGS_VERIFICATION_DISABLED}: descriptors are not checked (--disable-verification). */
  public static final int FLAG_VERIFICATION_DISABLED = 0x2;
  static final byte[] MAGIC = "AVB0".getBytes(StandardCharsets.US_ASCII);

  public VbMetaHeader {
    releaseString = releaseString.clone();
    reserved = reserved.clone();
    if (releaseString.length != 48 || reserved.length != 80) {
      throw new IllegalArgumentException("release string is 48 bytes, reserved 80");
    }
  }

  @Override
  public byte[] releaseString() {
    return releaseString.clone();
  }

  @Override
  public byte[] reserved() {
    return reserved.clone();
  }

  /** The release string up to its NUL. */
  public String releaseText() {
    int n = 0;
    while (n < releaseString.length && releaseString[n] != 0) {
      n++;
    }
    return new String(releaseString, 0, n, StandardCharsets.UTF_8);
  }

  public static byte[] releaseBytes(String text) {
    byte[] t = text.getBytes(StandardCharsets.UTF_8);
    if (t.length > 47) {
      throw new IllegalArgumentException("release string longer than 47 bytes");
    }
    return Arrays.copyOf(t, 48);
  }

  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    b.put(MAGIC).putInt(requiredLibavbMajor).putInt(requiredLibavbMinor).putLong(authenticationBlockSize)
        .putLong(auxiliaryBlockSize).putInt(algorithmType).putLong(hashOffset).putLong(hashSize)
        .putLong(signatureOffset).putLong(signatureSize).putLong(publicKeyOffset).putLong(publicKeySize)
        .putLong(publicKeyMetadataOffset).putLong(publicKeyMetadataSize).putLong(descriptorsOffset)
        .putLong(descriptorsSize).putLong(rollbackIndex).putInt(flags).putInt(rollbackIndexLocation)
        .put(releaseString).put(reserved);
    return b.array();
  }

  public static VbMetaHeader parse(byte[] blob, String source) throws SigningException {
    if (blob.length < SIZE) {
      throw SigningException.corrupt(source, 0, "vbmeta shorter than its 256-byte header");
    }
    if (!Arrays.equals(Arrays.copyOf(blob, 4), MAGIC)) {
      throw SigningException.corrupt(source, 0, "no vbmeta magic AVB0");
    }
    ByteBuffer b = ByteBuffer.wrap(blob, 4, SIZE - 4);
    int major = b.getInt();
    int minor = b.getInt();
    long auth = b.getLong();
    long aux = b.getLong();
    int alg = b.getInt();
    long ho = b.getLong();
    long hs = b.getLong();
    long so = b.getLong();
    long ss = b.getLong();
    long pko = b.getLong();
    long pks = b.getLong();
    long pmo = b.getLong();
    long pms = b.getLong();
    long dso = b.getLong();
    long dss = b.getLong();
    long ri = b.getLong();
    int flags = b.getInt();
    int ril = b.getInt();
    byte[] release = new byte[48];
    b.get(release);
    byte[] reserved = new byte[80];
    b.get(reserved);
    return new VbMetaHeader(major, minor, auth, aux, alg, ho, hs, so, ss, pko, pks, pmo, pms, dso, dss, ri, flags,
        ril, release, reserved);
  }

  VbMetaHeader withFlags(int newFlags) {
    return new VbMetaHeader(requiredLibavbMajor, requiredLibavbMinor, authenticationBlockSize, auxiliaryBlockSize,
        algorithmType, hashOffset, hashSize, signatureOffset, signatureSize, publicKeyOffset, publicKeySize,
        publicKeyMetadataOffset, publicKeyMetadataSize, descriptorsOffset, descriptorsSize, rollbackIndex,
        newFlags, rollbackIndexLocation, releaseString, reserved);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VbMetaHeader h && Arrays.equals(h.encode(), encode());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encode());
  }
}
