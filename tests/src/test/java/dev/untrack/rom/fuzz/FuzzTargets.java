package dev.untrack.rom.fuzz;

import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.lp.LpPartition;
import dev.untrack.rom.lp.SuperImage;
import dev.untrack.rom.lp.SuperWriter;
import dev.untrack.rom.sparse.FastbootSplit;
import dev.untrack.rom.sparse.ImageRegion;
import dev.untrack.rom.sparse.RegionImage;
import dev.untrack.rom.sparse.SparseImage;
import dev.untrack.rom.tar.FastbootPackage;
import dev.untrack.rom.tar.FlashScript;
import dev.untrack.rom.tar.TarArchive;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The bodies of the fuzz targets, shared by the Jazzer tests and the mutation smoke test. */
final class FuzzTargets {
  private FuzzTargets() {}

  private static final Path WORK;

  static {
    try {
      WORK = Files.createTempDirectory("untrack-fuzz");
      WORK.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void sparse(byte[] data) throws IOException {
    FuzzChecks.onlyFormatErrors(() -> {
      SparseImage s = SparseImage.open(new ArrayByteSource(data, "fuzz.img"), new SparseImage.Limits(1 << 12));
      FuzzChecks.readSome(s);
      if (s.size() <= 1 << 20) {
        s.verifyChecksums();
      }
      if (s.blockSize() <= 8192 && s.dataChunks().size() < 64) {
        FastbootSplit.plan(s, 64L << 10);
      }
    });
  }

  /**
   * The input is a super from offset 4096 on (geometry, backup, metadata slots), zero padded to 2 MiB. The primary
   * geometry's and slot 0's checksums are recomputed first, so mutations reach the checks behind them (the
   * backups keep theirs, so the fallback paths are exercised too).
   */
  static void lp(byte[] input) throws IOException {
    byte[] data = resignLp(input);
    long size = Math.max(2L << 20, 4096L + data.length);
    ByteSource image = new RegionImage(List.of(ImageRegion.data(4096, new ArrayByteSource(data, "in"))), size,
        "fuzz-super.img");
    FuzzChecks.onlyFormatErrors(() -> {
      SuperImage s = SuperImage.open(image);
      for (LpPartition p : s.partitions()) {
        try {
          FuzzChecks.readSome(s.partition(p));
        } catch (dev.untrack.rom.RomFormatException e) {
          // a partition on another block device: reported, not read
        }
      }
      if (s.metadata().blockDevices().size() == 1 && s.metadata().superDevice().alignmentOffset() == 0) {
        try {
          FuzzChecks.readSome(SuperWriter.edit(s).layout().asImage());
        } catch (dev.untrack.rom.lp.LpDoesNotFitException e) {
          // the parsed layout can be legal yet not re-layoutable (e.g. a group already over its limit)
        }
      }
    });
  }

  static byte[] resignLp(byte[] input) {
    byte[] d = input.clone();
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(d).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    if (d.length >= 52 && b.getInt(4) == 52) {
      java.util.Arrays.fill(d, 8, 40, (byte) 0);
      System.arraycopy(sha256(d, 0, 52), 0, d, 8, 32);
    }
    int m = 8192;
    if (d.length >= m + 128) {
      long headerSize = b.getInt(m + 8) & 0xffffffffL;
      long tablesSize = b.getInt(m + 44) & 0xffffffffL;
      if ((headerSize == 128 || headerSize == 256) && m + headerSize + tablesSize <= d.length) {
        System.arraycopy(sha256(d, (int) (m + headerSize), (int) tablesSize), 0, d, m + 48, 32);
        java.util.Arrays.fill(d, m + 12, m + 44, (byte) 0);
        System.arraycopy(sha256(d, m, (int) headerSize), 0, d, m + 12, 32);
      }
    }
    return d;
  }

  private static byte[] sha256(byte[] d, int off, int len) {
    try {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      md.update(d, off, len);
      return md.digest();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Recomputes the checksum of every ustar header of a plain tar, so mutations reach the name and size checks. */
  static byte[] resumTar(byte[] input) {
    byte[] d = input.clone();
    for (int at = 0; at + 512 <= d.length; at += 512) {
      if (d[at + 257] == 'u' && d[at + 258] == 's' && d[at + 259] == 't' && d[at + 260] == 'a' && d[at + 261] == 'r') {
        java.util.Arrays.fill(d, at + 148, at + 156, (byte) ' ');
        long sum = 0;
        for (int i = at; i < at + 512; i++) {
          sum += d[i] & 0xff;
        }
        byte[] c = String.format("%06o", sum & 0777777).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(c, 0, d, at + 148, 6);
        d[at + 154] = 0;
      }
    }
    return d;
  }

  static void tar(byte[] input) throws IOException {
    byte[] data = input.length > 2 && (input[0] & 0xff) == 0x1f ? input : resumTar(input);
    FuzzChecks.onlyFormatErrors(() -> {
      FastbootPackage.Options o = new FastbootPackage.Options(WORK, 1 << 20, new TarArchive.Limits(1000, 8 << 20, 1 << 16),
          p -> true);
      try (FastbootPackage pkg = FastbootPackage.open(new ArrayByteSource(data, "fuzz.tgz"), o)) {
        for (FastbootPackage.Member m : pkg.files()) {
          FuzzChecks.readSome(pkg.open(m));
        }
        pkg.crcList();
        pkg.sparseCrcList();
        for (FlashScript f : pkg.flashScripts()) {
          f.flashCommands();
        }
      }
    });
  }
}
