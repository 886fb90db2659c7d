package dev.untrack.rom.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.untrack.rom.io.ArrayByteSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RegionImageTest {

  @Test
  void everyReadMatchesTheFlatImage() throws IOException {
    Random r = new Random(7);
    byte[] a = new byte[10_001];
    r.nextBytes(a);
    byte[] b = new byte[333];
    r.nextBytes(b);
    long size = 70_000;
    RegionImage img = new RegionImage(List.of(
        ImageRegion.data(5, new ArrayByteSource(a, "a")),
        ImageRegion.fill(20_003, 9_000, 0x01020304),
        ImageRegion.dontCare(30_000, 4096),
        ImageRegion.data(40_000, new ArrayByteSource(b, "b"))), size, "img");

    byte[] flat = new byte[(int) size];
    System.arraycopy(a, 0, flat, 5, a.length);
    for (int i = 20_003; i < 29_003; i++) {
      flat[i] = (byte) (0x01020304 >>> (8 * (i & 3)));
    }
    System.arraycopy(b, 0, flat, 40_000, b.length);

    for (int round = 0; round < 2000; round++) {
      int pos = r.nextInt((int) size + 10);
      int len = r.nextInt(round % 10 == 0 ? 70_000 : 5000);
      int pad = r.nextInt(8);
      ByteBuffer dst = ByteBuffer.allocate(len + pad);
      dst.position(pad);
      int n = img.read(pos, dst);
      if (pos >= size) {
        assertEquals(-1, n);
        continue;
      }
      int want = (int) Math.min(len, size - pos);
      assertEquals(want, n, "read at " + pos);
      assertEquals(pad + want, dst.position());
      assertEquals(len + pad, dst.limit());
      assertArrayEquals(Arrays.copyOfRange(flat, pos, pos + want), Arrays.copyOfRange(dst.array(), pad, pad + want),
          "read at " + pos + " of " + len);
    }
  }
}
