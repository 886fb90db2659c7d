package dev.untrack.rom.erofs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.untrack.rom.fs.EditPlan;
import dev.untrack.rom.fs.FileSystemEdits;
import dev.untrack.rom.fs.FsEntry;
import dev.untrack.rom.io.ArrayByteSource;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Edits of the hand-made images with fragments and a deduplicated partial reference (layouts the installed
 * mkfs.erofs cannot make): the packed inode and the files that use it must read as before.
 */
class ErofsEditorTest {
  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] edited(byte[] image, FileSystemEdits edits) throws Exception {
    EditPlan plan = ErofsEditor.plan(ErofsImage.open(new ArrayByteSource(image, "in.img")), edits);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    plan.writeTo(out);
    assertEquals(plan.size(), out.size());
    return out.toByteArray();
  }

  @Test
  void fragmentsAndThePackedInodeSurviveEditsAroundThem() throws Exception {
    byte[] in = HandMadeErofsTest.fragmentAndDedupeImage();
    FileSystemEdits edits = new FileSystemEdits(1000)
        .replace("/b", new ArrayByteSource(ascii("new b content"), "b"), 2000)
        .create("/c", new ArrayByteSource(ascii("hello"), "c"), 0, 0, 0644, new TreeMap<>(), 3000);
    byte[] out = edited(in, edits);
    try (ErofsImage fs = ErofsImage.open(new ArrayByteSource(out, "out.img"))) {
      FsEntry a = fs.lookup("/a").orElseThrow();
      byte[] content = fs.content(a).readFully(0, 4106);
      for (int i = 0; i < 4096; i++) {
        assertEquals(i % 2 == 0 ? 'a' : 'b', content[i], "byte " + i);
      }
      assertEquals("56789abcde", new String(content, 4096, 10, StandardCharsets.US_ASCII));
      FsEntry b = fs.lookup("/b").orElseThrow();
      assertArrayEquals(ascii("new b content"), fs.content(b).readFully(0, 13));
      assertEquals(2000, b.mtime());
      assertArrayEquals(ascii("hello"), fs.content(fs.lookup("/c").orElseThrow()).readFully(0, 5));
      ErofsInode packed = fs.inode(12);
      int len = (int) (fs.slotEnd(packed) - packed.offset());
      assertArrayEquals(java.util.Arrays.copyOfRange(in, (int) packed.offset(), (int) packed.offset() + len),
          java.util.Arrays.copyOfRange(out, (int) packed.offset(), (int) packed.offset() + len), "packed inode");
      assertEquals(-1, java.util.Arrays.mismatch(in, 2 * 4096, 3 * 4096, out, 2 * 4096, 3 * 4096),
          "the shared pcluster is untouched");
    }
    assertArrayEquals(out, edited(in, edits), "deterministic");
  }

  @Test
  void aWholeFileFragmentIsReplacedByPlainBlocksInANewSlot() throws Exception {
    byte[] in = HandMadeErofsTest.image(10, 6, 4);
    byte[] out = edited(in, new FileSystemEdits(5).replace("/f", new ArrayByteSource(ascii("0123456789"), "f")));
    try (ErofsImage fs = ErofsImage.open(new ArrayByteSource(out, "out.img"))) {
      FsEntry f = fs.lookup("/f").orElseThrow();
      assertFalse(f.inode() == 4, "a 40-byte slot cannot hold an extended inode: moved");
      assertEquals(ErofsInode.FLAT_PLAIN, fs.inode(f.inode()).layout());
      assertArrayEquals(ascii("0123456789"), fs.content(f).readFully(0, 10));
      assertEquals(1, fs.list(fs.root()).size());
    }
  }
}
