package dev.untrack.testkit;

import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.payload.Extent;
import dev.untrack.rom.payload.InstallOperation;
import dev.untrack.rom.payload.Manifest;
import dev.untrack.rom.payload.OperationType;
import dev.untrack.rom.payload.PartitionInput;
import dev.untrack.rom.payload.PartitionUpdate;
import dev.untrack.rom.payload.PayloadSigner;
import dev.untrack.rom.payload.PayloadWriter;
import dev.untrack.rom.payload.RsaPayloadSigner;
import dev.untrack.rom.sdat.BrotliStoredOutputStream;
import dev.untrack.rom.sdat.SdatWriter;
import dev.untrack.rom.sdat.TransferList;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Payloads and sdat partitions built in code, for oracle tests, fuzz seed corpora and benchmarks. Running
 * {@link #main} regenerates the committed fuzz seeds (deterministically) into the given resources directory.
 */
public final class PayloadFixtures {
  private PayloadFixtures() {}

  /** Deterministic image content: a mix of random, repetitive and zero blocks. */
  public static byte[] image(int blocks, int blockSize, long seed) {
    byte[] b = new byte[blocks * blockSize];
    Random r = new Random(seed);
    for (int i = 0; i < blocks; i++) {
      int off = i * blockSize;
      switch (r.nextInt(4)) {
        case 0 -> {
          byte[] x = new byte[blockSize];
          r.nextBytes(x);
          System.arraycopy(x, 0, b, off, blockSize);
        }
        case 1 -> {
          byte[] t = ("block " + i + " of a telemetry-free system image; ").getBytes(StandardCharsets.US_ASCII);
          for (int k = 0; k < blockSize; k++) {
            b[off + k] = t[k % t.length];
          }
        }
        case 2 -> Arrays.fill(b, off, off + blockSize, (byte) (i * 7));
        default -> { }
      }
    }
    return b;
  }

  public static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A partition made of the given (type, blob, extents) operations, expected content supplied by the caller. */
  public static final class OpsBuilder {
    private final List<InstallOperation> ops = new ArrayList<>();
    private final List<ByteSource> blobs = new ArrayList<>();

    public OpsBuilder data(OperationType type, byte[] blob, Extent... dst) {
      ops.add(InstallOperation.create(type, 0, blob.length, List.of(dst), sha256(blob)));
      blobs.add(new ArrayByteSource(blob, type + " blob"));
      return this;
    }

    public OpsBuilder noData(OperationType type, Extent... dst) {
      ops.add(InstallOperation.create(type, 0, 0, List.of(dst), null));
      return this;
    }

    public PartitionInput.Prebuilt build(String name, byte[] expectedImage) {
      PartitionUpdate e = PartitionUpdate.named(name).withOperations(ops)
          .withNewPartitionInfo(expectedImage.length, sha256(expectedImage));
      return new PartitionInput.Prebuilt(e, blobs);
    }
  }

  public static Manifest vabcManifest(int blockSize, String compression, int cowVersion, List<String> dynamic) {
    return Manifest.newFull(blockSize, Manifest.dynamicPartitionMetadata(
        List.of(new Manifest.Group("qti_dynamic_partitions", 1L << 34, dynamic)), true,
        new Manifest.VabcSettings(true, compression, cowVersion, cowVersion >= 3 ? 65536 : 0)));
  }

  public static byte[] write(Manifest base, List<PartitionInput> parts, PayloadSigner signer, Path work,
      int chunkSize) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    new PayloadWriter(base, new PayloadWriter.Options(2, 0, chunkSize, work), signer).write(parts, bo);
    return bo.toByteArray();
  }

  /** A fixed RSA key (deterministic for a given JDK provider), for signed fixtures. */
  public static KeyPair rsaKey(int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      r.setSeed(42);
      g.initialize(bits, r);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes the fuzz seed corpora under {@code args[0]} (the tests module's {@code src/test/resources}). */
  public static void main(String[] args) throws IOException {
    Path resources = Path.of(args[0]);
    Path work = Files.createTempDirectory("seeds");
    Path payloadSeeds = resources.resolve("dev/untrack/rom/payload/PayloadFuzzTestInputs/payload");
    Path listSeeds = resources.resolve("dev/untrack/rom/sdat/TransferListFuzzTestInputs/transferList");
    Files.createDirectories(payloadSeeds);
    Files.createDirectories(listSeeds);
    int bs = 512;

    byte[] small = image(12, bs, 1);
    Files.write(payloadSeeds.resolve("changed-xz-vabc"), write(vabcManifest(bs, "lz4", 3, List.of("system")),
        List.of(new PartitionInput.Changed(PartitionUpdate.named("system"), new ArrayByteSource(small, "s"))),
        null, work, 4 * bs));

    byte[] img = image(8, bs, 2);
    byte[] expected = img.clone();
    Arrays.fill(expected, 4 * bs, 6 * bs, (byte) 0);
    PartitionInput.Prebuilt mixed = new OpsBuilder()
        .data(OperationType.REPLACE, Arrays.copyOfRange(img, 0, 2 * bs), new Extent(0, 2))
        .data(OperationType.REPLACE, Arrays.copyOfRange(img, 2 * bs, 4 * bs), new Extent(2, 1), new Extent(3, 1))
        .noData(OperationType.ZERO, new Extent(4, 1))
        .noData(OperationType.DISCARD, new Extent(5, 1))
        .data(OperationType.REPLACE, Arrays.copyOfRange(img, 6 * bs, 8 * bs), new Extent(6, 2))
        .build("vendor", expected);
    Files.write(payloadSeeds.resolve("replace-zero-discard"), write(Manifest.newFull(bs, null), List.of(mixed),
        null, work, 4 * bs));

    byte[] boot = image(4, bs, 3);
    Files.write(payloadSeeds.resolve("signed"), write(Manifest.newFull(bs, null),
        List.of(new PartitionInput.Changed(PartitionUpdate.named("boot"), new ArrayByteSource(boot, "b"))),
        new RsaPayloadSigner(rsaKey(1024).getPrivate()), work, 4 * bs));

    byte[] sys = image(10, 4096, 4);
    ByteArrayOutputStream newDat = new ByteArrayOutputStream();
    TransferList list = SdatWriter.write(new ArrayByteSource(sys, "system.img"), newDat);
    Files.write(listSeeds.resolve("written-v4"), list.bytes());
    Files.writeString(listSeeds.resolve("v1"), "1\n3\nnew 4,0,2,5,6\nzero 2,2,5\n", StandardCharsets.US_ASCII);
    Files.writeString(listSeeds.resolve("v3-erase-overlap"), "3\n6\n0\n0\nerase 2,0,10\nnew 4,6,7,0,5\n"
        + "zero 2,3,5\n", StandardCharsets.US_ASCII);
    Files.writeString(listSeeds.resolve("incremental"), "4\n1\n1\n2\nstash abc 2,0,1\nmove 2,0,1 2,1,2\n",
        StandardCharsets.US_ASCII);
    Files.deleteIfExists(work);
  }

  /** An sdat pair ({@code transfer.list} text, {@code new.dat} bytes), optionally stored-brotli. */
  public record Sdat(TransferList list, byte[] newData) {}

  public static Sdat sdat(byte[] image, boolean storedBrotli) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    TransferList list;
    if (storedBrotli) {
      try (BrotliStoredOutputStream out = new BrotliStoredOutputStream(bo)) {
        list = SdatWriter.write(new ArrayByteSource(image, "image"), out);
      }
    } else {
      list = SdatWriter.write(new ArrayByteSource(image, "image"), bo);
    }
    return new Sdat(list, bo.toByteArray());
  }
}
