package dev.untrack.rom.ext4;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.untrack.rom.io.LittleEndian;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pure unit tests of the ext4 write helpers: checksums with known answers, extent tree shapes. */
class Ext4WritingTest {

  /** e2fsprogs' own csum.c self-test: this descriptor of group 0 under this UUID has crc16 0xd3a4. */
  @Test
  void gdtCsumMatchesTheE2fsprogsVector() {
    byte[] uuid = {0x4f, 0x25, (byte) 0xe8, (byte) 0xcf, (byte) 0xe7, (byte) 0x97, 0x48, 0x23, (byte) 0xbe,
        (byte) 0xfa, (byte) 0xa7, (byte) 0x88, 0x4b, (byte) 0xae, (byte) 0xec, (byte) 0xdb};
    byte[] d = new byte[32];
    LittleEndian.put32(d, 0, 124);
    LittleEndian.put32(d, 4, 125);
    LittleEndian.put32(d, 8, 126);
    Ext4Checksums.put16(d, 0x0C, 31119);
    Ext4Checksums.put16(d, 0x0E, 15701);
    Ext4Checksums.put16(d, 0x10, 2);
    int c = Crc16.update(0xffff, uuid, 0, 16);
    c = Crc16.update(c, new byte[4], 0, 4);
    c = Crc16.update(c, d, 0, 0x1E);
    assertEquals(0xd3a4, c);
  }

  @Test
  void extentTreesGrowLevelsAsNeeded() {
    assertEquals(0, Ext4ExtentWriter.nodesNeeded(4, 4096));
    assertEquals(2, Ext4ExtentWriter.nodesNeeded(341, 4096));
    assertEquals(4, Ext4ExtentWriter.nodesNeeded(4 * 340, 4096));
    assertEquals(6 + 1, Ext4ExtentWriter.nodesNeeded(5 * 340 + 1, 4096));
    List<long[]> runs = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      runs.add(new long[] {10_000 + 2L * i, 1});
    }
    List<long[]> extents = Ext4ExtentWriter.extents(runs);
    assertEquals(1000, extents.size());
    int n = Ext4ExtentWriter.nodesNeeded(extents.size(), 1024);
    List<Long> blocks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      blocks.add(500L + i);
    }
    Ext4ExtentWriter.Tree t = Ext4ExtentWriter.build(extents, blocks, 1024);
    assertEquals(2, LittleEndian.u16(t.iBlock(), 6), "1000 extents in 84-entry leaves need two levels");
    assertEquals(n, t.nodes().size());
    assertEquals(List.of(0L, 32768L, 65536L), List.of(Ext4ExtentWriter.extents(List.of(new long[] {7, 70000L}))
        .stream().mapToLong(e -> e[0]).boxed().toArray()));
  }
}
