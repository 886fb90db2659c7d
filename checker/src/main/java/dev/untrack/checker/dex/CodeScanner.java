package dev.untrack.checker.dex;

import dev.untrack.checker.CheckerException;
import java.util.BitSet;

/**
 * Walks class data and method code of a dex at the byte level, without building objects per instruction: the
 * fast pass that finds which methods invoke a method of interest or load a string of interest. Only those
 * methods are decoded and analysed further.
 */
public final class CodeScanner {
  /** Receives each method that has code. */
  @FunctionalInterface
  public interface MethodVisitor {
    void method(int methodIdx, int accessFlags, int codeOffset, boolean direct) throws CheckerException;
  }

  /** Receives the interesting instructions found in one method's code. */
  public interface InsnVisitor {
    void invoke(int insnOffset, int methodIdx) throws CheckerException;

    void constString(int insnOffset, int stringIdx) throws CheckerException;
  }

  /** Code units per opcode, 0 for payload-carrying nops which are sized separately. */
  private static final byte[] WIDTH = new byte[256];

  static {
    java.util.Arrays.fill(WIDTH, (byte) 1);
    int[][] w = {
      {0x02, 2}, {0x03, 3}, {0x05, 2}, {0x06, 3}, {0x08, 2}, {0x09, 3},
      {0x13, 2}, {0x14, 3}, {0x15, 2}, {0x16, 2}, {0x17, 3}, {0x18, 5}, {0x19, 2},
      {0x1a, 2}, {0x1b, 3}, {0x1c, 2}, {0x1f, 2}, {0x20, 2}, {0x22, 2}, {0x23, 2},
      {0x24, 3}, {0x25, 3}, {0x26, 3}, {0x29, 2}, {0x2a, 3}, {0x2b, 3}, {0x2c, 3},
      {0xfa, 4}, {0xfb, 4}, {0xfc, 3}, {0xfd, 3}, {0xfe, 2}, {0xff, 2}
    };
    for (int[] e : w) {
      WIDTH[e[0]] = (byte) e[1];
    }
    for (int op = 0x2d; op <= 0x3d; op++) {
      WIDTH[op] = 2; // cmp*, if-*
    }
    for (int op = 0x44; op <= 0x6d; op++) {
      WIDTH[op] = 2; // aget/aput, iget/iput, sget/sput
    }
    for (int op = 0x6e; op <= 0x78; op++) {
      WIDTH[op] = 3; // invoke-*, invoke-*/range (0x73 is unused, width irrelevant)
    }
    for (int op = 0x90; op <= 0xaf; op++) {
      WIDTH[op] = 2; // binop
    }
    for (int op = 0xd0; op <= 0xe2; op++) {
      WIDTH[op] = 2; // binop/lit16, binop/lit8
    }
  }

  private CodeScanner() {}

  /** Visits every method with code in class definition {@code classDef}. */
  public static void forEachMethod(DexImage d, int classDef, MethodVisitor v) throws CheckerException {
    int off = d.classDataOffset(classDef);
    if (off == 0) {
      return;
    }
    Uleb r = new Uleb(d, off);
    int sf = r.next();
    int inf = r.next();
    int dm = r.next();
    int vm = r.next();
    long total = (long) sf + inf + dm + vm;
    if (total > d.bytes().length) {
      throw d.corrupt(off, "class data claims " + total + " members, more than the file can hold");
    }
    for (long i = 0; i < (long) sf + inf; i++) {
      r.next();
      r.next();
    }
    methods(d, r, dm, true, v);
    methods(d, r, vm, false, v);
  }

  private static void methods(DexImage d, Uleb r, int n, boolean direct, MethodVisitor v) throws CheckerException {
    int idx = 0;
    for (int i = 0; i < n; i++) {
      int at = r.pos;
      idx += r.next();
      int access = r.next();
      int code = r.next();
      if (idx < 0 || idx >= d.methodCount()) {
        throw d.corrupt(at, "class data names method " + idx + ", out of range (" + d.methodCount() + ")");
      }
      if (code != 0) {
        v.method(idx, access, code, direct);
      }
    }
  }

