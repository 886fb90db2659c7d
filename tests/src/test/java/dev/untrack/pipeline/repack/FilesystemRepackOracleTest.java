package dev.untrack.pipeline.repack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.untrack.rom.firmware.Firmware;
import dev.untrack.rom.firmware.FirmwareReader;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.lp.LpFormat;
import dev.untrack.rom.lp.SuperWriter;
import dev.untrack.rom.sparse.FastbootSplit;
import dev.untrack.rom.sparse.SparseWriter;
import dev.untrack.testkit.FastbootPackageBuilder;
import dev.untrack.testkit.OracleImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real ext4 and EROFS images through a fastboot repack: what comes out still passes the native checkers. */
class FilesystemRepackOracleTest {
  @TempDir
  Path dir;

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void ext4AndErofsSurviveAFastbootRepack() throws IOException {
    Path system = OracleImages.ext4(dir.resolve("system.img"), OracleImages.tree(dir.resolve("sys"),
        Map.of("build.prop", "ro.build.id=TEST\n".getBytes(StandardCharsets.US_ASCII),
            "priv-app/Analytics/Analytics.apk", random(600_000, 1))), 3L << 20, "/");
    Path product = OracleImages.erofs(dir.resolve("product.img"), OracleImages.tree(dir.resolve("prod"),
        Map.of("app/Browser/Browser.apk", random(400_000, 2))));
    Path newProduct = OracleImages.erofs(dir.resolve("product.new"), OracleImages.tree(dir.resolve("prod2"),
        Map.of("app/Browser/Browser.apk", random(900_000, 3), "etc/hosts", "127.0.0.1 localhost\n".getBytes())));
    Path sup = dir.resolve("super.img");
    try (FileByteSource s = FileByteSource.open(system); FileByteSource p = FileByteSource.open(product)) {
      SuperWriter.create(12L << 20, 65536, 3).virtualAb()
          .group("main_a", 10L << 20).group("main_b", 10L << 20)
          .addPartition("system_a", "main_a", LpFormat.PARTITION_ATTR_READONLY, s)
          .addPartition("system_b", "main_b", LpFormat.PARTITION_ATTR_READONLY, 0, null)
          .addPartition("product_a", "main_a", LpFormat.PARTITION_ATTR_READONLY, p)
          .addPartition("product_b", "main_b", LpFormat.PARTITION_ATTR_READONLY, 0, null)
          .layout().writeSparseTo(sup, SparseWriter.Options.DEFAULT);
    }
    Path in = new FastbootPackageBuilder().root("dev_images").image("super.img", sup).flashAllScript()
        .xiaomiCrcLists(FastbootSplit.DEFAULT_MAX_DOWNLOAD_SIZE).build(dir.resolve("in.tgz"),
            FastbootPackageBuilder.Format.TGZ);
    Path work = Files.createDirectories(dir.resolve("work"));
    Path out = dir.resolve("out.tgz");
    try (Firmware fw = FirmwareReader.open(in, FirmwareReader.Options.in(work))) {
      Repackers.forKind(fw.kind()).repack(new RepackRequest(fw, Map.of("product_a", newProduct), out,
          RepackOptions.defaults(work)));
    }
    try (Firmware fw = FirmwareReader.open(out, FirmwareReader.Options.in(work))) {
      Path sysOut = extract(fw.partition("system_a").orElseThrow().content(), dir.resolve("system.out"));
      Path prodOut = extract(fw.partition("product_a").orElseThrow().content(), dir.resolve("product.out"));
      assertArrayEquals(Files.readAllBytes(system), Files.readAllBytes(sysOut));
      assertArrayEquals(Files.readAllBytes(newProduct), Files.readAllBytes(prodOut));
      OracleImages.e2fsck(sysOut);
      OracleImages.fsckErofs(prodOut);
    }
  }

  static Path extract(ByteSource s, Path target) throws IOException {
    try (var o = Files.newOutputStream(target); var i = s.openStream()) {
      i.transferTo(o);
    }
    return target;
  }
}
