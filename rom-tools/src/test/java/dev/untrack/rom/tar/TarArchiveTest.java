package dev.untrack.rom.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.ByteSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarArchiveTest {
  @TempDir
  Path work;

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  TarArchive open(byte[] data, Spool spool) throws IOException {
    return TarArchive.open(new ArrayByteSource(data, "pkg.tgz"), spool, TarArchive.Limits.DEFAULT, e -> false);
  }

  @Test
  void plainTarMembersAreSlices() throws IOException {
    byte[] big = random(700_000, 1);
    String longName = "dir/" + "x".repeat(150) + ".img";
    byte[] t = TarFixtures.tar(false, "dir/", new byte[0], "dir/a.img", big, longName, random(10, 2),
        "dir/link->a.img", new byte[0]);
    try (Spool spool = new Spool(work, 1 << 30); TarArchive tar = open(t, spool)) {
      assertTrue(!tar.isCompressed());
      assertEquals(4, tar.entries().size());
      ByteSource a = tar.open(tar.entry("dir/a.img").orElseThrow());
      assertArrayEquals(big, a.readFully(0, big.length));
      assertArrayEquals(random(10, 2), tar.open(tar.entry(longName).orElseThrow()).readFully(0, 10));
      assertEquals(TarArchive.Type.SYMLINK, tar.entry("dir/link").orElseThrow().type());
      assertEquals(0, spool.used());
    }
  }

  @Test
  void gzipMembersAreSpooledAndRemoved() throws IOException {
    byte[] big = random(900_000, 3);
    byte[] small = "CRC-LIST\nboot 0x1\n".getBytes(StandardCharsets.US_ASCII);
    byte[] t = TarFixtures.tar(true, "p/images/super.img", big, "p/images/crclist.txt", small, "p/other.bin",
        random(300_000, 4));
    try (Spool spool = new Spool(work, 1 << 30)) {
      TarArchive tar = TarArchive.open(new ArrayByteSource(t, "pkg.tgz"), spool, TarArchive.Limits.DEFAULT,
          e -> e.name().endsWith(".img"));
      assertTrue(tar.isCompressed());
      assertEquals(900_000, spool.used());
      assertArrayEquals(big, tar.open(tar.entry("p/images/super.img").orElseThrow()).readFully(0, big.length));
      assertArrayEquals(small, tar.readAll(tar.entry("p/images/crclist.txt").orElseThrow(), 100));
      // not spooled at open: a second pass spools it on demand
      assertArrayEquals(random(300_000, 4), tar.open(tar.entry("p/other.bin").orElseThrow()).readFully(0, 300_000));
      assertEquals(1_200_000, spool.used());
      try (Stream<Path> s = Files.list(work)) {
        assertEquals(0, s.count(), "spooled files are unlinked once open");
      }
    }
  }

  @Test
  void spoolLimitIsEnforced() throws IOException {
    byte[] t = TarFixtures.tar(true, "a.img", random(300_000, 5));
    try (Spool spool = new Spool(work, 200_000)) {
      TarArchive tar = open(t, spool);
      RomFormatException e = assertThrows(RomFormatException.class, () -> tar.open(tar.entries().get(0)));
      assertTrue(e.getMessage().contains("spool limit"), e.getMessage());
    }
  }

  @Test
  void refusesHostileNames() throws IOException {
    assertHostile(TarFixtures.tar(false, "../evil.img", new byte[1]), "path traversal");
    assertHostile(TarFixtures.renamed(TarFixtures.tar(false, "xetc/passwd", new byte[1]), 0, "/etc/passwd"), "absolute");
    assertHostile(TarFixtures.tar(true, "images/a/../../../x", new byte[1]), "path traversal");
    assertHostile(TarFixtures.tar(false, "images/link->../../etc", new byte[0]), "leaves the archive");
    assertHostile(TarFixtures.tar(false, "images/link->/etc/passwd", new byte[0]), "absolute link");
    assertHostile(TarFixtures.tar(false, "images/hard=>../x", new byte[0]), "path traversal");
    assertHostile(TarFixtures.tar(false, "a.img", new byte[1], "./a.img", new byte[2]), "duplicate");
  }

  @Test
  void refusesTruncatedAndCorruptArchives() throws IOException {
    byte[] t = TarFixtures.tar(false, "a.img", random(10_000, 6));
    assertHostile(Arrays.copyOf(t, 5000), "truncated");
    byte[] g = TarFixtures.tar(true, "a.img", random(100_000, 7));
    try (Spool spool = new Spool(work, 1 << 30)) {
      RomFormatException e = assertThrows(RomFormatException.class,
          () -> TarArchive.open(new ArrayByteSource(Arrays.copyOf(g, g.length / 2), "pkg.tgz"), spool,
              TarArchive.Limits.DEFAULT, x -> true));
      assertTrue(e.getMessage().startsWith("pkg.tgz"), e.getMessage());
    }
    byte[] badHeader = t.clone();
    badHeader[148] ^= 0x55; // header checksum
    assertHostile(badHeader, "");
    assertHostile("not an archive at all, just text padded out to more than 512 bytes".repeat(10)
        .getBytes(StandardCharsets.US_ASCII), "neither");
  }

  @Test
  void entryLimits() throws IOException {
    byte[] t = TarFixtures.tar(false, "a", new byte[1], "b", new byte[1], "c", new byte[1]);
    try (Spool spool = new Spool(work, 1 << 30)) {
      RomFormatException e = assertThrows(RomFormatException.class,
          () -> TarArchive.open(new ArrayByteSource(t, "x.tar"), spool, new TarArchive.Limits(2, 100, 10), x -> false));
      assertTrue(e.getMessage().contains("more than 2 entries"), e.getMessage());
      byte[] big = TarFixtures.tar(false, "a", new byte[200]);
      e = assertThrows(RomFormatException.class,
          () -> TarArchive.open(new ArrayByteSource(big, "x.tar"), spool, new TarArchive.Limits(2, 100, 10), x -> false));
      assertTrue(e.getMessage().contains("over the limit"), e.getMessage());
    }
  }

  void assertHostile(byte[] data, String expect) throws IOException {
    try (Spool spool = new Spool(work, 1 << 30)) {
      RomFormatException e = assertThrows(RomFormatException.class,
          () -> TarArchive.open(new ArrayByteSource(data, "pkg.tgz"), spool, TarArchive.Limits.DEFAULT, x -> true));
      assertTrue(e.getMessage().contains(expect), e.getMessage());
      assertTrue(e.getMessage().startsWith("pkg.tgz"), e.getMessage());
    }
  }
}
