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
}
