package dev.untrack.rom.erofs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Lz4BlockTest {
  private static byte[] decode(byte[] in, int outLen) throws Lz4Block.MalformedException {
    byte[] out = new byte[outLen];
    Lz4Block.decode(in, 0, in.length, out, 0, outLen);
    return out;
  }

  @Test
  void literalsOnly() throws Exception {
    byte[] in = {0x50, 'h', 'e', 'l', 'l', 'o'};
    assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), decode(in, 5));
  }

  @Test
  void overlappingMatchRepeatsAPattern() throws Exception {
    // "ab" then a match of offset 2, length 4+6=10 -> "ab" * 6, then final literal "!"
    byte[] in = {0x26, 'a', 'b', 2, 0, 0x10, '!'};
    assertArrayEquals("abababababab!".getBytes(StandardCharsets.US_ASCII), decode(in, 13));
  }

  @Test
  void runOfOneByteAndLongLengths() throws Exception {
    // literal "x", match offset 1 length 4+15+255+3 = 277, then literal "y"
    byte[] in = {0x1F, 'x', 1, 0, (byte) 255, 3, 0x10, 'y'};
    byte[] expected = new byte[279];
    java.util.Arrays.fill(expected, 0, 278, (byte) 'x');
    expected[278] = 'y';
    assertArrayEquals(expected, decode(in, 279));
  }

  @Test
  void stopsWhenTheOutputIsFull() throws Exception {
    byte[] in = {0x26, 'a', 'b', 2, 0, 0x10, '!'};
    assertArrayEquals("ababa".getBytes(StandardCharsets.US_ASCII), decode(in, 5));
  }

  @Test
  void rejectsMatchesBeforeTheStartAndTruncatedInput() {
    assertThrows(Lz4Block.MalformedException.class, () -> decode(new byte[] {0x10, 'a', 5, 0, 0x00}, 10));
    assertThrows(Lz4Block.MalformedException.class, () -> decode(new byte[] {0x10, 'a', 0, 0}, 10));
    assertThrows(Lz4Block.MalformedException.class, () -> decode(new byte[] {0x50, 'a', 'b'}, 5));
    assertThrows(Lz4Block.MalformedException.class, () -> decode(new byte[] {(byte) 0xF0, (byte) 255}, 500));
    assertThrows(Lz4Block.MalformedException.class, () -> decode(new byte[] {0x10, 'a'}, 10));
  }

  /** A naive greedy LZ4 block encoder, enough to produce every sequence shape the decoder must handle. */
  static byte[] encode(byte[] in) {
    java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
    int[] table = new int[1 << 12];
    java.util.Arrays.fill(table, -1);
    int n = in.length;
    int ip = 0;
    int anchor = 0;
    while (ip + 12 < n) {
      int v = (in[ip] & 0xff) | (in[ip + 1] & 0xff) << 8 | (in[ip + 2] & 0xff) << 16 | (in[ip + 3] & 0xff) << 24;
      int h = (v * -1640531535) >>> 20;
      int ref = table[h];
      table[h] = ip;
      if (ref >= 0 && ip - ref <= 65535 && in[ref] == in[ip] && in[ref + 1] == in[ip + 1]
          && in[ref + 2] == in[ip + 2] && in[ref + 3] == in[ip + 3]) {
        int len = 4;
        while (ip + len < n - 5 && in[ref + len] == in[ip + len]) {
          len++;
        }
        sequence(o, in, anchor, ip - anchor, ip - ref, len);
        ip += len;
        anchor = ip;
      } else {
        ip++;
      }
    }
    sequence(o, in, anchor, n - anchor, 0, 0);
    return o.toByteArray();
  }

  private static void sequence(java.io.ByteArrayOutputStream o, byte[] in, int from, int lit, int offset, int len) {
    int ml = len == 0 ? 0 : len - 4;
    o.write(Math.min(lit, 15) << 4 | (len == 0 ? 0 : Math.min(ml, 15)));
    for (int r = lit - 15; r >= 0; r -= 255) {
      o.write(Math.min(r, 255));
      if (r < 255) {
        break;
      }
    }
    o.write(in, from, lit);
    if (len == 0) {
      return;
    }
    o.write(offset);
    o.write(offset >>> 8);
    for (int r = ml - 15; r >= 0; r -= 255) {
      o.write(Math.min(r, 255));
      if (r < 255) {
        break;
      }
    }
  }

  @Test
  void roundTripsEverySequenceShapeAndEveryPrefix() throws Exception {
    java.util.Random r = new java.util.Random(42);
    for (int round = 0; round < 200; round++) {
      byte[] data = new byte[1 + r.nextInt(20000)];
      int i = 0;
      while (i < data.length) {
        int kind = r.nextInt(4);
        int len = 1 + r.nextInt(kind == 3 ? 40 : 3000);
        int period = 1 + r.nextInt(kind == 0 ? 3 : 40);
        for (int k = 0; k < len && i < data.length; k++, i++) {
          data[i] = switch (kind) {
            case 0, 1 -> i >= period ? data[i - period] : (byte) r.nextInt();
            case 2 -> (byte) ("lorem ipsum dolor sit amet ".charAt((i / 3) % 27));
            default -> (byte) r.nextInt();
          };
        }
      }
      byte[] packed = encode(data);
      assertArrayEquals(data, decode(packed, data.length), "round " + round);
      int prefix = r.nextInt(data.length + 1);
      assertArrayEquals(java.util.Arrays.copyOf(data, prefix), decode(packed, prefix), "prefix, round " + round);
    }
  }
}
