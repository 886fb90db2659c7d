package dev.untrack.signing.avb;

import dev.untrack.signing.SigningException;
import dev.untrack.signing.SigningException.Kind;
import dev.untrack.signing.keys.SigningKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A vbmeta image: 256-byte header, authentication block (hash, then RSA signature over header ‖ auxiliary block)
 * and auxiliary block (descriptors, then the AVB public key, then optional public key metadata), both blocks
 * padded to 64 bytes. Immutable: changes return a new instance. An unchanged instance re-encodes to exactly the
 * bytes it was parsed from; {@link #withFlags} changes only the flags word, as {@code fastboot
 * --disable-verity --disable-verification} does, leaving the signature stale (unlocked bootloaders accept that
 * for the top-level vbmeta); {@link #signedWith} lays the blocks out again and signs with a user key.
 */
public final class VbMeta {
  private static final long MAX_BLOCK = 64L << 20;

  private final VbMetaHeader header;
  private final byte[] auth;
  private final byte[] aux;
  private final List<AvbDescriptor> descriptors;

  private VbMeta(VbMetaHeader header, byte[] auth, byte[] aux, List<AvbDescriptor> descriptors) {
    this.header = header;
    this.auth = auth;
    this.aux = aux;
    this.descriptors = List.copyOf(descriptors);
  }

  /**
   * Parses a vbmeta blob; bytes after header, authentication and auxiliary blocks (partition padding) are
   * ignored. Bounds are checked as libavb's {@code avb_vbmeta_image_verify} checks them.
   */
  public static VbMeta parse(byte[] blob, String source) throws SigningException {
    VbMetaHeader h = VbMetaHeader.parse(blob, source);
    if (h.requiredLibavbMajor() != 1) {
      throw SigningException.unsupported(source, 4, "vbmeta needs libavb " + h.requiredLibavbMajor() + "."
          + h.requiredLibavbMinor() + " (only 1.x is understood)");
    }
    long authSize = h.authenticationBlockSize();
    long auxSize = h.auxiliaryBlockSize();
    if (authSize < 0 || auxSize < 0 || authSize % 64 != 0 || auxSize % 64 != 0 || authSize > MAX_BLOCK
        || auxSize > MAX_BLOCK) {
      throw SigningException.corrupt(source, 12, "block sizes " + authSize + "/" + auxSize
          + " are not multiples of 64 or too large");
    }
    if (VbMetaHeader.SIZE + authSize + auxSize > blob.length) {
      throw SigningException.corrupt(source, 12, "blocks (" + authSize + " + " + auxSize + " bytes) run past the "
          + blob.length + "-byte vbmeta");
    }
    within(h.hashOffset(), h.hashSize(), authSize, source, 32, "hash");
    within(h.signatureOffset(), h.signatureSize(), authSize, source, 48, "signature");
    within(h.publicKeyOffset(), h.publicKeySize(), auxSize, source, 64, "public key");
    within(h.publicKeyMetadataOffset(), h.publicKeyMetadataSize(), auxSize, source, 80, "public key metadata");
    within(h.descriptorsOffset(), h.descriptorsSize(), auxSize, source, 96, "descriptors");
    if (AvbAlgorithm.ofType(h.algorithmType()) == null) {
      throw SigningException.unsupported(source, 28, "unknown vbmeta algorithm type " + h.algorithmType());
    }
    byte[] auth = Arrays.copyOfRange(blob, VbMetaHeader.SIZE, VbMetaHeader.SIZE + (int) authSize);
    int auxStart = VbMetaHeader.SIZE + (int) authSize;
    byte[] aux = Arrays.copyOfRange(blob, auxStart, auxStart + (int) auxSize);
    byte[] area = Arrays.copyOfRange(aux, (int) h.descriptorsOffset(), (int) (h.descriptorsOffset() + h.descriptorsSize()));
    List<AvbDescriptor> ds = AvbDescriptor.parseAll(area, auxStart + h.descriptorsOffset(), source);
    return new VbMeta(h, auth, aux, ds);
  }

  private static void within(long off, long size, long block, String source, long fieldAt, String what)
      throws SigningException {
    if (off < 0 || size < 0 || off > block || size > block - off) {
      throw SigningException.corrupt(source, fieldAt, what + " (" + off + "+" + size + ") lies outside its "
          + block + "-byte block");
    }
  }

  /** Reads the vbmeta of a partition image that ends with an {@link AvbFooter}. */
  public static VbMeta fromFooter(SeekableByteChannel partition, String source) throws IOException {
    AvbFooter f = AvbFooter.read(partition, source);
    ByteBuffer b = ByteBuffer.allocate((int) f.vbmetaSize());
    partition.position(f.vbmetaOffset());
    while (b.hasRemaining()) {
      if (partition.read(b) < 0) {
        throw SigningException.corrupt(source, f.vbmetaOffset() + b.position(), "vbmeta runs past the partition");
      }
    }
    try {
      return parse(b.array(), source);
    } catch (SigningException e) {
      throw e.within("vbmeta at " + f.vbmetaOffset());
    }
  }

  /** Header, authentication and auxiliary blocks, without trailing partition padding. */
  public byte[] encode() {
    byte[] h = header.encode();
    byte[] out = new byte[h.length + auth.length + aux.length];
    System.arraycopy(h, 0, out, 0, h.length);
    System.arraycopy(auth, 0, out, h.length, auth.length);
    System.arraycopy(aux, 0, out, h.length + auth.length, aux.length);
    return out;
  }

  public VbMetaHeader header() {
    return header;
  }

  public int flags() {
    return header.flags();
  }

  public AvbAlgorithm algorithm() {
    return AvbAlgorithm.ofType(header.algorithmType());
  }

  public List<AvbDescriptor> descriptors() {
    return descriptors;
  }

  /** The embedded AVB public key blob (empty when unsigned). */
  public byte[] publicKey() {
    return slice(aux, header.publicKeyOffset(), header.publicKeySize());
  }

  public byte[] publicKeyMetadata() {
    return slice(aux, header.publicKeyMetadataOffset(), header.publicKeyMetadataSize());
  }

  /**
   * The same bytes with another flags word. Nothing else changes, so the signature no longer matches: that is
   * what {@code fastboot --disable-verity --disable-verification} writes, and what an unlocked bootloader accepts
   * for the top-level vbmeta.
   */
  public VbMeta withFlags(int flags) {
    return new VbMeta(header.withFlags(flags), auth, aux, descriptors);
  }

  /**
   * Sets flag bits in a raw vbmeta image (e.g. a whole {@code vbmeta.img} with its padding) by changing only the
   * flags word at offset 120; every other byte stays as it was.
   */
  public static byte[] orFlags(byte[] image, int bits, String source) throws SigningException {
    VbMetaHeader h = VbMetaHeader.parse(image, source);
    byte[] out = image.clone();
    ByteBuffer.wrap(out).putInt(VbMetaHeader.FLAGS_OFFSET, h.flags() | bits);
    return out;
  }

  /** The same vbmeta with other descriptors, re-laid out and signed by {@code key}. */
  public VbMeta withDescriptors(List<AvbDescriptor> newDescriptors, SigningKey key, AvbAlgorithm algorithm)
      throws SigningException {
    return build(header, newDescriptors, publicKeyMetadata(), key, algorithm);
  }

  /**
   * The same vbmeta with the chain partition descriptor for {@code partition} trusting {@code avbPublicKey}
   * (for when that partition's vbmeta was re-signed with another key), signed by {@code key}.
   */
  public VbMeta withChainPartitionKey(String partition, byte[] avbPublicKey, SigningKey key, AvbAlgorithm algorithm)
      throws SigningException {
    List<AvbDescriptor> out = new ArrayList<>();
    boolean found = false;
    for (AvbDescriptor d : descriptors) {
      if (d instanceof AvbDescriptor.ChainPartition c && c.partitionName().equals(partition)) {
        out.add(c.withPublicKey(avbPublicKey));
        found = true;
      } else {
        out.add(d);
      }
    }
    if (!found) {
      throw SigningException.of(Kind.SIGN_FAILED, null, "vbmeta has no chain partition descriptor for '" + partition + "'");
    }
    return build(header, out, publicKeyMetadata(), key, algorithm);
  }

  /** Re-signed with {@code key}: same descriptors, flags, rollback index and release string. */
  public VbMeta signedWith(SigningKey key, AvbAlgorithm algorithm) throws SigningException {
    return build(header, descriptors, publicKeyMetadata(), key, algorithm);
  }

  /** The AVB algorithm matching {@code key}'s size, keeping this vbmeta's hash (SHA-256 unless it used SHA-512). */
  public AvbAlgorithm algorithmFor(SigningKey key) throws SigningException {
    AvbAlgorithm a = algorithm();
    try {
      return AvbAlgorithm.forKey(key.rsaModulus().bitLength(), a != null && a.hashSize() == 64);
    } catch (IllegalArgumentException e) {
      throw SigningException.of(Kind.UNSUPPORTED, null, key.source() + ": " + e.getMessage(), e);
    }
  }

  /** A new vbmeta from scratch (tests, and images that have none). {@code key} may be null for NONE. */
  public static VbMeta create(List<AvbDescriptor> descriptors, long rollbackIndex, int flags, String release,
      SigningKey key, AvbAlgorithm algorithm) throws SigningException {
    VbMetaHeader h = new VbMetaHeader(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, rollbackIndex, flags, 0,
        VbMetaHeader.releaseBytes(release), new byte[80]);
    return build(h, descriptors, new byte[0], key, algorithm);
  }

  private static VbMeta build(VbMetaHeader template, List<AvbDescriptor> ds, byte[] metadata, SigningKey key,
      AvbAlgorithm alg) throws SigningException {
    Objects.requireNonNull(alg, "algorithm");
    byte[] pub = new byte[0];
    if (alg != AvbAlgorithm.NONE) {
      if (key == null) {
        throw SigningException.of(Kind.SIGN_FAILED, null, "algorithm " + alg + " needs a key");
      }
      if (!(key.publicKey() instanceof RSAPublicKey rsa) || rsa.getModulus().bitLength() != alg.keyBits()) {
        throw SigningException.of(Kind.SIGN_FAILED, null, key.source() + ": " + alg + " needs an RSA-"
            + alg.keyBits() + " key, this is " + key.algorithm() + "-" + key.keySizeBits());
      }
      try {
        pub = AvbPublicKey.encode(rsa);
      } catch (IllegalArgumentException e) {
        throw SigningException.of(Kind.UNSUPPORTED, null, key.source() + ": " + e.getMessage(), e);
      }
    }
    ByteBuffer descBuf = ByteBuffer.allocate(ds.stream().mapToInt(d -> d.encode().length).sum());
    for (AvbDescriptor d : ds) {
      descBuf.put(d.encode());
    }
    byte[] descBytes = descBuf.array();
    int auxSize = roundUp64(descBytes.length + pub.length + metadata.length);
    byte[] aux = new byte[auxSize];
    System.arraycopy(descBytes, 0, aux, 0, descBytes.length);
    System.arraycopy(pub, 0, aux, descBytes.length, pub.length);
    System.arraycopy(metadata, 0, aux, descBytes.length + pub.length, metadata.length);
    int authSize = roundUp64(alg.hashSize() + alg.signatureSize());
    int minor = template.requiredLibavbMinor();
    VbMetaHeader h = new VbMetaHeader(1, minor, authSize, auxSize, alg.type(), 0, alg.hashSize(), alg.hashSize(),
        alg.signatureSize(), descBytes.length, pub.length, descBytes.length + pub.length, metadata.length, 0,
        descBytes.length, template.rollbackIndex(), template.flags(), template.rollbackIndexLocation(),
        template.releaseString(), template.reserved());
    byte[] auth = new byte[authSize];
    if (alg != AvbAlgorithm.NONE) {
      byte[] hb = h.encode();
      try {
        MessageDigest md = MessageDigest.getInstance(alg.digest());
        md.update(hb);
        md.update(aux);
        System.arraycopy(md.digest(), 0, auth, 0, alg.hashSize());
        Signature s = Signature.getInstance(alg.jcaSignature());
        s.initSign(key.privateKey());
        s.update(hb);
        s.update(aux);
        byte[] sig = s.sign();
        System.arraycopy(sig, 0, auth, alg.hashSize(), sig.length);
      } catch (GeneralSecurityException e) {
        throw SigningException.of(Kind.SIGN_FAILED, null, "cannot sign vbmeta: " + e.getMessage(), e);
      }
    }
    return new VbMeta(h, auth, aux, ds);
  }

  /** Checks hash and signature against the embedded public key. */
  public VbMetaVerification verify() {
    AvbAlgorithm alg = algorithm();
    if (alg == AvbAlgorithm.NONE) {
      return new VbMetaVerification(VbMetaVerification.Status.UNSIGNED, "algorithm NONE", null);
    }
    if (header.hashSize() != alg.hashSize() || header.signatureSize() != alg.signatureSize()
        || header.publicKeySize() != alg.publicKeySize()) {
      return new VbMetaVerification(VbMetaVerification.Status.MALFORMED, "hash, signature or key size does not match "
          + alg, null);
    }
    RSAPublicKey pub;
    try {
      pub = AvbPublicKey.decode(publicKey(), "vbmeta public key");
    } catch (SigningException e) {
      return new VbMetaVerification(VbMetaVerification.Status.MALFORMED, e.getMessage(), null);
    }
    if (pub.getModulus().bitLength() != alg.keyBits()) {
      return new VbMetaVerification(VbMetaVerification.Status.MALFORMED, "embedded key is RSA-"
          + pub.getModulus().bitLength() + ", " + alg + " needs RSA-" + alg.keyBits(), pub);
    }
    byte[] hb = header.encode();
    try {
      MessageDigest md = MessageDigest.getInstance(alg.digest());
      md.update(hb);
      md.update(aux);
      byte[] stored = slice(auth, header.hashOffset(), header.hashSize());
      if (!MessageDigest.isEqual(md.digest(), stored)) {
        return new VbMetaVerification(VbMetaVerification.Status.HASH_MISMATCH,
            "stored hash is not the hash of header and auxiliary block", pub);
      }
      Signature s = Signature.getInstance(alg.jcaSignature());
      s.initVerify(pub);
      s.update(hb);
      s.update(aux);
      boolean ok = s.verify(slice(auth, header.signatureOffset(), header.signatureSize()));
      return ok ? new VbMetaVerification(VbMetaVerification.Status.VERIFIES, alg + " signature verifies", pub)
          : new VbMetaVerification(VbMetaVerification.Status.SIGNATURE_INVALID,
              alg + " signature does not verify with the embedded key", pub);
    } catch (GeneralSecurityException e) {
      return new VbMetaVerification(VbMetaVerification.Status.SIGNATURE_INVALID, e.getMessage(), pub);
    }
  }

  private static byte[] slice(byte[] b, long off, long len) {
    return Arrays.copyOfRange(b, (int) off, (int) (off + len));
  }

  private static int roundUp64(int n) {
    return (n + 63) & ~63;
  }
}
