package dev.untrack.rom.payload;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ByteSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A full A/B OTA {@code payload.bin}, read with positional reads from any {@link ByteSource} (a file, or the
 * STORED {@code payload.bin} entry of an OTA zip via {@code ZipArchive.rawData}, with no temporary copy).
 *
 * <p>{@link #open} checks the whole structure up front: header, manifest (size-capped), that the payload is a
 * full one (incremental payloads are refused with a message saying so), every operation's blob range and
 * destination extents (inside the partition, not overlapping). Data hashes are checked as data is decoded:
 * each blob against {@code data_sha256_hash}, each extracted partition against {@code new_partition_info.hash}.
 */
public final class Payload {
  /** Real manifests are a few MiB at most; a bigger size field is refused before anything is allocated. */
  public static final long MAX_MANIFEST_SIZE = 64L << 20;
  /** A Signatures message holds one or a few RSA signatures. */
  public static final long MAX_SIGNATURE_MESSAGE_SIZE = 1L << 20;

  private static final String FORMAT = "payload";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");

  private final ByteSource source;
  private final PayloadHeader header;
  private final Manifest manifest;
  private final List<PartitionIndex> indexes;
  private final OperationDecoder decoder;

  private Payload(ByteSource source, PayloadHeader header, Manifest manifest, List<PartitionIndex> indexes) {
    this.source = source;
    this.header = header;
    this.manifest = manifest;
    this.indexes = indexes;
    this.decoder = new OperationDecoder(source, header.blobOffset(), manifest.blockSize());
  }

  private static RomFormatException corrupt(ByteSource s, long offset, String detail) {
    return RomFormatException.corrupt(s.name(), FORMAT, offset, detail);
  }

  private static RomFormatException incremental(ByteSource s, String detail) {
    return RomFormatException.unsupported(s.name(), FORMAT, RomFormatException.NO_OFFSET,
        "incremental OTA not supported, use a full ROM (" + detail + ")");
  }

  /** True if {@code source} starts with the payload magic {@code CrAU} (for firmware detection). */
  public static boolean hasMagic(ByteSource source) throws IOException {
    return source.size() >= 4 && Arrays.equals(source.readFully(0, 4), PayloadHeader.MAGIC);
  }

  /** Reads only the 24-byte header. */
  public static PayloadHeader readHeader(ByteSource source) throws IOException {
    if (source.size() < PayloadHeader.SIZE) {
      throw corrupt(source, 0, "truncated: " + source.size() + " bytes, a payload header needs 24");
    }
    ByteBuffer b = ByteBuffer.wrap(source.readFully(0, PayloadHeader.SIZE)).order(ByteOrder.BIG_ENDIAN);
    byte[] magic = new byte[4];
    b.get(magic);
    if (!Arrays.equals(magic, PayloadHeader.MAGIC)) {
      throw corrupt(source, 0, "not a payload.bin (magic is not 'CrAU')");
    }
    long version = b.getLong();
    long manifestSize = b.getLong();
    long sigSize = Integer.toUnsignedLong(b.getInt());
    if (version != PayloadHeader.VERSION) {
      throw RomFormatException.unsupported(source.name(), FORMAT, 4,
          "payload major version " + Long.toUnsignedString(version) + " (only version 2 is supported)");
    }
    if (manifestSize < 0 || manifestSize > MAX_MANIFEST_SIZE) {
      throw corrupt(source, 12, "manifest size " + Long.toUnsignedString(manifestSize) + " exceeds the "
          + MAX_MANIFEST_SIZE + "-byte limit");
    }
    if (sigSize > MAX_SIGNATURE_MESSAGE_SIZE) {
      throw corrupt(source, 20, "metadata signature size " + sigSize + " exceeds the limit");
    }
    PayloadHeader h = new PayloadHeader(version, manifestSize, sigSize);
    if (h.blobOffset() > source.size()) {
      throw corrupt(source, PayloadHeader.SIZE, "truncated: manifest and metadata signature need "
          + h.blobOffset() + " bytes, the payload has " + source.size());
    }
    return h;
  }

  public static Payload open(ByteSource source) throws IOException {
    PayloadHeader h = readHeader(source);
    Manifest m;
    try {
      m = Manifest.parse(source.readFully(h.manifestOffset(), (int) h.manifestSize()));
    } catch (InvalidProtocolBufferException e) {
      throw RomFormatException.corrupt(source.name(), FORMAT, h.manifestOffset(),
          "manifest is not a valid DeltaArchiveManifest: " + e.getMessage(), e);
    }
    try {
      return new Payload(source, h, m, validate(source, h, m));
    } catch (InvalidProtocolBufferException e) {
      throw RomFormatException.corrupt(source.name(), FORMAT, h.manifestOffset(),
          "manifest is not a valid DeltaArchiveManifest: " + e.getMessage(), e);
    }
  }

  private static List<PartitionIndex> validate(ByteSource s, PayloadHeader h, Manifest m) throws IOException {
    int bs = m.blockSize();
    if (bs < 512 || bs > (1 << 20) || Integer.bitCount(bs) != 1) {
      throw corrupt(s, h.manifestOffset(), "block size " + bs + " is not a power of two in 512..1 MiB");
    }
    // nested messages the typed views read later: parse them now so a bad one is reported here, once
    m.groups();
    m.vabc();
    if (m.minorVersion() != 0) {
      throw incremental(s, "manifest minor version " + m.minorVersion() + " is a delta payload");
    }
    long blobAreaEnd = s.size() - h.blobOffset();
    if (m.hasSignatures()) {
      long off = m.signaturesOffset();
      long size = m.signaturesSize();
      if (off < 0 || size < 0 || size > MAX_SIGNATURE_MESSAGE_SIZE || off > blobAreaEnd - size) {
        throw corrupt(s, h.manifestOffset(), "payload signature [" + Long.toUnsignedString(off) + ", +"
            + Long.toUnsignedString(size) + ") lies outside the " + blobAreaEnd + "-byte blob area");
      }
      blobAreaEnd = off;
    }
    Set<String> names = new HashSet<>();
    List<PartitionIndex> out = new ArrayList<>();
    for (PartitionUpdate p : m.partitions()) {
      String name = p.name();
      if (!NAME.matcher(name).matches()) {
        throw corrupt(s, h.manifestOffset(), "partition name '" + printable(name) + "' is not a plain name");
      }
      if (!names.add(name)) {
        throw corrupt(s, h.manifestOffset(), "partition '" + name + "' appears twice");
      }
      if (p.hasOldPartitionInfo()) {
        throw incremental(s, "partition '" + name + "' has old_partition_info");
      }
      byte[] hash = p.newHash();
      if (p.newSize() < 0 || hash == null || hash.length != 32) {
        throw corrupt(s, h.manifestOffset(), "partition '" + name + "' lacks new_partition_info size and hash");
      }
      p.estimateCowSize();
      p.estimateOpCountMax();
      long partBlocks = p.newSize() / bs + (p.newSize() % bs != 0 ? 1 : 0);
      List<InstallOperation> ops = p.operations();
      List<long[]> ranges = new ArrayList<>(); // {startBlock, endBlock, opIndex, blocksBefore}
      for (int i = 0; i < ops.size(); i++) {
        InstallOperation op = ops.get(i);
        String where = "partition '" + name + "' operation " + i;
        OperationType t = op.type();
        if (t == null) {
          throw corrupt(s, h.manifestOffset(), where + " has unknown type " + op.typeCode());
        }
        if (!t.isFull() || op.hasSourceExtents()) {
          throw incremental(s, where + " is " + t);
        }
        byte[] dh = op.dataSha256();
        if (dh != null && dh.length != 0 && dh.length != 32) {
          throw corrupt(s, h.manifestOffset(), where + " has a " + dh.length + "-byte data hash");
        }
        if (t.hasData()) {
          long off = op.dataOffset();
          long len = op.dataLength();
          if (off < 0 || len <= 0 || off > blobAreaEnd - len) {
            throw corrupt(s, h.blobOffset(), where + " data [" + Long.toUnsignedString(off) + ", +"
                + Long.toUnsignedString(len) + ") lies outside the " + blobAreaEnd + "-byte blob area");
          }
        }
        if (op.dstExtents().isEmpty()) {
          throw corrupt(s, h.manifestOffset(), where + " has no destination extents");
        }
        long before = 0;
        for (Extent e : op.dstExtents()) {
          long start = e.startBlock();
          long n = e.numBlocks();
          if (start < 0 || n <= 0 || start > partBlocks - n) {
            throw corrupt(s, h.manifestOffset(), where + " writes blocks [" + Long.toUnsignedString(start) + ", +"
                + Long.toUnsignedString(n) + ") outside the partition's " + partBlocks + " blocks");
          }
          ranges.add(new long[] {start, start + n, i, before});
          before += n;
        }
        if (before > Long.MAX_VALUE / bs) {
          throw corrupt(s, h.manifestOffset(), where + " is too large");
        }
      }
      ranges.sort((a, b) -> Long.compare(a[0], b[0]));
      for (int k = 1; k < ranges.size(); k++) {
        if (ranges.get(k)[0] < ranges.get(k - 1)[1]) {
          throw corrupt(s, h.manifestOffset(), "partition '" + name + "' operations " + ranges.get(k - 1)[2]
              + " and " + ranges.get(k)[2] + " write the same block " + ranges.get(k)[0]);
        }
      }
      out.add(new PartitionIndex(p, ranges, bs));
    }
    return List.copyOf(out);
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && i < 64; i++) {
      char c = s.charAt(i);
      sb.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return sb.toString();
  }

  public ByteSource source() {
    return source;
  }

  public PayloadHeader header() {
    return header;
  }

  public Manifest manifest() {
    return manifest;
  }

  public List<PartitionUpdate> partitions() {
    return manifest.partitions();
  }

  public Optional<PartitionUpdate> partition(String name) {
    for (PartitionIndex i : indexes) {
      if (i.partition.name().equals(name)) {
        return Optional.of(i.partition);
      }
    }
    return Optional.empty();
  }

  PartitionIndex index(String name) throws RomFormatException {
    for (PartitionIndex i : indexes) {
      if (i.partition.name().equals(name)) {
        return i;
      }
    }
    throw RomFormatException.corrupt(source.name(), FORMAT, RomFormatException.NO_OFFSET,
        "no partition named '" + name + "'");
  }

  OperationDecoder decoder() {
    return decoder;
  }

  /**
   * The partition's bytes, decoded on demand: a read decodes only the operation(s) covering it, keeping the
   * last few decoded operations (at most {@code cacheBytes}) in memory. Blocks no operation writes read as
   * zeros. Blob hashes are checked; the partition hash is checked by {@link #extract}.
   */
  public ByteSource partitionImage(String name, long cacheBytes) throws RomFormatException {
    return new PartitionImage(this, index(name), cacheBytes);
  }

  public ByteSource partitionImage(String name) throws RomFormatException {
    return partitionImage(name, 32L << 20);
  }

  /**
   * Writes the partition to {@code out} sequentially, decoding operations on {@code threads} threads, and
   * checks the result against {@code new_partition_info.hash}. Returns the SHA-256 written.
   */
  public byte[] extract(String name, WritableByteChannel out, int threads) throws IOException {
    return new PartitionExtractor(this, index(name), threads).run(out);
  }

  /** The raw blob of one operation (for copying it into another payload unchanged). */
  public ByteSource blob(InstallOperation op) {
    return source.slice(header.blobOffset() + op.dataOffset(), op.dataLength(), source.name());
  }

  /** The serialized metadata {@code Signatures} message (empty if the payload has none). */
  public byte[] metadataSignatureMessage() throws IOException {
    return source.readFully(header.metadataSize(), (int) header.metadataSignatureSize());
  }

  /** The serialized payload {@code Signatures} message, if the manifest declares one. */
  public Optional<byte[]> payloadSignatureMessage() throws IOException {
    if (!manifest.hasSignatures()) {
      return Optional.empty();
    }
    return Optional.of(source.readFully(header.blobOffset() + manifest.signaturesOffset(),
        (int) manifest.signaturesSize()));
  }

  /** The metadata signatures (each truncated to its unpadded size); empty if there are none. */
  public List<byte[]> metadataSignatures() throws IOException {
    return decodeSignatures(metadataSignatureMessage(), header.metadataSize());
  }

  /** The payload signatures (each truncated to its unpadded size); empty if there are none. */
  public List<byte[]> payloadSignatures() throws IOException {
    Optional<byte[]> m = payloadSignatureMessage();
    if (m.isEmpty()) {
      return List.of();
    }
    return decodeSignatures(m.get(), header.blobOffset() + manifest.signaturesOffset());
  }

  private List<byte[]> decodeSignatures(byte[] message, long offset) throws RomFormatException {
    try {
      return SignaturesMessage.decode(message);
    } catch (InvalidProtocolBufferException e) {
      throw RomFormatException.corrupt(source.name(), FORMAT, offset, "bad Signatures message: " + e.getMessage(),
          e);
    }
  }

  /** SHA-256 of header and manifest: what the metadata signature signs. */
  public byte[] metadataDigest() throws IOException {
    MessageDigest md = OperationDecoder.sha256();
    update(md, 0, header.metadataSize());
    return md.digest();
  }

  /**
   * SHA-256 of what the payload signature signs: everything before the signature message except the metadata
   * signature. Empty if the payload declares no signature.
   */
  public Optional<byte[]> payloadDigest() throws IOException {
    if (!manifest.hasSignatures()) {
      return Optional.empty();
    }
    MessageDigest md = OperationDecoder.sha256();
    update(md, 0, header.metadataSize());
    update(md, header.blobOffset(), manifest.signaturesOffset());
    return Optional.of(md.digest());
  }

  private void update(MessageDigest md, long offset, long length) throws IOException {
    byte[] buf = new byte[1 << 16];
    try (InputStream in = source.openStream(offset, length)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
  }

  /** Per-partition lookup: destination extents sorted by block, each tied to its operation. */
  static final class PartitionIndex {
    final PartitionUpdate partition;
    final long[] startBlock;
    final long[] endBlock;
    final int[] op;
    final long[] blocksBefore;
    final int blockSize;

    PartitionIndex(PartitionUpdate partition, List<long[]> ranges, int blockSize) {
      this.partition = partition;
      this.blockSize = blockSize;
      int n = ranges.size();
      startBlock = new long[n];
      endBlock = new long[n];
      op = new int[n];
      blocksBefore = new long[n];
      for (int i = 0; i < n; i++) {
        long[] r = ranges.get(i);
        startBlock[i] = r[0];
        endBlock[i] = r[1];
        op[i] = (int) r[2];
        blocksBefore[i] = r[3];
      }
    }

    /** Index of the last range starting at or before {@code block}, or -1. */
    int floor(long block) {
      int lo = 0;
      int hi = startBlock.length - 1;
      int found = -1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        if (startBlock[mid] <= block) {
          found = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      return found;
    }
  }
}
