package dev.untrack.pipeline.rom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.firmware.Firmware;
import dev.untrack.rom.firmware.FirmwareReader;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.lp.LpFormat;
import dev.untrack.rom.lp.SuperWriter;
import dev.untrack.rom.sparse.FastbootSplit;
import dev.untrack.rom.sparse.SparseWriter;
import dev.untrack.signing.avb.AvbAlgorithm;
import dev.untrack.signing.avb.AvbDescriptor;
import dev.untrack.signing.avb.AvbFooter;
import dev.untrack.signing.avb.AvbPublicKey;
import dev.untrack.signing.avb.HashTree;
import dev.untrack.signing.avb.VbMeta;
import dev.untrack.signing.keys.SigningKey;
import dev.untrack.testkit.CliRun;
import dev.untrack.testkit.FastbootPackageBuilder;
import dev.untrack.testkit.OracleImages;
import dev.untrack.testkit.PayloadFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Xiaomi-like fastboot package (tgz: sparse super with an EROFS system_a carrying an AVB footer and a product_a,
 * boot, vbmeta chaining vbmeta_system, which holds system's hashtree descriptor, CRC lists, flash script) through
 * {@code untrack patch}.
 */
class FastbootRomPatchTest {
  @TempDir Path dir;
  Path input;
  byte[] product;
  byte[] boot;
  byte[] vbmeta;
  byte[] vbmetaSystem;
  SigningKey oem;

  @BeforeEach
  void firmware() throws Exception {
    byte[] fs = Files.readAllBytes(RomImages.erofs(dir));
    byte[] system = AvbFixtures.withFooter(fs, "system", fs.length + (512 << 10));
    product = PayloadFixtures.image(256, 4096, 2);
    boot = new byte[16384];
    System.arraycopy("ANDROID!".getBytes(StandardCharsets.US_ASCII), 0, boot, 0, 8);
    oem = AvbFixtures.avbKey(dir, "oem");
    byte[] oemBlob = AvbPublicKey.encode((RSAPublicKey) oem.publicKey());
    HashTree.InMemory tree = HashTree.computeInMemory(fs, HashTree.Params.sha256(AvbFixtures.SALT));
    vbmetaSystem = Arrays.copyOf(VbMeta.create(List.of(AvbFixtures.descriptor(fs, "system", tree)), 0, 0, "", oem,
        AvbAlgorithm.SHA256_RSA2048).encode(), 4096);
    vbmeta = Arrays.copyOf(VbMeta.create(List.of(new AvbDescriptor.ChainPartition(2, "vbmeta_system", oemBlob, 0,
        null)), 0, 0, "", oem, AvbAlgorithm.SHA256_RSA2048).encode(), 8192);
    Path sys = Files.write(dir.resolve("system.raw"), system);
    Path prod = Files.write(dir.resolve("product.raw"), product);
    Path superSparse = dir.resolve("super.img");
    try (FileByteSource s = FileByteSource.open(sys); FileByteSource p = FileByteSource.open(prod)) {
      SuperWriter.create(12L << 20, 65536, 3).virtualAb()
          .group("main_a", 6L << 20).group("main_b", 6L << 20)
          .addPartition("system_a", "main_a", LpFormat.PARTITION_ATTR_READONLY, s)
          .addPartition("system_b", "main_b", LpFormat.PARTITION_ATTR_READONLY, 0, null)
          .addPartition("product_a", "main_a", LpFormat.PARTITION_ATTR_READONLY, p)
          .addPartition("product_b", "main_b", LpFormat.PARTITION_ATTR_READONLY, 0, null)
          .layout().writeSparseTo(superSparse, SparseWriter.Options.DEFAULT);
    }
    input = new FastbootPackageBuilder().root("dev_images_V1").image("super.img", superSparse)
        .image("boot.img", boot).image("vbmeta.img", vbmeta).image("vbmeta_system.img", vbmetaSystem)
        .flashAllScript().xiaomiCrcLists(FastbootSplit.DEFAULT_MAX_DOWNLOAD_SIZE)
        .build(dir.resolve("rom.tgz"), FastbootPackageBuilder.Format.TGZ);
  }

  @Test
  void fullSuperGroupFailsWithTheMissingBytes() throws Exception {
    byte[] fs = Files.readAllBytes(RomImages.erofs(dir.resolve("tight")));
    Path sys = Files.write(dir.resolve("tight-system.raw"), fs);
    Path prod = Files.write(dir.resolve("tight-product.raw"), product);
    Path superSparse = dir.resolve("tight-super.img");
    try (FileByteSource s = FileByteSource.open(sys); FileByteSource p = FileByteSource.open(prod)) {
      SuperWriter.create(12L << 20, 65536, 3)
          .group("main", fs.length + product.length + 8192)
          .addPartition("system", "main", LpFormat.PARTITION_ATTR_READONLY, s)
          .addPartition("product", "main", LpFormat.PARTITION_ATTR_READONLY, p)
          .layout().writeSparseTo(superSparse, SparseWriter.Options.DEFAULT);
    }
    Path in = new FastbootPackageBuilder().root("dev_images_V1").image("super.img", superSparse)
        .image("vbmeta.img", vbmeta).flashAllScript().build(dir.resolve("tight.tgz"),
            FastbootPackageBuilder.Format.TGZ);
    Path out = dir.resolve("tight-out.tgz");
    CliRun r = CliRun.untrack("patch", in.toString(), "-o", out.toString());
    assertEquals(4, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("system: the patched image does not fit the partition of "), r.err());
    assertTrue(r.err().contains("(super group main maximum): "), r.err());
    assertTrue(r.err().contains(" bytes missing"), r.err());
    assertFalse(Files.exists(out));
  }

  static byte[] bytes(ByteSource s) throws Exception {
    return s.readFully(0, (int) s.size());
  }

  @Test
  void patchesSystemInsideTheSparseSuperAndDisablesVerity() throws Exception {
    byte[] before = Files.readAllBytes(input);
    Path out = dir.resolve("out.tgz");
    CliRun r = CliRun.untrack("patch", input.toString(), "-o", out.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("patched system_a:" + RomImages.TELEMETRY_APK), r.out());
    assertTrue(r.out().contains("vbmeta: flags 0x0 -> 0x1 (HASHTREE_DISABLED)"), r.out());
    assertTrue(r.out().contains("checker: live call sites: 0 (input: 2)"), r.out());
    assertFalse(r.out().contains("unexpected"), r.out());
    assertTrue(r.out().contains("never lock"), r.out());
    assertArrayEquals(before, Files.readAllBytes(input), "input untouched");
    Path work = Files.createDirectories(dir.resolve("verify"));
    try (Firmware fw = FirmwareReader.open(out, FirmwareReader.Options.in(work))) {
      assertEquals(dev.untrack.rom.firmware.FirmwareKind.FASTBOOT_PACKAGE, fw.kind());
      assertArrayEquals(product, bytes(fw.partition("product_a").orElseThrow().content()));
      assertArrayEquals(boot, bytes(fw.partition("boot").orElseThrow().content()));
      assertArrayEquals(vbmetaSystem, bytes(fw.partition("vbmeta_system").orElseThrow().content()));
      byte[] vb = bytes(fw.partition("vbmeta").orElseThrow().content());
      byte[] expected = vbmeta.clone();
      expected[123] = 1;
      assertArrayEquals(expected, vb);
      byte[] system = bytes(fw.partition("system_a").orElseThrow().content());
      AvbFooter f = AvbFooter.parse(Arrays.copyOfRange(system, system.length - 64, system.length), system.length,
          "system_a");
      Path fsOnly = Files.write(dir.resolve("system-fs.img"), Arrays.copyOf(system, (int) f.originalImageSize()));
      OracleImages.fsckErofs(fsOnly);
      assertTrue(RomImages.read(fsOnly, RomImages.TELEMETRY_OAT).isEmpty());
    }
    Path again = dir.resolve("again.tgz");
    assertEquals(0, CliRun.untrack("patch", input.toString(), "-o", again.toString()).code());
    assertArrayEquals(Files.readAllBytes(out), Files.readAllBytes(again), "deterministic");
  }

  @Test
  void avbKeyResignsVbmetaSystemAndVbmeta() throws Exception {
    Path key = AvbFixtures.writeKey(dir, "user");
    Path out = dir.resolve("signed.tgz");
    CliRun r = CliRun.untrack("patch", input.toString(), "-o", out.toString(), "--avb-key",
        key.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    Path work = Files.createDirectories(dir.resolve("verify2"));
    try (Firmware fw = FirmwareReader.open(out, FirmwareReader.Options.in(work))) {
      byte[] system = bytes(fw.partition("system_a").orElseThrow().content());
      AvbFooter f = AvbFooter.parse(Arrays.copyOfRange(system, system.length - 64, system.length), system.length,
          "system_a");
      VbMeta vs = VbMeta.parse(bytes(fw.partition("vbmeta_system").orElseThrow().content()), "vbmeta_system");
      assertTrue(vs.verify().verifies());
      AvbDescriptor.Hashtree ht = (AvbDescriptor.Hashtree) vs.descriptors().get(0);
      assertEquals(f.originalImageSize(), ht.imageSize());
      HashTree.InMemory tree = HashTree.computeInMemory(Arrays.copyOf(system, (int) ht.imageSize()),
          HashTree.Params.sha256(AvbFixtures.SALT));
      assertArrayEquals(tree.result().rootDigest(), ht.rootDigest());
      VbMeta top = VbMeta.parse(bytes(fw.partition("vbmeta").orElseThrow().content()), "vbmeta");
      assertTrue(top.verify().verifies());
      assertEquals(0, top.flags());
      assertArrayEquals(vs.publicKey(), ((AvbDescriptor.ChainPartition) top.descriptors().get(0)).publicKey());
    }
  }

  @Test
  void emptyPatchSetGivesAnIdenticalPackage() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("none"));
    Path out = dir.resolve("same.tgz");
    CliRun r = CliRun.untrack("patch", input.toString(), "-o", out.toString(), "--patches",
        empty.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertArrayEquals(Files.readAllBytes(input), Files.readAllBytes(out));
  }
}
