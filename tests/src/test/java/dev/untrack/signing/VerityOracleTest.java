package dev.untrack.signing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.untrack.signing.avb.HashTree;
import dev.untrack.testkit.Oracle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * AVB hash trees against {@code veritysetup format} (cryptsetup-bin): dm-verity format 1 with a salt is what AVB
 * stores, so the root hash and, without a superblock, the hash device bytes must be the same.
 */
class VerityOracleTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"sha256,300", "sha256,129", "sha1,70", "sha512,40", "sha256,2"})
  void rootDigestAndTreeMatchVeritysetup(String alg, int blocks) throws Exception {
    Path veritysetup = Oracle.require("veritysetup", "cryptsetup-bin");
    byte[] data = new byte[blocks * 4096];
    new Random(blocks).nextBytes(data);
    Path image = Files.write(dir.resolve("data.img"), data);
    byte[] salt = new byte[32];
    new Random(99).nextBytes(salt);
    Path hashDevice = dir.resolve("hash.img");
    Oracle.Result r = Oracle.run(dir, Duration.ofMinutes(2), List.of(veritysetup.toString(), "format",
        "--no-superblock", "--format=1", "--hash=" + alg, "--data-block-size=4096", "--hash-block-size=4096",
        "--salt=" + HexFormat.of().formatHex(salt), image.toString(), hashDevice.toString())).assertOk("veritysetup");
    String root = r.stdout().lines().filter(l -> l.startsWith("Root hash:")).findFirst().orElseThrow()
        .substring("Root hash:".length()).trim();

    Path tree = dir.resolve("tree.bin");
    HashTree.Result ours;
    try (FileChannel in = FileChannel.open(image); FileChannel out = FileChannel.open(tree,
        StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ours = HashTree.compute(in, data.length, new HashTree.Params(alg, 4096, salt), out);
    }
    assertEquals(root, HexFormat.of().formatHex(ours.rootDigest()));
    assertArrayEquals(Files.readAllBytes(hashDevice), Files.readAllBytes(tree));
    assertEquals(Files.size(hashDevice), ours.treeSize());
  }
}
