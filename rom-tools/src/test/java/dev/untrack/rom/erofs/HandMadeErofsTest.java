package dev.untrack.rom.erofs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.fs.FileSystemImage;
import dev.untrack.rom.fs.FileSystems;
import dev.untrack.rom.fs.FsEntry;
import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.ByteSource;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tiny EROFS images assembled byte by byte, for layouts the installed mkfs.erofs (1.5) cannot produce: a file
 * stored whole as a fragment of the packed inode, and a directory that contains itself.
 */
class HandMadeErofsTest {
  private static final int BS = 4096;
  private static final int META = BS; // meta_blkaddr = 1

  private static void compactInode(ByteBuffer b, long nid, int layout, int mode, int nlink, long size, int u) {
    int p = META + (int) nid * 32;
    b.putShort(p, (short) (layout << 1));
    b.putShort(p + 4, (short) mode);
    b.putShort(p + 6, (short) nlink);
    b.putInt(p + 8, (int) size);
    b.putInt(p + 16, u);
    b.putInt(p + 20, (int) nid + 1);
  }

  /** Root (nid 0, inline dir with entries), file "f" (nid 4), packed inode (nid 8). */
  static byte[] image(long fragmentOff, long fileSize, long childNid) {
    ByteBuffer b = ByteBuffer.allocate(2 * BS).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(1024, ErofsSuperblock.MAGIC);
    b.put(1024 + 12, (byte) 12);
    b.putShort(1024 + 14, (short) 0);
    b.putLong(1024 + 16, 3);
    b.putInt(1024 + 36, 2);
    b.putInt(1024 + 40, 1);
    b.putInt(1024 + 80, (int) ErofsSuperblock.INCOMPAT_FRAGMENTS);
    b.putLong(1024 + 96, 8);
    // root directory: ".", "..", "f"
    String[] names = {".", "..", "f"};
    long[] nids = {0, 0, childNid};
    int nameoff = 12 * names.length;
    int dirStart = META + 32;
    int size = nameoff;
    for (String n : names) {
      size += n.length();
    }
    compactInode(b, 0, ErofsInode.FLAT_INLINE, 040755, 2, size, 0);
    for (int i = 0; i < names.length; i++) {
      b.putLong(dirStart + 12 * i, nids[i]);
      b.putShort(dirStart + 12 * i + 8, (short) nameoff);
      b.put(dirStart + 12 * i + 10, (byte) (i < 2 ? 2 : 1));
      for (byte c : names[i].getBytes(StandardCharsets.US_ASCII)) {
        b.put(dirStart + nameoff++, c);
      }
    }
    // the file: compressed layout whose map header says "whole file in the packed inode at fragmentOff"
    compactInode(b, 4, ErofsInode.COMPRESSED_FULL, 0100644, 1, fileSize, 0);
    b.putLong(META + 4 * 32 + 32, fragmentOff | (1L << 63));
    // the packed inode: inline data
    byte[] packed = "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);
    compactInode(b, 8, ErofsInode.FLAT_INLINE, 0100600, 1, packed.length, 0);
    b.position(META + 8 * 32 + 32);
    b.put(packed);
    return b.array();
  }

  /** 4096 bytes of "abab...": literal "ab", then one match of offset 2 and length 4094. */
  static byte[] lz4AbPattern() {
    java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
    o.write(0x2F);
    o.write('a');
    o.write('b');
    o.write(2);
    o.write(0);
    int rest = 4094 - 4 - 15;
    while (rest >= 255) {
      o.write(255);
      rest -= 255;
    }
    o.write(rest);
    return o.toByteArray();
  }

  private static void fullIndex(ByteBuffer b, long nid, int advise, long fragmentOff, int[] types, int[] clusterofs,
      long[] pblk, boolean partialRef) {
    int header = META + (int) nid * 32 + 32;
    b.putInt(header, (int) fragmentOff);
    b.putShort(header + 4, (short) advise);
    for (int i = 0; i < types.length; i++) {
      int idx = header + 16 + 8 * i;
      b.putShort(idx, (short) (types[i] | (partialRef && i == 0 ? ZMap.PARTIAL_REF : 0)));
      b.putShort(idx + 2, (short) clusterofs[i]);
      b.putInt(idx + 4, (int) pblk[i]);
    }
  }

  /**
   * Root with "a" (nid 4: an LZ4 extent in block 2, then a 10-byte tail fragment) and "b" (nid 8: a deduplicated
   * 100-byte prefix of the same pcluster); packed inode at nid 12.
   */
  static byte[] fragmentAndDedupeImage() {
    ByteBuffer b = ByteBuffer.allocate(3 * BS).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(1024, ErofsSuperblock.MAGIC);
    b.put(1024 + 12, (byte) 12);
    b.putLong(1024 + 16, 4);
    b.putInt(1024 + 36, 3);
    b.putInt(1024 + 40, 1);
    b.putInt(1024 + 80, (int) (ErofsSuperblock.INCOMPAT_FRAGMENTS | ErofsSuperblock.INCOMPAT_ZERO_PADDING));
    b.putLong(1024 + 96, 12);
    String[] names = {".", "..", "a", "b"};
    long[] nids = {0, 0, 4, 8};
    int nameoff = 12 * names.length;
    int dirStart = META + 32;
    int size = nameoff + 1 + 2 + 1 + 1;
    compactInode(b, 0, ErofsInode.FLAT_INLINE, 040755, 2, size, 0);
    for (int i = 0; i < names.length; i++) {
      b.putLong(dirStart + 12 * i, nids[i]);
      b.putShort(dirStart + 12 * i + 8, (short) nameoff);
      for (byte c : names[i].getBytes(StandardCharsets.US_ASCII)) {
        b.put(dirStart + nameoff++, c);
      }
    }
    compactInode(b, 4, ErofsInode.COMPRESSED_FULL, 0100644, 1, 4096 + 10, 0);
    fullIndex(b, 4, ZMap.ADVISE_FRAGMENT_PCLUSTER, 5, new int[] {ZMap.TYPE_HEAD1, ZMap.TYPE_HEAD1},
        new int[] {0, 0}, new long[] {2, 0}, false);
    compactInode(b, 8, ErofsInode.COMPRESSED_FULL, 0100644, 1, 100, 0);
    fullIndex(b, 8, 0, 0, new int[] {ZMap.TYPE_HEAD1}, new int[] {0}, new long[] {2}, true);
    byte[] packed = "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);
    compactInode(b, 12, ErofsInode.FLAT_INLINE, 0100600, 1, packed.length, 0);
    b.position(META + 12 * 32 + 32);
    b.put(packed);
    byte[] lz4 = lz4AbPattern();
    b.position(3 * BS - lz4.length); // 0padding: compressed data ends at the cluster end
    b.put(lz4);
    return b.array();
  }

