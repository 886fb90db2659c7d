package dev.untrack.pipeline.rom;

import dev.untrack.signing.avb.AvbAlgorithm;
import dev.untrack.signing.avb.AvbDescriptor;
import dev.untrack.signing.avb.AvbFooter;
import dev.untrack.signing.avb.HashTree;
import dev.untrack.signing.avb.VbMeta;
import dev.untrack.signing.keys.KeyLoader;
import dev.untrack.signing.keys.KeyLocation;
import dev.untrack.signing.keys.PasswordSource;
import dev.untrack.signing.keys.SigningKey;
import dev.untrack.testkit.TestKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * AVB footers and vbmeta images laid out as {@code avbtool add_hashtree_footer} and {@code make_vbmeta_image}
 * do (avbtool is not packaged; the tree itself is checked against veritysetup in VerityOracleTest).
 */
final class AvbFixtures {
  static final byte[] SALT = new byte[32];

  static {
    for (int i = 0; i < SALT.length; i++) {
      SALT[i] = (byte) (i * 7 + 3);
    }
  }

  private AvbFixtures() {}

  /** The hashtree descriptor of {@code image} (whole blocks), tree right after it. */
  static AvbDescriptor.Hashtree descriptor(byte[] image, String partition, HashTree.InMemory tree) {
    return new AvbDescriptor.Hashtree(1, image.length, image.length, tree.result().treeSize(), 4096, 4096, 0, 0, 0,
        "sha256", partition, SALT, tree.result().rootDigest(), 0, null);
  }

  /** {@code image} + tree + unsigned vbmeta + footer, {@code partitionSize} bytes in all. */
  static byte[] withFooter(byte[] image, String partition, long partitionSize) throws IOException {
    HashTree.InMemory tree = HashTree.computeInMemory(image, HashTree.Params.sha256(SALT));
    VbMeta vb = VbMeta.create(List.of(descriptor(image, partition, tree)), 0, 0, "avbtool 1.3.0", null,
        AvbAlgorithm.NONE);
    byte[] blob = vb.encode();
    byte[] out = new byte[(int) partitionSize];
    System.arraycopy(image, 0, out, 0, image.length);
    System.arraycopy(tree.tree(), 0, out, image.length, tree.tree().length);
    long vbOffset = image.length + tree.tree().length;
    System.arraycopy(blob, 0, out, (int) vbOffset, blob.length);
    byte[] footer = AvbFooter.of(image.length, vbOffset, blob.length).encode();
    System.arraycopy(footer, 0, out, out.length - footer.length, footer.length);
    return out;
  }

  static SigningKey avbKey(Path dir, String name) throws IOException {
    Path pk8 = dir.resolve(name + ".pk8");
    Files.write(pk8, TestKeys.generate(name).privateKey().getEncoded());
    return KeyLoader.load(new KeyLocation(pk8, null, null, PasswordSource.none(), null));
  }

  static Path writeKey(Path dir, String name) throws IOException {
    Path pk8 = dir.resolve(name + ".pk8");
    Files.write(pk8, TestKeys.generate(name).privateKey().getEncoded());
    return pk8;
  }

  static byte[] head(byte[] b, long n) {
    return Arrays.copyOf(b, (int) n);
  }
}
