package dev.untrack.rom.sparse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class Crc32MathTest {
  static long crc(byte[] b, int off, int len) {
    CRC32 c = new CRC32();
    c.update(b, off, len);
    return c.getValue();
  }

  @Test
  void agreesWithJdkCrc32() {
    Random r = new Random(1);
    for (int t = 0; t < 200; t++) {
      byte[] b = new byte[r.nextInt(5000)];
      r.nextBytes(b);
      int cut = b.length == 0 ? 0 : r.nextInt(b.length);
      assertEquals(crc(b, 0, b.length), Crc32Math.combine(crc(b, 0, cut), crc(b, cut, b.length - cut), b.length - cut));
    }
    for (int n : new int[] {0, 1, 2, 3, 100, 4096, 65537}) {
      assertEquals(crc(new byte[n], 0, n), Crc32Math.zeros(n), "zeros " + n);
    }
    byte[] unit = {1, 2, 3, 4, 5};
    byte[] rep = new byte[unit.length * 37];
    for (int i = 0; i < 37; i++) {
      System.arraycopy(unit, 0, rep, i * unit.length, unit.length);
    }
    assertEquals(crc(rep, 0, rep.length), Crc32Math.repeat(crc(unit, 0, unit.length), unit.length, 37));
    // a terabyte of zeros costs microseconds
    long t0 = System.nanoTime();
    Crc32Math.zeros(1L << 40);
    assertEquals(true, System.nanoTime() - t0 < 2_000_000_000L);
    assertEquals(crc(new byte[0], 0, 0), Crc32Math.repeat(123, 4, 0));
  }
}