  @Test
  void compressedExtentTailFragmentAndPartialReference() throws Exception {
    try (ErofsImage fs = ErofsImage.open(new ArrayByteSource(fragmentAndDedupeImage(), "dedupe.img"))) {
      FsEntry a = fs.lookup("/a").orElseThrow();
      byte[] content = fs.content(a).readFully(0, 4106);
      for (int i = 0; i < 4096; i++) {
        assertEquals(i % 2 == 0 ? 'a' : 'b', content[i], "byte " + i);
      }
      assertEquals("56789abcde", new String(content, 4096, 10, StandardCharsets.US_ASCII));
      List<ErofsExtent> extents = fs.extents(fs.inode(a.inode()));
      assertEquals(2, extents.size());
      assertEquals(ErofsExtent.Kind.COMPRESSED, extents.get(0).kind());
      assertEquals(ErofsExtent.Kind.FRAGMENT, extents.get(1).kind());
      FsEntry b = fs.lookup("/b").orElseThrow();
      byte[] prefix = fs.content(b).readFully(0, 100);
      assertEquals("abababab", new String(prefix, 92, 8, StandardCharsets.US_ASCII));
      assertTrue(fs.extents(fs.inode(b.inode())).get(0).partialRef());
    }
  }

  @Test
  void corruptLz4NamesTheImageAndOffset() throws Exception {
    byte[] img = fragmentAndDedupeImage();
    img[3 * BS - lz4AbPattern().length + 3] = 9; // match offset 9 reaches before the output start
    try (ErofsImage fs = ErofsImage.open(new ArrayByteSource(img, "bad-lz4.img"))) {
      FsEntry a = fs.lookup("/a").orElseThrow();
      RomFormatException e = assertThrows(RomFormatException.class, () -> fs.content(a).readFully(0, 10));
      assertTrue(e.getMessage().startsWith("bad-lz4.img: erofs at offset"), e.getMessage());
      assertTrue(e.getMessage().contains("LZ4"), e.getMessage());
    }
  }

  @Test
  void wholeFileFragmentReadsFromThePackedInode() throws Exception {
    try (FileSystemImage fs = FileSystems.open(new ArrayByteSource(image(10, 6, 4), "frag.img"))) {
      List<FsEntry> root = fs.list(fs.root());
      assertEquals(1, root.size());
      FsEntry f = root.get(0);
      assertEquals("/f", f.path());
      ByteSource c = fs.content(f);
      assertArrayEquals("abcdef".getBytes(StandardCharsets.US_ASCII), c.readFully(0, 6));
      assertArrayEquals("cd".getBytes(StandardCharsets.US_ASCII), c.readFully(2, 2));
    }
  }

  @Test
  void fragmentOutsideThePackedInodeIsCorrupt() throws Exception {
    try (FileSystemImage fs = FileSystems.open(new ArrayByteSource(image(30, 20, 4), "frag.img"))) {
      FsEntry f = fs.list(fs.root()).get(0);
      RomFormatException e = assertThrows(RomFormatException.class, () -> fs.content(f).readFully(0, 20));
      assertTrue(e.getMessage().contains("packed inode"), e.getMessage());
    }
  }

  @Test
  void hugeWholeFileFragmentIsReadInPiecesNotBufferedWhole() throws Exception {
    // a 3.75 GB file claimed to sit in a 16-byte packed inode: the first bytes read, then a located error
    long huge = 0xF000_0000L;
    try (FileSystemImage fs = FileSystems.open(new ArrayByteSource(image(10, huge, 4), "huge.img"))) {
      FsEntry f = fs.list(fs.root()).get(0);
      assertEquals(huge, f.size());
      ByteSource c = fs.content(f);
      assertArrayEquals(fs.content(f).readFully(0, 6), c.readFully(0, 6));
      RomFormatException e = assertThrows(RomFormatException.class, () -> c.readFully(1L << 31, 4096));
      assertTrue(e.getMessage().contains("packed inode"), e.getMessage());
    }
  }

  @Test
  void directoryContainingItselfIsACycleNotARecursion() throws Exception {
    try (FileSystemImage fs = FileSystems.open(new ArrayByteSource(image(0, 1, 0), "cycle.img"))) {
      RomFormatException e = assertThrows(RomFormatException.class, () -> fs.walk(x -> true));
      assertTrue(e.getMessage().contains("cycle"), e.getMessage());
      assertEquals("/f", fs.lookup("/f/f/f/f").orElseThrow().path().substring(0, 2));
    }
  }
}