  /** Number of code units in the method whose code item is at {@code codeOff}. */
  public static int insnsSize(DexImage d, int codeOff) throws CheckerException {
    int size = d.uoff(codeOff + 12, "instruction count");
    if ((long) codeOff + 16 + 2L * size > d.bytes().length) {
      throw d.corrupt(codeOff, "code of " + size + " units runs past the end of the file");
    }
    return size;
  }

  /** Scans one code item for invokes and string loads. */
  public static void scanCode(DexImage d, int codeOff, InsnVisitor v) throws CheckerException {
    byte[] b = d.bytes();
    int units = insnsSize(d, codeOff);
    int start = codeOff + 16;
    int end = start + 2 * units;
    int p = start;
    while (p < end) {
      int op = b[p] & 0xff;
      int len;
      if (op == 0x00) {
        len = payloadUnits(d, p, end);
      } else {
        len = WIDTH[op];
        if (p + 2 * len > end) {
          throw d.corrupt(p, "instruction 0x" + Integer.toHexString(op) + " runs past the end of its method");
        }
        if ((op >= 0x6e && op <= 0x72) || (op >= 0x74 && op <= 0x78)) {
          v.invoke(p, (b[p + 2] & 0xff) | (b[p + 3] & 0xff) << 8);
        } else if (op == 0x1a) {
          v.constString(p, (b[p + 2] & 0xff) | (b[p + 3] & 0xff) << 8);
        } else if (op == 0x1b) {
          int idx = (b[p + 2] & 0xff) | (b[p + 3] & 0xff) << 8 | (b[p + 4] & 0xff) << 16 | (b[p + 5] & 0xff) << 24;
          v.constString(p, idx);
        }
      }
      p += 2 * len;
    }
  }

  private static int payloadUnits(DexImage d, int p, int end) throws CheckerException {
    byte[] b = d.bytes();
    int ident = b[p + 1] & 0xff;
    long len;
    switch (ident) {
      case 0x00:
        return 1;
      case 0x01: { // packed-switch-payload: ident, size, first_key(2), targets(2*size)
        need(d, p, end, 4);
        int size = (b[p + 2] & 0xff) | (b[p + 3] & 0xff) << 8;
        len = 4L + 2L * size;
        break;
      }
      case 0x02: { // sparse-switch-payload: ident, size, keys(2*size), targets(2*size)
        need(d, p, end, 2);
        int size = (b[p + 2] & 0xff) | (b[p + 3] & 0xff) << 8;
        len = 2L + 4L * size;
        break;
      }
      case 0x03: { // fill-array-data-payload: ident, width, size(2), data
        need(d, p, end, 4);
        int width = (b[p + 2] & 0xff) | (b[p + 3] & 0xff) << 8;
        long size = ((b[p + 4] & 0xffL) | (b[p + 5] & 0xffL) << 8 | (b[p + 6] & 0xffL) << 16
            | (b[p + 7] & 0xffL) << 24);
        len = 4L + (width * size + 1) / 2;
        break;
      }
      default:
        return 1; // a nop with a stray high byte; treat as a plain nop
    }
    if (p + 2 * len > end) {
      throw d.corrupt(p, "payload of " + len + " code units runs past the end of its method");
    }
    return (int) len;
  }

  private static void need(DexImage d, int p, int end, int units) throws CheckerException {
    if (p + 2 * units > end) {
      throw d.corrupt(p, "truncated payload");
    }
  }

  /** Reads uleb128 values with bounds checks. */
  static final class Uleb {
    private final DexImage d;
    int pos;

    Uleb(DexImage d, int pos) {
      this.d = d;
      this.pos = pos;
    }

    int next() throws CheckerException {
      byte[] b = d.bytes();
      int result = 0;
      for (int shift = 0; shift < 35; shift += 7) {
        if (pos >= b.length) {
          throw d.corrupt(pos, "uleb128 value runs past the end of the file");
        }
        int x = b[pos++] & 0xff;
        result |= (x & 0x7f) << shift;
        if ((x & 0x80) == 0) {
          if (result < 0) {
            throw d.corrupt(pos, "uleb128 value out of range");
          }
          return result;
        }
      }
      throw d.corrupt(pos, "uleb128 value longer than 5 bytes");
    }
  }
}
