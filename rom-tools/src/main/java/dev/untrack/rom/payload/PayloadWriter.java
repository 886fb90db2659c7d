package dev.untrack.rom.payload;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.AtomicOutput;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.FileByteSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes a full payload: unchanged partitions keep their compressed blobs byte for byte, changed ones are
 * split into chunks compressed independently and in parallel as REPLACE_XZ, with their partition hash and
 * VABC estimates recomputed. Output is sequential (one pass), deterministic, and memory stays flat: changed
 * partitions are compressed into a spool file in {@link Options#workDir} first, because the manifest (which
 * holds every blob's offset and hash) precedes the blobs.
 *
 * <p>Layout: {@code header ‖ manifest ‖ metadata signature ‖ blobs ‖ payload signature}. With a
 * {@link PayloadSigner}, the manifest declares {@code signatures_offset}/{@code signatures_size} for a
 * signature message of the signer's size before anything is hashed, so the signed bytes never change after
 * signing.
 */
public final class PayloadWriter {
  /**
   * @param threads compression threads
   * @param xzPreset xz preset 0..9 (AOSP uses 6)
   * @param chunkSize bytes per REPLACE_XZ operation, a multiple of the block size (AOSP: 2 MiB)
   * @param workDir where the spool file of compressed chunks goes (removed afterwards)
   */
  public record Options(int threads, int xzPreset, int chunkSize, Path workDir) {
    public static final int DEFAULT_CHUNK = 2 << 20;

    public Options {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1");
      }
      if (chunkSize <= 0) {
        throw new IllegalArgumentException("chunk size must be positive");
      }
      Objects.requireNonNull(workDir, "workDir");
    }

    public static Options defaults(Path workDir) {
      return new Options(Math.max(1, Runtime.getRuntime().availableProcessors()), 6, DEFAULT_CHUNK, workDir);
    }

    public Options withThreads(int n) {
      return new Options(n, xzPreset, chunkSize, workDir);
    }

    public Options withXzPreset(int p) {
      return new Options(threads, p, chunkSize, workDir);
    }
  }

  private final Manifest base;
  private final Options options;
  private final PayloadSigner signer;

  /**
   * @param base the original manifest (or {@link Manifest#newFull}); everything but the partitions and the
   *     signature fields is kept as it is
   * @param signer null for an unsigned payload
   */
  public PayloadWriter(Manifest base, Options options, PayloadSigner signer) {
    this.base = Objects.requireNonNull(base);
    this.options = Objects.requireNonNull(options);
    this.signer = signer;
    if (base.blockSize() < 512 || Integer.bitCount(base.blockSize()) != 1) {
      throw new IllegalArgumentException("manifest block size " + base.blockSize() + " is not usable");
    }
    if (options.chunkSize() % base.blockSize() != 0) {
      throw new IllegalArgumentException("chunk size must be a multiple of the block size");
    }
  }

  /** Writes {@code target} atomically and returns what {@code payload_properties.txt} needs. */
  public PayloadWriteResult write(List<PartitionInput> partitions, Path target) throws IOException {
    try (AtomicOutput out = AtomicOutput.create(target)) {
      PayloadWriteResult r = write(partitions, out.stream());
      out.commit();
      return r;
    }
  }

  /** One blob to copy into the output. */
  private record BlobRef(ByteSource source, long offset, long length) {}

  private record PlannedPartition(PartitionUpdate entry, List<BlobRef> blobs) {}

  public PayloadWriteResult write(List<PartitionInput> partitions, OutputStream out) throws IOException {
    Set<String> names = new HashSet<>();
    for (PartitionInput p : partitions) {
      if (!names.add(p.name())) {
        throw new IllegalArgumentException("partition '" + p.name() + "' given twice");
      }
    }
    Path spoolPath = Files.createTempFile(options.workDir(), ".payload-", ".spool");
    try (FileChannel spoolChannel = FileChannel.open(spoolPath, StandardOpenOption.WRITE,
        StandardOpenOption.READ)) {
      ChunkSpool spool = new ChunkSpool(spoolChannel, spoolPath.toString());
      List<PlannedPartition> planned = new ArrayList<>();
      for (PartitionInput p : partitions) {
        planned.add(plan(p, spool));
      }
      spoolChannel.force(false);
      checkGroups(planned);
      return assemble(planned, out);
    } finally {
      Files.deleteIfExists(spoolPath);
    }
  }

  private PlannedPartition plan(PartitionInput input, ChunkSpool spool) throws IOException {
    if (input instanceof PartitionInput.Unchanged u) {
      List<BlobRef> blobs = new ArrayList<>();
      ByteSource src = u.from().source();
      long base = u.from().header().blobOffset();
      for (InstallOperation op : u.entry().operations()) {
        if (op.type() != null && op.type().hasData()) {
          blobs.add(new BlobRef(src, base + op.dataOffset(), op.dataLength()));
        }
      }
      return new PlannedPartition(u.entry(), blobs);
    }
    if (input instanceof PartitionInput.Prebuilt p) {
      List<BlobRef> blobs = new ArrayList<>();
      for (ByteSource b : p.blobs()) {
        blobs.add(new BlobRef(b, 0, b.size()));
      }
      return new PlannedPartition(p.entry(), blobs);
    }
    PartitionInput.Changed c = (PartitionInput.Changed) input;
    return new ChangedPartitionEncoder(c, spool).encode();
  }

  private void checkGroups(List<PlannedPartition> planned) throws IOException {
    Map<String, Long> sizes = new HashMap<>();
    for (PlannedPartition p : planned) {
      sizes.put(p.entry().name(), p.entry().newSize());
    }
    for (Manifest.Group g : base.groups()) {
      long sum = 0;
      for (String n : g.partitionNames()) {
        sum += Math.max(0, sizes.getOrDefault(n, 0L));
      }
      if (g.maxSize() > 0 && sum > g.maxSize()) {
        throw RomFormatException.unsupported("payload.bin", "payload", RomFormatException.NO_OFFSET,
            "partitions of dynamic group '" + g.name() + "' need " + sum + " bytes, the group allows "
                + g.maxSize());
      }
    }
  }

  private PayloadWriteResult assemble(List<PlannedPartition> planned, OutputStream out) throws IOException {
    List<PartitionUpdate> entries = new ArrayList<>();
    long blobTotal = 0;
    for (PlannedPartition p : planned) {
      List<InstallOperation> ops = new ArrayList<>();
      int b = 0;
      for (InstallOperation op : p.entry().operations()) {
        if (op.type() != null && op.type().hasData()) {
          BlobRef blob = p.blobs().get(b++);
          if (blob.length() != op.dataLength()) {
            throw new IllegalArgumentException("partition '" + p.entry().name() + "': blob of " + blob.length()
                + " bytes for an operation declaring " + op.dataLength());
          }
          ops.add(op.withDataOffset(blobTotal));
          blobTotal += blob.length();
        } else {
          ops.add(op);
        }
      }
      if (b != p.blobs().size()) {
        throw new IllegalArgumentException("partition '" + p.entry().name() + "': " + p.blobs().size()
            + " blobs for " + b + " data operations");
      }
      entries.add(p.entry().withOperations(ops));
    }
    byte[] dummySignatures = signer == null ? null : SignaturesMessage.dummy(signer.signatureSize());
    Manifest manifest = base.withPartitions(entries).withSignatures(
        signer == null ? null : blobTotal, signer == null ? null : (long) dummySignatures.length);
    byte[] manifestBytes = manifest.toByteArray();
    PayloadHeader header = new PayloadHeader(PayloadHeader.VERSION, manifestBytes.length,
        signer == null ? 0 : dummySignatures.length);
    byte[] headerBytes = header.encode();

    MessageDigest fileHash = OperationDecoder.sha256();
    MessageDigest signedHash = OperationDecoder.sha256();
    HashingOutput o = new HashingOutput(out, fileHash);
    o.write(headerBytes, signedHash);
    o.write(manifestBytes, signedHash);
    byte[] metadataSha256 = OperationDecoder.sha256(concat(headerBytes, manifestBytes));
    if (signer != null) {
      o.write(signatureMessage(metadataSha256, dummySignatures.length), null);
    }
    byte[] buf = new byte[1 << 20];
    for (PlannedPartition p : planned) {
      for (BlobRef blob : p.blobs()) {
        try (InputStream in = blob.source().openStream(blob.offset(), blob.length())) {
          int n;
          while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
            o.write(buf, 0, n, signedHash);
          }
        }
      }
    }
    if (signer != null) {
      o.write(signatureMessage(signedHash.digest(), dummySignatures.length), null);
    }
    out.flush();
    return new PayloadWriteResult(manifest, o.count, fileHash.digest(), header.metadataSize(), metadataSha256);
  }

  private byte[] signatureMessage(byte[] digest, int expectedSize) throws IOException {
    byte[] sig = signer.sign(digest);
    if (sig.length != signer.signatureSize()) {
      throw new IOException("signer returned " + sig.length + " bytes, declared " + signer.signatureSize());
    }
    byte[] msg = SignaturesMessage.encode(List.of(sig));
    if (msg.length != expectedSize) {
      throw new IllegalStateException("signature message size changed after signing");
    }
    return msg;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = new byte[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /** Counts and hashes what goes out; {@code also} is a second digest fed the same bytes (may be null). */
  private static final class HashingOutput {
    private final OutputStream out;
    private final MessageDigest digest;
    long count;

    HashingOutput(OutputStream out, MessageDigest digest) {
      this.out = out;
      this.digest = digest;
    }

    void write(byte[] b, MessageDigest also) throws IOException {
      write(b, 0, b.length, also);
    }

    void write(byte[] b, int off, int len, MessageDigest also) throws IOException {
      out.write(b, off, len);
      digest.update(b, off, len);
      if (also != null) {
        also.update(b, off, len);
      }
      count += len;
    }
  }

  /** Compressed chunks appended to one temporary file, read back as blobs when the payload is assembled. */
  private static final class ChunkSpool {
    private final FileChannel channel;
    private final String name;
    private long size;
    private ByteSource view;

    ChunkSpool(FileChannel channel, String name) {
      this.channel = channel;
      this.name = name;
    }

    long append(byte[] data) throws IOException {
      long at = size;
      ByteBuffer b = ByteBuffer.wrap(data);
      while (b.hasRemaining()) {
        size += channel.write(b, size);
      }
      return at;
    }

    /** A read view of the spool; positional reads through the same channel. */
    ByteSource source() {
      if (view == null) {
        view = new ByteSource() {
          @Override
          public long size() {
            return size;
          }

          @Override
          public int read(long position, ByteBuffer dst) throws IOException {
            return FileByteSource.read(channel, size, position, dst);
          }

          @Override
          public String name() {
            return name;
          }
        };
      }
      return view;
    }
  }

  /** One changed partition: chunks read, compressed in parallel, appended in order. */
  private final class ChangedPartitionEncoder {
    private final PartitionInput.Changed input;
    private final ChunkSpool spool;
    private final XzChunkCompressor xz = new XzChunkCompressor(options.xzPreset());
    private final CowEstimator cow;

    ChangedPartitionEncoder(PartitionInput.Changed input, ChunkSpool spool) throws InvalidProtocolBufferException {
      this.input = input;
      this.spool = spool;
      this.cow = cowEstimator(input.name());
    }

    private CowEstimator cowEstimator(String name) throws InvalidProtocolBufferException {
      Manifest.VabcSettings vabc = base.vabc();
      if (vabc == null || !vabc.enabled() || !snapshotEnabled()) {
        return null;
      }
      for (Manifest.Group g : base.groups()) {
        if (g.partitionNames().contains(name)) {
          return CowEstimator.of(vabc, base.blockSize());
        }
      }
      return null;
    }

    private boolean snapshotEnabled() throws InvalidProtocolBufferException {
      ProtoMessage dpm = base.message().message(Manifest.DYNAMIC_PARTITION_METADATA);
      return dpm != null && dpm.varint(2, 0) != 0;
    }

    private record Chunk(long offset, int length, byte[] raw, byte[] compressed, long[] cow) {}

    PlannedPartition encode() throws IOException {
      ByteSource image = input.image();
      int bs = base.blockSize();
      long size = image.size();
      if (size % bs != 0) {
        throw new IllegalArgumentException("image for partition '" + input.name() + "' is " + size
            + " bytes, not a multiple of the " + bs + "-byte block size");
      }
      int chunk = options.chunkSize();
      long chunks = (size + chunk - 1) / chunk;
      MessageDigest partitionHash = OperationDecoder.sha256();
      List<InstallOperation> ops = new ArrayList<>();
      List<BlobRef> blobs = new ArrayList<>();
      long cowBytes = 0;
      long cowOps = 0;
      ExecutorService pool = Executors.newFixedThreadPool(options.threads(), r -> {
        Thread t = new Thread(r, "payload-xz");
        t.setDaemon(true);
        return t;
      });
      try {
        ArrayDeque<Future<Chunk>> window = new ArrayDeque<>();
        long next = 0;
        for (long k = 0; k < chunks; k++) {
          while (next < chunks && window.size() < options.threads() * 2) {
            long off = next * chunk;
            int len = (int) Math.min(chunk, size - off);
            window.add(pool.submit(() -> compressChunk(image, off, len)));
            next++;
          }
          Chunk c = Futures.await(window.poll(), "compressing");
          partitionHash.update(c.raw(), 0, c.length());
          byte[] blobHash = OperationDecoder.sha256(c.compressed());
          long at = spool.append(c.compressed());
          blobs.add(new BlobRef(spool.source(), at, c.compressed().length));
          ops.add(InstallOperation.create(OperationType.REPLACE_XZ, 0, c.compressed().length,
              List.of(new Extent(c.offset() / bs, c.length() / bs)), blobHash));
          if (c.cow() != null) {
            cowBytes += c.cow()[0];
            cowOps += c.cow()[1];
          }
        }
      } finally {
        pool.shutdownNow();
      }
      PartitionUpdate entry = input.entry().withOperations(ops).withNewPartitionInfo(size, partitionHash.digest());
      if (entry.hasVerityFields() && input.entry().newSize() != size) {
        // The device would recompute the hash tree at stale extents; the new image carries its own.
        entry = entry.withoutVerityFields();
      }
      if (cow != null) {
        CowEstimator.Estimate e = cow.finish(cowBytes, cowOps, ops.size());
        entry = entry.withCowEstimate(e.cowSize(), e.opCountMax());
      } else {
        entry = entry.edit(m -> m.without(PartitionUpdate.ESTIMATE_COW_SIZE)
            .without(PartitionUpdate.ESTIMATE_OP_COUNT_MAX));
      }
      return new PlannedPartition(entry, blobs);
    }

    private Chunk compressChunk(ByteSource image, long off, int len) throws IOException {
      byte[] raw = image.readFully(off, len);
      byte[] compressed = xz.compress(raw, 0, len);
      long[] c = cow == null ? null : cow.measure(raw, 0, len);
      return new Chunk(off, len, raw, compressed, c);
    }
  }
}
