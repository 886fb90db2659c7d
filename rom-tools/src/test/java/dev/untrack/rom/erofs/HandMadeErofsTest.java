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
  void directoryContainingItselfIsACycleNotARecursion() throws Exception {
    try (FileSystemImage fs = FileSystems.open(new ArrayByteSource(image(0, 1, 0), "cycle.img"))) {
      RomFormatException e = assertThrows(RomFormatException.class, () -> fs.walk(x -> true));
      assertTrue(e.getMessage().contains("cycle"), e.getMessage());
      assertEquals("/f", fs.lookup("/f/f/f/f").orElseThrow().path().substring(0, 2));
    }
  }
}
