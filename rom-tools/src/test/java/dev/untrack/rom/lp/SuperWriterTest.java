package dev.untrack.rom.lp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.sparse.SparseImage;
import dev.untrack.rom.sparse.SparseWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.Test;

class SuperWriterTest {
  static final long MIB = 1 << 20;

  static ByteSource content(int size, long seed, String name) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return new ArrayByteSource(b, name);
  }

  static byte[] all(ByteSource s) throws IOException {
    return s.readFully(0, Math.toIntExact(s.size()));
  }

  static byte[] raw(SuperLayout layout) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    layout.writeRaw(out);
    return out.toByteArray();
  }

  /** A virtual A/B super of 24 MiB: system_a 5 MiB + a bit, vendor_a 3 MiB, empty _b partitions. */
  static SuperWriter sample() {
    return SuperWriter.create(24 * MIB, 65536, 3).virtualAb()
        .group("main_a", 20 * MIB).group("main_b", 20 * MIB)
        .addPartition("system_a", "main_a", LpFormat.PARTITION_ATTR_READONLY, content((int) (5 * MIB + 12345), 1, "system.img"))
        .addPartition("vendor_a", "main_a", LpFormat.PARTITION_ATTR_READONLY, content((int) (3 * MIB), 2, "vendor.img"))
        .addPartition("system_b", "main_b", LpFormat.PARTITION_ATTR_READONLY, 0, null)
        .addPartition("vendor_b", "main_b", LpFormat.PARTITION_ATTR_READONLY, 0, null);
  }

  @Test
  void newSuperReadsBack() throws IOException {
    SuperLayout layout = sample().layout();
    byte[] image = raw(layout);
    assertEquals(24 * MIB, image.length);
    SuperImage s = SuperImage.open(new ArrayByteSource(image, "super.img"));
    LpMetadata m = s.metadata();
    assertEquals(2, m.minorVersion());
    assertTrue(m.isVirtualAb());
    assertEquals(List.of("system_a", "vendor_a", "system_b", "vendor_b"),
        m.partitions().stream().map(LpPartition::name).toList());
    assertEquals(2048, m.superDevice().firstLogicalSector()); // 1 MiB: metadata area aligned up
    for (LpExtent e : m.extents()) {
      assertEquals(0, e.targetData() * 512 % MIB, "1 MiB alignment");
    }
    byte[] sys = all(s.partition("system_a"));
    assertEquals(5 * MIB + 12345 + (4096 - 12345 % 4096), sys.length);
    assertArrayEquals(all(content((int) (5 * MIB + 12345), 1, "")), Arrays.copyOf(sys, (int) (5 * MIB + 12345)));
    assertArrayEquals(all(content((int) (3 * MIB), 2, "")), all(s.partition("vendor_a")));
    assertEquals(0, s.partition("system_b").size());
    assertEquals(0, m.partition("system_b").orElseThrow().numExtents());
    // every slot and its backup hold the same metadata
    for (int slot = 0; slot < 3; slot++) {
      assertEquals(m, SuperImage.open(new ArrayByteSource(image, "super.img"), slot).metadata());
    }
    // the sparse output expands to the same bytes
    SeekableInMemoryByteChannel ch = new SeekableInMemoryByteChannel();
    layout.writeSparse(ch, SparseWriter.Options.DEFAULT);
    SparseImage sparse = SparseImage.open(new ArrayByteSource(Arrays.copyOf(ch.array(), (int) ch.size()), "super.simg"));
    assertArrayEquals(image, all(sparse));
    assertTrue(sparse.isDontCare(sparse.totalBlocks() - 1), "unused space stays don't care");
  }

  @Test
  void unchangedEditIsByteIdentical() throws IOException {
    byte[] image = raw(sample().layout());
    SuperImage s = SuperImage.open(new ArrayByteSource(image, "super.img"));
    SuperLayout again = SuperWriter.edit(s).layout();
    assertFalse(again.compacted());
    assertArrayEquals(image, raw(again));
  }

  @Test
  void growingKeepsOtherPartitionsInPlace() throws IOException {
    byte[] image = raw(sample().layout());
    SuperImage s = SuperImage.open(new ArrayByteSource(image, "super.img"));
    LpExtent vendorBefore = s.metadata().extentsOf(s.metadata().partition("vendor_a").orElseThrow()).get(0);
    ByteSource bigger = content((int) (7 * MIB), 3, "system-new.img");
    SuperLayout layout = SuperWriter.edit(s).replace("system_a", bigger).layout();
    byte[] out = raw(layout);
    SuperImage t = SuperImage.open(new ArrayByteSource(out, "new.img"));
    assertArrayEquals(all(bigger), all(t.partition("system_a")));
    assertArrayEquals(all(s.partition("vendor_a")), all(t.partition("vendor_a")));
    LpExtent vendorAfter = t.metadata().extentsOf(t.metadata().partition("vendor_a").orElseThrow()).get(0);
    assertEquals(vendorBefore, vendorAfter);
    long v = vendorBefore.targetData() * 512;
    assertArrayEquals(Arrays.copyOfRange(image, (int) v, (int) (v + 3 * MIB)), Arrays.copyOfRange(out, (int) v, (int) (v + 3 * MIB)));
    assertEquals(LpFormat.PARTITION_ATTR_READONLY, t.metadata().partition("system_a").orElseThrow().attributes());
    assertEquals("main_a", t.metadata().groupOf(t.metadata().partition("system_a").orElseThrow()).name());
  }

  @Test
  void compactsWhenFreeSpaceIsFragmented() throws IOException {
    byte[] image = raw(sample().layout());
    SuperImage s = SuperImage.open(new ArrayByteSource(image, "super.img"));
    // 24 MiB device, 1 MiB metadata, vendor stays at 7..10 MiB: a 15 MiB system fits only if everything moves
    ByteSource big = content((int) (15 * MIB), 4, "big.img");
    SuperLayout layout = SuperWriter.edit(s).group("main_a", 0).replace("system_a", big).layout();
    assertTrue(layout.compacted());
    SuperImage t = SuperImage.open(layout.asImage());
    assertArrayEquals(all(big), all(t.partition("system_a")));
    assertArrayEquals(all(s.partition("vendor_a")), all(t.partition("vendor_a")));
  }

  @Test
  void saysWhatDoesNotFit() throws IOException {
    SuperImage s = SuperImage.open(sampleImage());
    LpDoesNotFitException e = assertThrows(LpDoesNotFitException.class,
        () -> SuperWriter.edit(s).replace("system_a", content((int) (18 * MIB), 5, "x")).layout());
    LpDoesNotFitException.Shortfall group = e.shortfalls().get(0);
    assertEquals("group", group.kind());
    assertEquals("main_a", group.name());
    assertEquals(21 * MIB, group.needed());
    assertEquals(MIB, group.missing());
    assertTrue(e.getMessage().contains("group 'main_a' needs 22020096 bytes but has 20971520 (1048576 bytes missing)"),
        e.getMessage());

    LpDoesNotFitException d = assertThrows(LpDoesNotFitException.class,
        () -> SuperWriter.edit(s).group("main_a", 0).replace("system_a", content((int) (21 * MIB), 6, "x")).layout());
    LpDoesNotFitException.Shortfall dev = d.shortfalls().get(0);
    assertEquals("device", dev.kind());
    assertEquals("super", dev.name());
    // 21 MiB + 3 MiB vendor after the 1 MiB metadata area in a 24 MiB device
    assertEquals(MIB, dev.missing());
  }

  @Test
  void virtualAbKeepsSlotBEmpty() throws IOException {
    SuperImage s = SuperImage.open(sampleImage());
    assertThrows(IllegalArgumentException.class, () -> SuperWriter.edit(s).resize("system_b", MIB).layout());
  }

  static ByteSource sampleImage() throws IOException {
    return new ArrayByteSource(raw(sample().layout()), "super.img");
  }

  @Test
  void readerFallsBackToBackups() throws IOException {
    byte[] image = raw(sample().layout());
    byte[] broken = image.clone();
    broken[4096 + 41] ^= 1; // primary geometry
    broken[12288 + 300] ^= 1; // slot 0 primary metadata tables
    SuperImage s = SuperImage.open(new ArrayByteSource(broken, "super.img"));
    assertTrue(s.usedBackupGeometry());
    assertTrue(s.usedBackupMetadata());
    assertArrayEquals(all(SuperImage.open(new ArrayByteSource(image, "a")).partition("vendor_a")),
        all(s.partition("vendor_a")));
    byte[] worse = broken.clone();
    worse[8192 + 41] ^= 1;
    RomFormatException e = assertThrows(RomFormatException.class, () -> SuperImage.open(new ArrayByteSource(worse, "super.img")));
    assertTrue(e.getMessage().contains("geometry checksum"), e.getMessage());
  }

  @Test
  void readerRefusesHostileExtents() throws IOException {
    LpMetadata base = SuperImage.open(sampleImage()).metadata();
    // vendor_a moved onto system_a
    List<LpExtent> ext = List.of(LpExtent.linear(2048, 10240 + 8), LpExtent.linear(4096, 6144));
    assertHostile(withExtents(base, ext), "overlaps");
    assertHostile(withExtents(base, List.of(LpExtent.linear(2048, 10248), LpExtent.linear(48000, 6144))), "past the end of device");
    assertHostile(withExtents(base, List.of(LpExtent.linear(8, 10248), LpExtent.linear(20480, 6144))), "before the first logical sector");
  }

  static LpMetadata withExtents(LpMetadata m, List<LpExtent> extents) {
    return new LpMetadata(m.geometry(), m.majorVersion(), m.minorVersion(), m.headerFlags(), m.partitions(), extents,
        m.groups(), m.blockDevices());
  }

  static void assertHostile(LpMetadata m, String expect) {
    byte[] img = new byte[(int) (24 * MIB)];
    byte[] g = LpMetadataCodec.serializeGeometry(m.geometry());
    System.arraycopy(g, 0, img, 4096, g.length);
    System.arraycopy(g, 0, img, 8192, g.length);
    byte[] blob = LpMetadataCodec.serialize(m);
    for (int i = 0; i < 6; i++) {
      System.arraycopy(blob, 0, img, 12288 + i * 65536, blob.length);
    }
    RomFormatException e = assertThrows(RomFormatException.class, () -> SuperImage.open(new ArrayByteSource(img, "super.img")));
    assertTrue(e.getMessage().contains(expect), e.getMessage());
  }
}
