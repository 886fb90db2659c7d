package dev.untrack.signing.avb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.untrack.signing.SigningException;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class HashTreeTest {
  /** Straightforward recursive reference: all levels in memory, concatenated top first. */
  static byte[][] reference(byte[] image, String jdkAlg, int bs, byte[] salt) throws Exception {
    MessageDigest md = MessageDigest.getInstance(jdkAlg);
    int d = md.getDigestLength();
    int padded = Integer.highestOneBit(d - 1) << 1;
    if (image.length == bs) {
      md.update(salt);
      md.update(image);
      return new byte[][] {md.digest(), new byte[0]};
    }
    List<byte[]> levels = new ArrayList<>();
    byte[] cur = image;
    while (cur.length > bs) {
      ByteArrayOutputStream lvl = new ByteArrayOutputStream();
      for (int off = 0; off < cur.length; off += bs) {
        md.update(salt);
        md.update(Arrays.copyOfRange(cur, off, off + bs));
        lvl.write(md.digest());
        lvl.write(new byte[padded - d]);
      }
      byte[] l = lvl.toByteArray();
      l = Arrays.copyOf(l, (l.length + bs - 1) / bs * bs);
      levels.add(l);
      cur = l;
    }
    md.update(salt);
    md.update(cur);
    byte[] root = md.digest();
    ByteArrayOutputStream tree = new ByteArrayOutputStream();
    for (int i = levels.size() - 1; i >= 0; i--) {
      tree.write(levels.get(i));
    }
    return new byte[][] {root, tree.toByteArray()};
  }

  @ParameterizedTest
  @CsvSource({"sha256,SHA-256,1", "sha256,SHA-256,2", "sha256,SHA-256,128", "sha256,SHA-256,129",
      "sha256,SHA-256,16500", "sha1,SHA-1,300", "sha512,SHA-512,70"})
  void matchesAnIndependentReference(String avb, String jdk, int blocks) throws Exception {
    byte[] image = new byte[blocks * 4096];
    new Random(blocks).nextBytes(image);
    byte[] salt = new byte[32];
    new Random(7).nextBytes(salt);
    HashTree.Params p = new HashTree.Params(avb, 4096, salt);
    HashTree.InMemory got = HashTree.computeInMemory(image, p);
    byte[][] want = reference(image, jdk, 4096, salt);
    assertArrayEquals(want[0], got.result().rootDigest());
    assertArrayEquals(want[1], got.tree());
    assertEquals(want[1].length, got.result().treeSize());
    assertEquals(want[1].length, HashTree.treeSize(image.length, p));
  }

  @Test
  void hashtreeDescriptorIsRebuiltForAChangedImage() throws Exception {
    byte[] salt = new byte[32];
    AvbDescriptor.Hashtree old = new AvbDescriptor.Hashtree(1, 8192, 8192, 4096, 4096, 4096, 2, 12288, 8192,
        "sha256", "system", salt, new byte[32], 0, null);
    byte[] image = new byte[300 * 4096];
    new Random(5).nextBytes(image);
    HashTree.InMemory t = HashTree.computeInMemory(image, old.treeParams());
    AvbDescriptor.Hashtree rebuilt = old.withTree(image.length, image.length, t.result());
    assertEquals(image.length, rebuilt.imageSize());
    assertEquals(image.length, rebuilt.treeOffset());
    assertEquals(4 * 4096, rebuilt.treeSize());
    assertArrayEquals(t.result().rootDigest(), rebuilt.rootDigest());
    assertEquals(0, rebuilt.fecNumRoots(), "FEC is not regenerated, so it is dropped");
    assertEquals("system", rebuilt.partitionName());
    assertArrayEquals(salt, rebuilt.salt());
    byte[] enc = rebuilt.encode();
    assertEquals(rebuilt, AvbDescriptor.parseAll(enc, 0, "d").get(0));
  }

  @Test
  void levelSizesFollowAvbtool() {
    // 1 GiB of 4 KiB blocks with 32-byte digests: 8 MiB, 64 KiB, 4 KiB levels
    long[] sizes = HashTree.levelSizes(1L << 30, 4096, 32);
    assertArrayEquals(new long[] {8L << 20, 64L << 10, 4096}, sizes);
    assertEquals(0, HashTree.levelSizes(4096, 4096, 32).length);
  }

  @Test
  void partialBlocksAndUnknownAlgorithmsAreRefused() {
    assertThrows(SigningException.class,
        () -> HashTree.computeInMemory(new byte[5000], HashTree.Params.sha256(new byte[0])));
    assertThrows(SigningException.class,
        () -> HashTree.computeInMemory(new byte[4096], new HashTree.Params("blake2b-256", 4096, new byte[0])));
  }
}
