package dev.untrack.rom.lp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.sparse.SparseImage;
import dev.untrack.rom.sparse.SparseWriter;
import dev.untrack.testkit.OracleImages;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A super built by our writer around real ext4 and EROFS images (mke2fs, mkfs.erofs), expanded by AOSP's
 * simg2img, read back by our reader: the logical partitions must be the images byte for byte and pass fsck.
 */
class SuperOracleTest {
  @TempDir
  Path dir;

  static Map<String, byte[]> files(long seed) {
    Random r = new Random(seed);
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("app/Browser/Browser.apk", bytes(r, 300_000));
    m.put("etc/hosts", "127.0.0.1 localhost\n".getBytes(StandardCharsets.US_ASCII));
    m.put("framework/framework.jar", bytes(r, 120_000));
    m.put("lib64/libfoo.so", bytes(r, 50_000));
    return m;
  }

  static byte[] bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  static void copy(ByteSource s, Path to) throws IOException {
    try (InputStream in = s.openStream(); OutputStream out = Files.newOutputStream(to)) {
      in.transferTo(out);
    }
  }

  @Test
  void realFilesystemsSurviveTheRoundTrip() throws IOException {
    Path ext4 = OracleImages.ext4(dir.resolve("system.img"), OracleImages.tree(dir.resolve("sys"), files(1)),
        4L << 20, "/");
    Path erofs = OracleImages.erofs(dir.resolve("vendor.img"), OracleImages.tree(dir.resolve("ven"), files(2)));
    Path sparseSuper = dir.resolve("super.img");
    try (FileByteSource sys = FileByteSource.open(ext4); FileByteSource ven = FileByteSource.open(erofs)) {
      SuperLayout layout = SuperWriter.create(16L << 20, 65536, 3).virtualAb()
          .group("qti_dynamic_partitions_a", 12L << 20).group("qti_dynamic_partitions_b", 12L << 20)
          .addPartition("system_a", "qti_dynamic_partitions_a", LpFormat.PARTITION_ATTR_READONLY, sys)
          .addPartition("system_b", "qti_dynamic_partitions_b", LpFormat.PARTITION_ATTR_READONLY, 0, null)
          .addPartition("vendor_a", "qti_dynamic_partitions_a", LpFormat.PARTITION_ATTR_READONLY, ven)
          .addPartition("vendor_b", "qti_dynamic_partitions_b", LpFormat.PARTITION_ATTR_READONLY, 0, null)
          .layout();
      layout.writeSparseTo(sparseSuper, SparseWriter.Options.DEFAULT);
    }
    Path raw = OracleImages.simg2img(dir.resolve("super.raw"), sparseSuper);
    assertEquals(16L << 20, Files.size(raw));
    try (FileByteSource rawSrc = FileByteSource.open(raw); FileByteSource sparseSrc = FileByteSource.open(sparseSuper)) {
      for (ByteSource view : new ByteSource[] {rawSrc, SparseImage.open(sparseSrc)}) {
        SuperImage s = SuperImage.open(view);
        Path sysOut = dir.resolve("system_a.out");
        Path venOut = dir.resolve("vendor_a.out");
        copy(s.partition("system_a"), sysOut);
        copy(s.partition("vendor_a"), venOut);
        assertEquals(-1, Files.mismatch(ext4, sysOut), "system_a from " + view.name());
        // the EROFS image is padded up to 4096 in its partition
        byte[] ven = Files.readAllBytes(erofs);
        byte[] venPart = Files.readAllBytes(venOut);
        assertTrue(venPart.length >= ven.length && venPart.length - ven.length < 4096);
        assertEquals(-1, java.util.Arrays.mismatch(ven, java.util.Arrays.copyOf(venPart, ven.length)));
        OracleImages.e2fsck(sysOut);
        OracleImages.fsckErofs(venOut);
        assertEquals(0, s.partition("system_b").size());
        Files.delete(sysOut);
        Files.delete(venOut);
      }
    }
  }
}
