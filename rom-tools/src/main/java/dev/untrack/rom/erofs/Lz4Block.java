package dev.untrack.rom.erofs;

/**
 * LZ4 block-format decoder with the fixed-output ("partial") semantics EROFS needs: decoding stops as soon as
 * the requested number of bytes has been produced, wherever that falls in the stream, because a pcluster may
 * be followed by padding or hold more than the extent refers to. lz4hc output is the same format.
 */
public final class Lz4Block {
  /** Moves 8 bytes at once; native order, since bytes are copied, never interpreted. */
  private static final java.lang.invoke.VarHandle LONG =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.nativeOrder());

  private Lz4Block() {}

  /** Thrown for malformed input; callers turn it into a located {@code RomFormatException}. */
  public static final class MalformedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int inputOffset;

    MalformedException(String message, int inputOffset) {
      super(message + " at input byte " + inputOffset);
      this.inputOffset = inputOffset;
    }

    public int inputOffset() {
      return inputOffset;
    }
  }

  /**
   * Decodes {@code src[srcOff, srcOff + srcLen)} into exactly {@code dstLen} bytes at {@code dst[dstOff]}.
   *
   * @throws MalformedException if the input ends first, or a match reaches before the output start
   */
  public static void decode(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int dstLen)
      throws MalformedException {
    int ip = srcOff;
    final int ipEnd = srcOff + srcLen;
    int op = dstOff;
    final int opEnd = dstOff + dstLen;
    while (op < opEnd) {
      if (ip >= ipEnd) {
        throw new MalformedException("LZ4 input ends after " + (op - dstOff) + " of " + dstLen + " bytes",
            ip - srcOff);
      }
      int token = src[ip++] & 0xff;
      int litLen = token >>> 4;
      if (litLen == 15) {
        int b;
        do {
          if (ip >= ipEnd) {
            throw new MalformedException("truncated literal length", ip - srcOff);
          }
          b = src[ip++] & 0xff;
          litLen += b;
          if (litLen > (1 << 30)) {
            throw new MalformedException("absurd literal length", ip - srcOff);
          }
        } while (b == 255);
      }
      if (litLen > 0) {
        int n = Math.min(litLen, opEnd - op);
        if (n > ipEnd - ip) {
          throw new MalformedException("literals run past the input", ip - srcOff);
        }
        if (n <= 16 && ip + 16 <= ipEnd && op + 16 <= opEnd) {
          // short literals: two 8-byte moves; bytes past n are rewritten by the next sequence
          LONG.set(dst, op, (long) LONG.get(src, ip));
          LONG.set(dst, op + 8, (long) LONG.get(src, ip + 8));
        } else if (n <= 16) {
          for (int k = 0; k < n; k++) {
            dst[op + k] = src[ip + k];
          }
        } else {
          System.arraycopy(src, ip, dst, op, n);
        }
        ip += n;
        op += n;
        if (op >= opEnd) {
          return;
        }
      }
      if (ip + 2 > ipEnd) {
        throw new MalformedException("LZ4 input ends after " + (op - dstOff) + " of " + dstLen + " bytes",
            ip - srcOff);
      }
      int offset = (src[ip] & 0xff) | (src[ip + 1] & 0xff) << 8;
      ip += 2;
      if (offset == 0 || offset > op - dstOff) {
        throw new MalformedException("match offset " + offset + " reaches before the output start",
            ip - 2 - srcOff);
      }
      int matchLen = token & 15;
      if (matchLen == 15) {
        int b;
        do {
          if (ip >= ipEnd) {
            throw new MalformedException("truncated match length", ip - srcOff);
          }
          b = src[ip++] & 0xff;
          matchLen += b;
          if (matchLen > (1 << 30)) {
            throw new MalformedException("absurd match length", ip - srcOff);
          }
        } while (b == 255);
      }
      matchLen += 4;
      int n = Math.min(matchLen, opEnd - op);
      int from = op - offset;
      if (n <= 32 && offset >= 8 && op + 40 <= opEnd) {
        // short match, 8 bytes at a time: with offset >= 8 every read lies in bytes already written, and bytes
        // written past n are rewritten by the next sequence
        for (int k = 0; k < n; k += 8) {
          LONG.set(dst, op + k, (long) LONG.get(dst, from + k));
        }
        op += n;
      } else if (offset >= n) {
        if (n <= 32) {
          for (int k = 0; k < n; k++) {
            dst[op + k] = dst[from + k];
          }
        } else {
          System.arraycopy(dst, from, dst, op, n);
        }
        op += n;
      } else if (offset == 1) {
        java.util.Arrays.fill(dst, op, op + n, dst[from]);
        op += n;
      } else {
        // overlapping copy: the pattern repeats every `offset` bytes, so copy in growing chunks
        int end = op + n;
        while (op < end) {
          int chunk = Math.min(op - from, end - op);
          System.arraycopy(dst, from, dst, op, chunk);
          op += chunk;
        }
      }
    }
  }
}
