package dev.untrack.pipeline.rom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.signing.avb.AvbAlgorithm;
import dev.untrack.signing.avb.AvbDescriptor;
import dev.untrack.signing.avb.AvbFooter;
import dev.untrack.signing.avb.AvbPublicKey;
import dev.untrack.signing.avb.HashTree;
import dev.untrack.signing.avb.VbMeta;
import dev.untrack.signing.keys.SigningKey;
import dev.untrack.testkit.CliRun;
import dev.untrack.testkit.Oracle;
import dev.untrack.testkit.OracleImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Partitions with an AVB footer: the edited image gets a new tree, vbmeta and footer at the same size. */
class AvbFooterPatchTest {
  @TempDir Path dir;

  /** The output's footer, vbmeta and hashtree descriptor, checked against the filesystem it covers. */
  private AvbDescriptor.Hashtree checkFooter(byte[] out, long partitionSize) throws Exception {
    assertEquals(partitionSize, out.length);
    AvbFooter f = AvbFooter.parse(Arrays.copyOfRange(out, out.length - 64, out.length), out.length, "out");
    VbMeta vb = VbMeta.parse(Arrays.copyOfRange(out, (int) f.vbmetaOffset(),
        (int) (f.vbmetaOffset() + f.vbmetaSize())), "out vbmeta");
    AvbDescriptor.Hashtree ht = vb.descriptors().stream().filter(d -> d instanceof AvbDescriptor.Hashtree)
        .map(d -> (AvbDescriptor.Hashtree) d).findFirst().orElseThrow();
    assertEquals("system", ht.partitionName());
    assertArrayEquals(AvbFixtures.SALT, ht.salt());
    assertEquals(ht.imageSize(), ht.treeOffset());
    assertEquals(f.originalImageSize(), ht.imageSize());
    HashTree.InMemory tree = HashTree.computeInMemory(AvbFixtures.head(out, ht.imageSize()),
        HashTree.Params.sha256(AvbFixtures.SALT));
    assertArrayEquals(tree.result().rootDigest(), ht.rootDigest());
    assertArrayEquals(tree.tree(), Arrays.copyOfRange(out, (int) ht.treeOffset(),
        (int) (ht.treeOffset() + ht.treeSize())));
    veritysetupVerifies(out, ht);
    return ht;
  }

  /** Independent check of the tree inside the partition image. */
  private void veritysetupVerifies(byte[] out, AvbDescriptor.Hashtree ht) throws Exception {
    Path veritysetup = Oracle.require("veritysetup", "cryptsetup-bin");
    Path img = Files.write(dir.resolve("verify.img"), out);
    Oracle.run(dir, Duration.ofMinutes(2), List.of(veritysetup.toString(), "verify", "--no-superblock",
        "--format=1", "--hash=sha256", "--data-block-size=4096", "--hash-block-size=4096",
        "--data-blocks=" + ht.imageSize() / 4096, "--hash-offset=" + ht.treeOffset(),
        "--salt=" + HexFormat.of().formatHex(ht.salt()), img.toString(), img.toString(),
        HexFormat.of().formatHex(ht.rootDigest()))).assertOk("veritysetup verify");
    Files.delete(img);
  }

  @Test
  void ext4WithFooterIsResealedAtTheSameSize() throws Exception {
    byte[] fs = Files.readAllBytes(RomImages.ext4(dir));
    long size = fs.length + (1 << 20);
    Path in = Files.write(dir.resolve("system.img"), AvbFixtures.withFooter(fs, "system", size));
    Path out = dir.resolve("out.img");
    CliRun r = CliRun.untrack("patch", in.toString(), "-o", out.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("avb: hashtree recomputed (sha256"), r.out());
    assertTrue(r.out().contains("checker: live call sites: 0"), r.out());
    byte[] bytes = Files.readAllBytes(out);
    AvbDescriptor.Hashtree ht = checkFooter(bytes, size);
    Path fsOnly = Files.write(dir.resolve("fs-only.img"), AvbFixtures.head(bytes, ht.imageSize()));
    OracleImages.e2fsck(fsOnly);
  }

  @Test
  void erofsWithFooterGrowsIntoTheRoomBeforeTheFooter() throws Exception {
    byte[] fs = Files.readAllBytes(RomImages.erofs(dir));
    long size = fs.length + (512 << 10);
    Path in = Files.write(dir.resolve("system.img"), AvbFixtures.withFooter(fs, "system", size));
    Path out = dir.resolve("out.img");
    CliRun r = CliRun.untrack("patch", in.toString(), "-o", out.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    byte[] bytes = Files.readAllBytes(out);
    AvbDescriptor.Hashtree ht = checkFooter(bytes, size);
    assertTrue(ht.imageSize() > fs.length);
    OracleImages.fsckErofs(Files.write(dir.resolve("fs-only.img"), AvbFixtures.head(bytes, ht.imageSize())));
  }

  @Test
  void footerPartitionWithoutRoomFailsWithTheMissingBytes() throws Exception {
    byte[] fs = Files.readAllBytes(RomImages.erofs(dir));
    long size = fs.length + 3 * 4096L;
    Path in = Files.write(dir.resolve("system.img"), AvbFixtures.withFooter(fs, "system", size));
    Path out = dir.resolve("out.img");
    CliRun r = CliRun.untrack("patch", in.toString(), "-o", out.toString());
    assertEquals(4, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("system: the patched image does not fit the partition of " + size
        + " bytes (partition size (AVB footer))"), r.err());
    assertTrue(r.err().contains("bytes missing"), r.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void avbKeyResignsTheFooterVbmeta() throws Exception {
    byte[] fs = Files.readAllBytes(RomImages.ext4(dir));
    long size = fs.length + (1 << 20);
    Path in = Files.write(dir.resolve("system.img"), AvbFixtures.withFooter(fs, "system", size));
    Path key = AvbFixtures.writeKey(dir, "avb");
    SigningKey loaded = dev.untrack.signing.keys.KeyLoader.load(new dev.untrack.signing.keys.KeyLocation(key,
        null, null, dev.untrack.signing.keys.PasswordSource.none(), null));
    Path out = dir.resolve("out.img");
    CliRun r = CliRun.untrack("patch", in.toString(), "-o", out.toString(), "--avb-key",
        key.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("footer vbmeta re-signed with the AVB key"), r.out());
    byte[] bytes = Files.readAllBytes(out);
    checkFooter(bytes, size);
    AvbFooter f = AvbFooter.parse(Arrays.copyOfRange(bytes, bytes.length - 64, bytes.length), bytes.length, "o");
    VbMeta vb = VbMeta.parse(Arrays.copyOfRange(bytes, (int) f.vbmetaOffset(),
        (int) (f.vbmetaOffset() + f.vbmetaSize())), "out vbmeta");
    assertEquals(AvbAlgorithm.SHA256_RSA2048, vb.algorithm());
    assertTrue(vb.verify().verifies(), vb.verify().toString());
    assertArrayEquals(AvbPublicKey.encode((RSAPublicKey) loaded.publicKey()), vb.publicKey());
  }
}
