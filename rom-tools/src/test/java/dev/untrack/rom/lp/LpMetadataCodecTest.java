package dev.untrack.rom.lp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.RomFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The binary layout checked field by field against metadata_format.h, independently of the codec's code. */
class LpMetadataCodecTest {
  static final LpGeometry GEOMETRY = new LpGeometry(65536, 2, 4096);

  static LpMetadata sample() {
    return new LpMetadata(GEOMETRY, 10, 2, LpFormat.HEADER_FLAG_VIRTUAL_AB_DEVICE,
        List.of(new LpPartition("system_a", LpFormat.PARTITION_ATTR_READONLY, 0, 1, 1),
            new LpPartition("system_b", LpFormat.PARTITION_ATTR_READONLY, 1, 0, 2)),
        List.of(LpExtent.linear(2048, 4096)),
        List.of(new LpGroup("default", 0, 0), new LpGroup("main_a", 0, 1L << 30), new LpGroup("main_b", 0, 1L << 30)),
        List.of(new LpBlockDevice(2048, 1 << 20, 0, 10L << 20, "super", 0)));
  }

  static byte[] sha256(byte[] b, int off, int len) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update(b, off, len);
    return md.digest();
  }

  static String name(byte[] b, int off) {
    int end = off;
    while (b[end] != 0) {
      end++;
    }
    for (int i = end; i < off + 36; i++) {
      assertEquals(0, b[i], "name padding must be zero");
    }
    return new String(b, off, end - off, StandardCharsets.US_ASCII);
  }

  @Test
  void headerV12GoldenFields() throws Exception {
    byte[] out = LpMetadataCodec.serialize(sample());
    ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    // magic "0PLA", version 10.2, header size 256
    assertEquals("30504c410a0002000001000050010000", HexFormat.of().formatHex(out, 0, 8) + HexFormat.of().formatHex(out, 8, 16)
        .substring(0, 8) + HexFormat.of().formatHex(out, 44, 48));
    assertEquals(0x414C5030, b.getInt(0));
    assertEquals(10, b.getShort(4));
    assertEquals(2, b.getShort(6));
    assertEquals(256, b.getInt(8));
    int tables = 2 * 52 + 24 + 3 * 48 + 64;
    assertEquals(tables, b.getInt(44));
    assertEquals(256 + tables, out.length);
    assertArrayEquals(sha256(out, 256, tables), Arrays.copyOfRange(out, 48, 80));
    byte[] header = Arrays.copyOf(out, 256);
    Arrays.fill(header, 12, 44, (byte) 0);
    assertArrayEquals(sha256(header, 0, 256), Arrays.copyOfRange(out, 12, 44));
    // table descriptors: offset (relative to the end of the header), count, entry size
    int[][] desc = {{0, 2, 52}, {104, 1, 24}, {128, 3, 48}, {272, 1, 64}};
    for (int i = 0; i < 4; i++) {
      assertEquals(desc[i][0], b.getInt(80 + 12 * i));
      assertEquals(desc[i][1], b.getInt(84 + 12 * i));
      assertEquals(desc[i][2], b.getInt(88 + 12 * i));
    }
    assertEquals(1, b.getInt(128));
    for (int i = 132; i < 256; i++) {
      assertEquals(0, out[i]);
    }
    // partitions
    assertEquals("system_a", name(out, 256));
    assertEquals(1, b.getInt(256 + 36));
    assertEquals(0, b.getInt(256 + 40));
    assertEquals(1, b.getInt(256 + 44));
    assertEquals(1, b.getInt(256 + 48));
    assertEquals("system_b", name(out, 256 + 52));
    assertEquals(0, b.getInt(256 + 52 + 44));
    // extent
    int e = 256 + 104;
    assertEquals(4096, b.getLong(e));
    assertEquals(0, b.getInt(e + 8));
    assertEquals(2048, b.getLong(e + 12));
    assertEquals(0, b.getInt(e + 20));
    // groups
    int g = 256 + 128;
    assertEquals("default", name(out, g));
    assertEquals("main_a", name(out, g + 48));
    assertEquals(0, b.getInt(g + 48 + 36));
    assertEquals(1L << 30, b.getLong(g + 48 + 40));
    // block device
    int d = 256 + 272;
    assertEquals(2048, b.getLong(d));
    assertEquals(1 << 20, b.getInt(d + 8));
    assertEquals(0, b.getInt(d + 12));
    assertEquals(10L << 20, b.getLong(d + 16));
    assertEquals("super", name(out, d + 24));
    assertEquals(0, b.getInt(d + 60));

    assertEquals(sample(), LpMetadataCodec.parse(GEOMETRY, out, "x", 0));
  }

  @Test
  void headerV10Is128Bytes() throws Exception {
    LpMetadata m = sample();
    LpMetadata v10 = new LpMetadata(m.geometry(), 10, 0, 0, m.partitions(), m.extents(), m.groups(), m.blockDevices());
    byte[] out = LpMetadataCodec.serialize(v10);
    ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(128, b.getInt(8));
    assertEquals("system_a", name(out, 128));
    byte[] header = Arrays.copyOf(out, 128);
    Arrays.fill(header, 12, 44, (byte) 0);
    assertArrayEquals(sha256(header, 0, 128), Arrays.copyOfRange(out, 12, 44));
    assertEquals(v10, LpMetadataCodec.parse(GEOMETRY, out, "x", 0));
  }

  @Test
  void geometryGoldenFields() throws Exception {
    byte[] g = LpMetadataCodec.serializeGeometry(GEOMETRY);
    assertEquals(4096, g.length);
    ByteBuffer b = ByteBuffer.wrap(g).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals("67446c6134000000", HexFormat.of().formatHex(g, 0, 8));
    assertEquals(65536, b.getInt(40));
    assertEquals(2, b.getInt(44));
    assertEquals(4096, b.getInt(48));
    byte[] s = Arrays.copyOf(g, 52);
    Arrays.fill(s, 8, 40, (byte) 0);
    assertArrayEquals(sha256(s, 0, 52), Arrays.copyOfRange(g, 8, 40));
    for (int i = 52; i < 4096; i++) {
      assertEquals(0, g[i]);
    }
    assertEquals(GEOMETRY, LpMetadataCodec.parseGeometry(g, "x", 4096));
  }

  @Test
  void refusesBrokenMetadata() {
    byte[] good = LpMetadataCodec.serialize(sample());
    assertRefused(flip(good, 300), "tables checksum");
    assertRefused(flip(good, 20), "header checksum");
    byte[] version = good.clone();
    version[6] = 3;
    RomFormatException e = assertThrows(RomFormatException.class, () -> LpMetadataCodec.parse(GEOMETRY, version, "x", 0));
    assertTrue(e.isUnsupported());
    // a group index out of range, re-signed so only the semantic check can catch it
    LpMetadata m = sample();
    assertRefused(LpMetadataCodec.serialize(new LpMetadata(m.geometry(), 10, 2, 1,
        List.of(new LpPartition("system_a", 1, 0, 1, 7)), m.extents(), m.groups(), m.blockDevices())), "names group 7");
    assertRefused(LpMetadataCodec.serialize(new LpMetadata(m.geometry(), 10, 2, 1,
        List.of(new LpPartition("system_a", 1, 0, 2, 1)), m.extents(), m.groups(), m.blockDevices())), "extent table");
    assertRefused(LpMetadataCodec.serialize(new LpMetadata(m.geometry(), 10, 0, 0,
        List.of(new LpPartition("system_a", LpFormat.PARTITION_ATTR_UPDATED, 0, 1, 1)), m.extents(), m.groups(),
        m.blockDevices())), "invalid attributes");
    assertRefused(LpMetadataCodec.serialize(new LpMetadata(m.geometry(), 10, 2, 1,
        List.of(new LpPartition("a", 1, 0, 1, 1), new LpPartition("b", 1, 0, 1, 1)), m.extents(), m.groups(),
        m.blockDevices())), "shares extent");
    assertRefused(LpMetadataCodec.serialize(new LpMetadata(m.geometry(), 10, 2, 1,
        List.of(new LpPartition("a", 1, 0, 1, 1), new LpPartition("a", 1, 1, 0, 1)), m.extents(), m.groups(),
        m.blockDevices())), "duplicate partition");
    assertRefused(LpMetadataCodec.serialize(new LpMetadata(m.geometry(), 10, 2, 1, m.partitions(),
        List.of(new LpExtent(1, 0, 2048, 5)), m.groups(), m.blockDevices())), "block device 5");
    assertRefused(LpMetadataCodec.serialize(new LpMetadata(m.geometry(), 10, 2, 1, m.partitions(), m.extents(),
        m.groups(), List.of(new LpBlockDevice(1, 1 << 20, 0, 10L << 20, "super", 0)))), "overlaps the first logical");
    assertRefused(Arrays.copyOf(good, 200), "truncated");
  }

  @Test
  void refusesBadNames() {
    LpMetadata m = sample();
    byte[] out = LpMetadataCodec.serialize(m);
    out[256 + 3] = '/';
    // re-sign tables and header so only the name check remains
    resign(out, 256);
    assertRefused(out, "name");
  }

  static void resign(byte[] out, int headerSize) {
    ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    try {
      System.arraycopy(sha256(out, headerSize, b.getInt(44)), 0, out, 48, 32);
      Arrays.fill(out, 12, 44, (byte) 0);
      System.arraycopy(sha256(out, 0, headerSize), 0, out, 12, 32);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static byte[] flip(byte[] b, int at) {
    byte[] c = b.clone();
    c[at] ^= 1;
    return c;
  }

  static void assertRefused(byte[] data, String expect) {
    RomFormatException e = assertThrows(RomFormatException.class, () -> LpMetadataCodec.parse(GEOMETRY, data, "super.img", 12288));
    assertTrue(e.getMessage().contains(expect), e.getMessage());
    assertTrue(e.getMessage().startsWith("super.img: LP metadata at offset"), e.getMessage());
  }
}
