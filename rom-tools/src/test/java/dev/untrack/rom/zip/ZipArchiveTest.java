package dev.untrack.rom.zip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ArrayByteSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

class ZipArchiveTest {

  static byte[] jdkZip(Object... nameThenContentThenStored) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (ZipOutputStream zo = new ZipOutputStream(bo)) {
      for (int i = 0; i < nameThenContentThenStored.length; i += 3) {
        String name = (String) nameThenContentThenStored[i];
        byte[] content = (byte[]) nameThenContentThenStored[i + 1];
        boolean stored = (Boolean) nameThenContentThenStored[i + 2];
        java.util.zip.ZipEntry e = new java.util.zip.ZipEntry(name);
        e.setTime(1_600_000_000_000L);
        if (stored) {
          e.setMethod(java.util.zip.ZipEntry.STORED);
          e.setSize(content.length);
          CRC32 crc = new CRC32();
          crc.update(content);
          e.setCrc(crc.getValue());
        }
        zo.putNextEntry(e);
        zo.write(content);
        zo.closeEntry();
      }
    }
    return bo.toByteArray();
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void readsEntriesAndContent() throws IOException {
    byte[] text = "hello hello hello hello".getBytes(StandardCharsets.UTF_8);
    byte[] zip = jdkZip("a.txt", text, false, "lib/x.so", random(5000, 1), true);
    try (ZipArchive z = ZipArchive.open(new ArrayByteSource(zip, "t.zip"))) {
      assertEquals(2, z.entries().size());
      assertArrayEquals(text, z.readAll(z.entry("a.txt").orElseThrow(), 1 << 20));
      assertTrue(z.entry("lib/x.so").orElseThrow().isStored());
      assertTrue(z.apkSigningBlock().isEmpty());
    }
  }

  @Test
  void copyingEveryEntryGivesTheSameBytes() throws IOException {
    byte[] zip = jdkZip("a", random(3000, 2), false, "b/", new byte[0], true, "c", random(10, 3), true);
    ZipArchive z = ZipArchive.open(new ArrayByteSource(zip, "t.zip"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipWriter w = new ZipWriter(out)) {
      for (ZipEntry e : z.entries()) {
        w.copy(z, e, 1);
      }
      w.finish(null, z.comment());
    }
    assertArrayEquals(zip, out.toByteArray());
  }

  @Test
  void replacingOneEntryKeepsTheOthersAndAlignsStoredData() throws IOException {
    byte[] zip = jdkZip("classes.dex", random(700, 4), false, "resources.arsc", random(333, 5), true,
        "lib/arm64-v8a/libx.so", random(9000, 6), true);
    ZipArchive z = ZipArchive.open(new ArrayByteSource(zip, "t.zip"));
    byte[] newDex = random(1001, 7);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipWriter w = new ZipWriter(out)) {
      w.replace(z.entry("classes.dex").orElseThrow(), newDex, 1);
      w.copy(z, z.entry("resources.arsc").orElseThrow(), 4);
      w.copy(z, z.entry("lib/arm64-v8a/libx.so").orElseThrow(), 4096);
      w.finish(null, null);
    }
    ZipArchive r = ZipArchive.open(new ArrayByteSource(out.toByteArray(), "out.zip"));
    assertArrayEquals(newDex, r.readAll(r.entry("classes.dex").orElseThrow(), 1 << 20));
    ZipEntry arsc = r.entry("resources.arsc").orElseThrow();
    ZipEntry so = r.entry("lib/arm64-v8a/libx.so").orElseThrow();
    assertEquals(0, arsc.dataOffset() % 4);
    assertEquals(0, so.dataOffset() % 4096);
    assertArrayEquals(z.readAll(z.entry("resources.arsc").orElseThrow(), 1 << 20), r.readAll(arsc, 1 << 20));
    assertArrayEquals(random(9000, 6), r.readAll(so, 1 << 20));
  }

  @Test
  void refusesPathTraversalNames() throws IOException {
    byte[] zip = jdkZip("../../etc/passwd", new byte[] {1}, true);
    RomFormatException e = assertThrows(RomFormatException.class,
        () -> ZipArchive.open(new ArrayByteSource(zip, "evil.apk")));
    assertTrue(e.getMessage().startsWith("evil.apk: zip at offset"), e.getMessage());
    assertTrue(e.getMessage().contains("path traversal"), e.getMessage());
  }

  @Test
  void refusesTruncatedFiles() throws IOException {
    byte[] zip = jdkZip("a", random(3000, 8), false);
    for (int cut : new int[] {0, 10, zip.length / 2, zip.length - 1}) {
      byte[] part = java.util.Arrays.copyOf(zip, cut);
      assertThrows(RomFormatException.class, () -> ZipArchive.open(new ArrayByteSource(part, "cut.zip")));
    }
  }

  @Test
  void refusesOverlappingEntries() throws IOException {
    byte[] zip = jdkZip("a", random(100, 9), true, "b", random(100, 10), true);
    ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    // Point the second central record at the first local header (same data twice: a bomb pattern).
    int cd = b.getInt(zip.length - 22 + 16);
    int secondRecord = cd + 46 + 1;
    b.putInt(secondRecord + 42, 0);
    // Names differ, so the local-name check fires first; either way it must be refused.
    assertThrows(RomFormatException.class, () -> ZipArchive.open(new ArrayByteSource(zip, "bomb.zip")));
  }

  @Test
  void detectsCorruptDataAndLyingSizes() throws IOException {
    byte[] content = new byte[100_000];
    byte[] zip = jdkZip("z", content, false);
    ZipArchive z = ZipArchive.open(new ArrayByteSource(zip, "t.zip"));
    ZipEntry e = z.entry("z").orElseThrow();
    // Lie about the size in the central directory: the content inflates past it.
    ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt((int) z.centralDirectoryOffset() + 24, 1000);
    ZipArchive liar = ZipArchive.open(new ArrayByteSource(zip, "liar.zip"));
    RomFormatException ex = assertThrows(RomFormatException.class, () -> {
      try (InputStream in = liar.open(liar.entry("z").orElseThrow())) {
        in.readAllBytes();
      }
    });
    assertTrue(ex.getMessage().contains("declared size"), ex.getMessage());
    assertEquals(e.dataOffset(), ex.offset());
  }
}
