package dev.untrack.rom.sdat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.ByteSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.brotli.dec.BrotliInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SdatTest {
  static final int BS = 4096;
  @TempDir Path work;

  static byte[] image(int blocks, long seed) {
    byte[] b = new byte[blocks * BS];
    Random r = new Random(seed);
    for (int i = 0; i < blocks; i++) {
      if (r.nextInt(3) != 0) {
        byte[] x = new byte[BS];
        r.nextBytes(x);
        System.arraycopy(x, 0, b, i * BS, BS);
      }
    }
    return b;
  }

  static TransferList list(String text) throws RomFormatException {
    return TransferList.parse(text.getBytes(StandardCharsets.US_ASCII), "system.transfer.list");
  }

  static byte[] readAll(ByteSource s) throws IOException {
    return s.readFully(0, (int) s.size());
  }

  @Test
  void writerRoundTripsThroughTheReader() throws IOException {
    byte[] img = image(300, 1);
    ByteArrayOutputStream newDat = new ByteArrayOutputStream();
    TransferList written = SdatWriter.write(new ArrayByteSource(img, "system.img"), newDat);
    TransferList parsed = TransferList.parse(written.bytes(), "system.transfer.list");
    assertEquals(4, parsed.version());
    assertEquals(written.text(), parsed.text());
    assertTrue(written.text().startsWith("4\n" + parsed.totalBlocks() + "\n0\n0\nnew "), written.text());
    assertEquals(parsed.totalBlocks() * BS, newDat.size());
    try (SdatImage s = SdatImage.open(parsed, new ArrayByteSource(newDat.toByteArray(), "system.new.dat"), 0)) {
      assertEquals(img.length, s.size());
      assertArrayEquals(img, readAll(s));
      assertArrayEquals(Arrays.copyOfRange(img, 5000, 90000), s.readFully(5000, 85000));
    }
    Path out = work.resolve("system.img");
    try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      SdatImage.extract(parsed, new ByteArrayInputStream(newDat.toByteArray()), "system.new.dat", ch, 0);
    }
    assertArrayEquals(img, Files.readAllBytes(out));
  }

  @Test
  void storedBrotliIsValidBrotli() throws IOException {
    for (int len : new int[] {0, 1, 65535, 65536, 65537, (1 << 20), (1 << 20) + 7, 3 * (1 << 20) + 11}) {
      byte[] data = new byte[len];
      new Random(len).nextBytes(data);
      ByteArrayOutputStream bo = new ByteArrayOutputStream();
      try (BrotliStoredOutputStream out = new BrotliStoredOutputStream(bo)) {
        out.write(data);
      }
      byte[] decoded = new BrotliInputStream(new ByteArrayInputStream(bo.toByteArray())).readAllBytes();
      assertArrayEquals(data, decoded, "length " + len);
      assertTrue(bo.size() <= len + 4 * (len / (1 << 20) + 1) + 2, "overhead for " + len + ": " + bo.size());
    }
  }

  @Test
  void brotliNewDataIsSpooledOnceAndCleanedUp() throws IOException {
    byte[] img = image(100, 2);
    ByteArrayOutputStream br = new ByteArrayOutputStream();
    TransferList list;
    try (BrotliStoredOutputStream out = new BrotliStoredOutputStream(br)) {
      list = SdatWriter.write(new ArrayByteSource(img, "vendor.img"), out);
    }
    ByteSource compressed = new ArrayByteSource(br.toByteArray(), "vendor.new.dat.br");
    try (SdatImage s = SdatImage.openBrotli(list, compressed, 0, work)) {
      assertArrayEquals(img, readAll(s));
      try (var files = Files.list(work)) {
        assertEquals(1, files.count());
      }
    }
    try (var files = Files.list(work)) {
      assertEquals(0, files.count(), "spool file left behind");
    }
    // a shorter list than the data: refused, and the spool is removed
    TransferList shorter = list("4\n1\n0\n0\nnew 2,0,1\n");
    assertThrows(RomFormatException.class, () -> SdatImage.openBrotli(shorter, compressed, 0, work));
    try (var files = Files.list(work)) {
      assertEquals(0, files.count());
    }
  }

  @Test
  void laterCommandsWinWhereTheyOverlap() throws IOException {
    byte[] newDat = new byte[6 * BS];
    for (int i = 0; i < 6; i++) {
      Arrays.fill(newDat, i * BS, (i + 1) * BS, (byte) (i + 1));
    }
    // erase all 10; new 0-4 and 6-7 (in that new.dat order); zero 3-4 over new; block 9 untouched
    TransferList l = list("3\n6\n0\n0\nerase 2,0,10\nnew 4,6,7,0,5\nzero 2,3,5\n");
    try (SdatImage s = SdatImage.open(l, new ArrayByteSource(newDat, "n"), 10)) {
      byte[] got = readAll(s);
      // new.dat block 0 → image block 6; blocks 1..5 → image blocks 0..4, of which 3 and 4 are zeroed later
      int[] expected = {2, 3, 4, 0, 0, 0, 1, 0, 0, 0};
      for (int b = 0; b < 10; b++) {
        for (int k = 0; k < BS; k += 1000) {
          assertEquals(expected[b], got[b * BS + k], "block " + b);
        }
      }
    }
  }

  @Test
  void hostileTransferListsAreRefusedWithTheLine() {
    String[] bad = {
      "", "4\n", "x\n1\n", "4\n1\n0\n", "1\n2\nnew 2,0,1\n", "1\n1\nnew 3,0,1\n", "1\n1\nnew 2,1,1\n",
      "1\n1\nnew 2,0,a\n", "1\n1\nnew 0\n", "1\n1\nnew\n", "1\n1\nnew 2,0,1 extra\n", "1\n1\nfrobnicate 2,0,1\n",
      "1\n1\nnew 2,0,99999999999999\n", "1\n1\nnew 2,-1,1\n", "1\n1\nnew 9999999999999999999,0,1\n",
      "1\n1\nnew 2,0,,1\n"
    };
    for (String t : bad) {
      RomFormatException e = assertThrows(RomFormatException.class, () -> list(t), t);
      assertTrue(e.getMessage().startsWith("system.transfer.list: transfer list"), e.getMessage());
      assertFalse(e.isUnsupported(), t);
    }
    assertTrue(assertThrows(RomFormatException.class, () -> list("5\n1\n")).isUnsupported());
    for (String cmd : new String[] {"move", "bsdiff", "imgdiff", "stash", "free"}) {
      RomFormatException e = assertThrows(RomFormatException.class,
          () -> list("4\n0\n1\n2\n" + cmd + " 2,0,1 2,0,1\n"));
      assertTrue(e.isUnsupported());
      assertTrue(e.getMessage().contains("incremental OTA not supported"), e.getMessage());
      assertEquals(8, e.offset());
    }
  }

  @Test
  void newDataOfTheWrongSizeIsRefused() throws IOException {
    TransferList l = list("4\n2\n0\n0\nnew 2,0,2\n");
    assertThrows(RomFormatException.class, () -> SdatImage.open(l, new ArrayByteSource(new byte[BS], "n"), 0));
    assertThrows(RomFormatException.class, () -> SdatImage.open(l, new ArrayByteSource(new byte[2 * BS], "n"), 1));
    Path out = work.resolve("x.img");
    try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      assertThrows(RomFormatException.class, () -> SdatImage.extract(l,
          new ByteArrayInputStream(new byte[3 * BS]), "n", ch, 0));
    }
  }

  @Test
  void opListAndUpdaterScriptEdits() throws RomFormatException {
    String ops = "# Remove all existing dynamic partitions and groups before applying full OTA\r\n"
        + "remove_all_groups\r\nadd_group qti_dynamic_partitions 9122611200\r\n"
        + "add system qti_dynamic_partitions\r\nresize system 3221225472\r\nresize vendor 1073741824\r\n";
    String edited = DynamicPartitionsOpList.resize(ops, "system", 3300000768L, "op_list");
    assertEquals(ops.replace("resize system 3221225472", "resize system 3300000768"), edited);
    assertEquals(3300000768L, DynamicPartitionsOpList.size(edited, "system"));
    assertEquals(1073741824L, DynamicPartitionsOpList.size(edited, "vendor"));
    assertThrows(RomFormatException.class, () -> DynamicPartitionsOpList.resize(ops, "odm", 1, "op_list"));
    String script = "block_image_update(map_partition(\"system\"), package_extract_file(\"system.transfer.list\"), "
        + "\"system.new.dat.br\", \"system.patch.dat\") ||\n  abort(\"E1001: Failed to update system image.\");\n";
    assertTrue(UpdaterScript.useUncompressedNewData(script, "system", "updater-script")
        .contains("\"system.new.dat\", \"system.patch.dat\""));
    assertThrows(RomFormatException.class, () -> UpdaterScript.useUncompressedNewData(script, "vendor", "u"));
  }
}
