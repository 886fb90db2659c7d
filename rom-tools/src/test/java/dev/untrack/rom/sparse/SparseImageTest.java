package dev.untrack.rom.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.ByteSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class SparseImageTest {
  static final int BS = 4096;

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static byte[] readAll(ByteSource s) throws IOException {
    return s.readFully(0, Math.toIntExact(s.size()));
  }

  static SparseImage open(byte[] b) throws IOException {
    return SparseImage.open(new ArrayByteSource(b, "test.img"));
  }

  @Test
  void expandsEveryChunkType() throws IOException {
    byte[] raw = random(2 * BS, 1);
    byte[] file = new SparseBytes(BS).raw(raw).fill(3, 0x11223344).dontCare(2).raw(random(BS, 2)).build();
    SparseImage img = open(file);
    assertEquals(8L * BS, img.size());
    assertEquals(3, img.dataChunks().size());
    byte[] all = readAll(img);
    assertArrayEquals(raw, Arrays.copyOfRange(all, 0, 2 * BS));
    for (int i = 2 * BS; i < 5 * BS; i += 4) {
      assertEquals(0x44, all[i] & 0xff);
      assertEquals(0x33, all[i + 1] & 0xff);
      assertEquals(0x22, all[i + 2] & 0xff);
      assertEquals(0x11, all[i + 3] & 0xff);
    }
    for (int i = 5 * BS; i < 7 * BS; i++) {
      assertEquals(0, all[i]);
    }
    assertArrayEquals(random(BS, 2), Arrays.copyOfRange(all, 7 * BS, 8 * BS));
    assertTrue(img.isDontCare(5));
    assertFalse(img.isDontCare(4));
  }

  @Test
  void readsAtOddPositionsAndLengths() throws IOException {
    byte[] file = new SparseBytes(BS).raw(random(BS, 3)).fill(2, 0xA1B2C3D4).dontCare(1).raw(random(2 * BS, 4)).build();
    SparseImage img = open(file);
    byte[] all = readAll(img);
    Random r = new Random(5);
    for (int t = 0; t < 500; t++) {
      int pos = r.nextInt(all.length);
      int len = r.nextInt(all.length - pos + 1);
      assertArrayEquals(Arrays.copyOfRange(all, pos, pos + len), img.readFully(pos, len), "at " + pos + "+" + len);
    }
    assertEquals(-1, img.read(img.size(), ByteBuffer.allocate(1)));
  }

  @Test
  void acceptsLongerHeaders() throws IOException {
    SparseBytes b = new SparseBytes(BS);
    b.fileHeaderSize = 32;
    b.chunkHeaderSize = 16;
    byte[] data = random(BS, 6);
    byte[] file = b.raw(data).dontCare(1).build();
    assertArrayEquals(data, open(file).readFully(0, BS));
  }

  @Test
  void verifiesCrcChunks() throws IOException {
    byte[] data = random(BS, 7);
    CRC32 crc = new CRC32();
    crc.update(data);
    crc.update(new byte[BS]);
    byte[] good = new SparseBytes(BS).raw(data).dontCare(1).crc((int) crc.getValue()).build();
    open(good).verifyChecksums();
    byte[] bad = new SparseBytes(BS).raw(data).dontCare(1).crc((int) crc.getValue() + 1).build();
    SparseImage img = open(bad);
    RomFormatException e = assertThrows(RomFormatException.class, img::verifyChecksums);
    assertTrue(e.getMessage().contains("CRC32 chunk"), e.getMessage());
    SparseBytes withHeaderSum = new SparseBytes(BS).raw(data).dontCare(1);
    withHeaderSum.imageChecksum = 1234;
    assertThrows(RomFormatException.class, () -> open(withHeaderSum.build()).verifyChecksums());
  }

  @Test
  void verifiesChecksumsWithoutExpandingHoles() throws IOException {
    // 16 TiB of DONT_CARE and a FILL then a CRC32 chunk: verification must not walk 16 TiB
    long blocks = 0xfffffff0L;
    long zeros = Crc32Math.zeros(blocks * BS);
    CRC32 fillBlock = new CRC32();
    byte[] pattern = new byte[BS];
    for (int i = 0; i < BS; i += 4) {
      pattern[i] = 9;
    }
    fillBlock.update(pattern);
    long expected = Crc32Math.combine(zeros, Crc32Math.repeat(fillBlock.getValue(), BS, 15), 15L * BS);
    SparseBytes b = new SparseBytes(BS).dontCare(blocks).fill(15, 9).crc((int) expected);
    long t = System.nanoTime();
    open(b.build()).verifyChecksums();
    assertTrue(System.nanoTime() - t < 5_000_000_000L, "verification must not expand the holes");
    SparseBytes bad = new SparseBytes(BS).dontCare(blocks).fill(15, 9).crc((int) expected ^ 1);
    assertThrows(RomFormatException.class, () -> open(bad.build()).verifyChecksums());
  }

  @Test
  void refusesHostileHeaders() {
    SparseBytes badMagic = new SparseBytes(BS).dontCare(1);
    badMagic.magic = 0x12345678;
    assertCorrupt(badMagic.build(), "bad magic");
    SparseBytes version = new SparseBytes(BS).dontCare(1);
    version.major = 2;
    assertCorrupt(version.build(), "major version");
    SparseBytes shortHeader = new SparseBytes(BS).dontCare(1);
    shortHeader.fileHeaderSize = 20;
    assertCorrupt(shortHeader.build(), "file header size");
    assertCorrupt(new SparseBytes(1002).dontCare(1).build(), "block size");
    SparseBytes manyChunks = new SparseBytes(BS).dontCare(1);
    manyChunks.totalChunksOverride = 0x7fffffff;
    assertCorrupt(manyChunks.build(), "cannot hold");
    assertCorrupt(Arrays.copyOf(new SparseBytes(BS).dontCare(1).build(), 20), "shorter than");
  }

  @Test
  void refusesHostileChunks() {
    assertCorrupt(new SparseBytes(BS).chunk(SparseFormat.CHUNK_RAW, 2, new byte[BS]).build(), "holds");
    assertCorrupt(new SparseBytes(BS).chunk(SparseFormat.CHUNK_FILL, 2, new byte[8]).build(), "FILL chunk");
    assertCorrupt(new SparseBytes(BS).chunk(SparseFormat.CHUNK_DONT_CARE, 2, new byte[4]).build(), "DONT_CARE");
    assertCorrupt(new SparseBytes(BS).chunk(0xCAC9, 1, new byte[0]).build(), "unknown type");
    SparseBytes tooFew = new SparseBytes(BS).dontCare(4);
    tooFew.totalBlocksOverride = 3L;
    assertCorrupt(tooFew.build(), "ends past");
    SparseBytes tooMany = new SparseBytes(BS).dontCare(4);
    tooMany.totalBlocksOverride = 5L;
    assertCorrupt(tooMany.build(), "chunks cover 4 blocks");
    byte[] truncated = new SparseBytes(BS).raw(new byte[2 * BS]).build();
    assertCorrupt(Arrays.copyOf(truncated, truncated.length - 1), "truncated");
    SparseBytes huge = new SparseBytes(BS).dontCare(0xffffffffL);
    huge.totalBlocksOverride = 0xffffffffL;
    // 16 TiB of don't care is legal and costs nothing
    try {
      SparseImage img = open(huge.build());
      assertEquals(0xffffffffL * BS, img.size());
      assertArrayEquals(new byte[16], img.readFully(img.size() - 16, 16));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void chunkLimitIsEnforced() {
    SparseBytes b = new SparseBytes(BS);
    for (int i = 0; i < 10; i++) {
      b.fill(1, i);
    }
    RomFormatException e = assertThrows(RomFormatException.class,
        () -> SparseImage.open(new ArrayByteSource(b.build(), "x"), new SparseImage.Limits(5)));
    assertTrue(e.isUnsupported());
  }

  static void assertCorrupt(byte[] file, String expect) {
    RomFormatException e = assertThrows(RomFormatException.class, () -> open(file));
    assertTrue(e.getMessage().contains(expect), e.getMessage());
    assertTrue(e.getMessage().startsWith("test.img"), e.getMessage());
  }

  @Test
  void combinesDisjointParts() throws IOException {
    byte[] a = random(BS, 8);
    byte[] b = random(BS, 9);
    byte[] p1 = new SparseBytes(BS).raw(a).dontCare(3).build();
    byte[] p2 = new SparseBytes(BS).dontCare(2).raw(b).fill(1, 7).build();
    SparseImage c = SparseImage.combine(List.of(open(p1), open(p2)), "super");
    byte[] all = readAll(c);
    assertArrayEquals(a, Arrays.copyOfRange(all, 0, BS));
    assertArrayEquals(new byte[BS], Arrays.copyOfRange(all, BS, 2 * BS));
    assertArrayEquals(b, Arrays.copyOfRange(all, 2 * BS, 3 * BS));
    assertEquals(7, all[3 * BS]);
    assertEquals(2, c.sources().size());

    byte[] p3 = new SparseBytes(BS).dontCare(2).raw(b).raw(b).build();
    RomFormatException e = assertThrows(RomFormatException.class,
        () -> SparseImage.combine(List.of(open(p2), open(p3)), "super"));
    assertTrue(e.getMessage().contains("overlaps"), e.getMessage());
    byte[] p4 = new SparseBytes(BS).dontCare(5).build();
    assertThrows(RomFormatException.class, () -> SparseImage.combine(List.of(open(p1), open(p4)), "super"));
  }
}
