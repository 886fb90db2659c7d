package dev.untrack.rom.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.lp.LpFormat;
import dev.untrack.rom.lp.SuperWriter;
import dev.untrack.rom.sparse.FastbootSplit;
import dev.untrack.rom.sparse.SparseImage;
import dev.untrack.rom.tar.FastbootPackage;
import dev.untrack.rom.tar.SparseCrcList;
import dev.untrack.testkit.FastbootPackageBuilder;
import dev.untrack.testkit.Oracle;
import dev.untrack.testkit.OracleImages;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fastboot packages made with independent tools (mke2fs, mkfs.erofs, img2simg, GNU tar) opened through every
 * layer: tgz, sparse super, LP metadata, ext4/EROFS partition.
 */
class FastbootFirmwareOracleTest {
  @TempDir
  Path dir;

  Path ext4;
  Path erofs;
  Path superSparse;
  byte[] boot;

  @BeforeEach
  void images() throws IOException {
    ext4 = OracleImages.ext4(dir.resolve("system.img"),
        OracleImages.tree(dir.resolve("sys"), Map.of("priv-app/Analytics/Analytics.apk", random(1_500_000, 1),
            "build.prop", "ro.build.id=TEST\n".getBytes(StandardCharsets.US_ASCII))), 3L << 20, "/");
    erofs = OracleImages.erofs(dir.resolve("product.img"),
        OracleImages.tree(dir.resolve("prod"), Map.of("app/Browser/Browser.apk", random(700_000, 2))));
    Path rawSuper = dir.resolve("super.raw");
    try (FileByteSource sys = FileByteSource.open(ext4); FileByteSource prod = FileByteSource.open(erofs)) {
      SuperWriter.create(12L << 20, 65536, 3).virtualAb()
          .group("main_a", 10L << 20).group("main_b", 10L << 20)
          .addPartition("system_a", "main_a", LpFormat.PARTITION_ATTR_READONLY, sys)
          .addPartition("system_b", "main_b", LpFormat.PARTITION_ATTR_READONLY, 0, null)
          .addPartition("product_a", "main_a", LpFormat.PARTITION_ATTR_READONLY, prod)
          .addPartition("product_b", "main_b", LpFormat.PARTITION_ATTR_READONLY, 0, null)
          .layout().writeRawTo(rawSuper);
    }
    superSparse = OracleImages.img2simg(rawSuper, dir.resolve("super.img"));
    boot = new byte[16384];
    System.arraycopy("ANDROID!".getBytes(StandardCharsets.US_ASCII), 0, boot, 0, 8);
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new java.util.Random(seed).nextBytes(b);
    return b;
  }

  FastbootPackageBuilder builder() throws IOException {
    return new FastbootPackageBuilder().root("testdev_images_V1.0").image("super.img", superSparse)
        .image("boot.img", boot).flashAllScript().xiaomiCrcLists(1L << 20);
  }

  static boolean sameBytes(ByteSource s, Path file) throws IOException {
    try (InputStream a = s.openStream(); InputStream b = Files.newInputStream(file)) {
      return java.util.Arrays.equals(a.readAllBytes(), b.readAllBytes());
    }
  }

  void check(Path rom, FastbootPackage.Format expected) throws IOException {
    Path work = Files.createDirectories(dir.resolve("work-" + expected));
    try (Firmware f = FirmwareReader.open(rom, FirmwareReader.Options.in(work))) {
      assertEquals(FirmwareKind.FASTBOOT_PACKAGE, f.kind());
      FastbootPackage pkg = f.fastbootPackage().orElseThrow();
      assertEquals(expected, pkg.format());
      assertEquals(List.of("boot", "super", "system_a", "system_b", "product_a", "product_b"),
          f.partitions().stream().map(Partition::name).toList());
      Partition sys = f.partition("system_a").orElseThrow();
      assertEquals(ImageType.EXT4, sys.type());
      assertEquals("images/super.img (sparse) > system_a", sys.origin());
      assertTrue(sameBytes(sys.content(), ext4), "system_a must be the mke2fs image");
      Partition prod = f.partition("product_a").orElseThrow();
      assertEquals(ImageType.EROFS, prod.type());
      byte[] want = Files.readAllBytes(erofs);
      assertEquals(-1, java.util.Arrays.mismatch(want, prod.content().readFully(0, want.length)));
      // CRC lists as Xiaomi's script makes them
      CRC32 crc = new CRC32();
      crc.update(boot);
      assertEquals(crc.getValue(), pkg.crcList().orElseThrow().entry("boot").orElseThrow().crc32());
      SparseCrcList.Entry e = pkg.sparseCrcList().orElseThrow().entry("super").orElseThrow();
      try (FileByteSource s = FileByteSource.open(superSparse)) {
        assertEquals(FastbootSplit.partCrcs(SparseImage.open(s), 1L << 20), e.crcs());
      }
      assertTrue(e.parts() >= 2, "a 1 MiB max-download-size splits the super");
      assertEquals("images/super.img", pkg.flashScripts().get(0).flashCommands().stream()
          .filter(c -> c.partition().equals("super")).findFirst().orElseThrow().image());
    }
    try (Stream<Path> s = Files.list(work)) {
      assertEquals(0, s.count(), "spooled copies are gone");
    }
  }

  @Test
  void gnuTarGzip() throws IOException {
    Path tree = builder().build(Files.createDirectories(dir.resolve("tree")), FastbootPackageBuilder.Format.DIRECTORY);
    Path tar = Oracle.require("tar", "tar");
    Path rom = dir.resolve("testdev_images_V1.0.tgz");
    Oracle.run(tree, Duration.ofMinutes(2), List.of(tar.toString(), "czf", rom.toString(), "testdev_images_V1.0"))
        .assertOk("tar czf");
    check(rom, FastbootPackage.Format.TGZ);
    check(tree, FastbootPackage.Format.DIRECTORY);
  }

  @Test
  void builtPackages() throws IOException {
    check(builder().build(dir.resolve("rom.tar"), FastbootPackageBuilder.Format.TAR), FastbootPackage.Format.TAR);
    check(builder().build(dir.resolve("rom.zip"), FastbootPackageBuilder.Format.ZIP), FastbootPackage.Format.ZIP);
  }

}
