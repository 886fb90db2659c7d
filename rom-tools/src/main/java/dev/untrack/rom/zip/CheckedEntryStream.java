package dev.untrack.rom.zip;

import dev.untrack.rom.RomFormatException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.ZipException;

/** Counts and checksums what an entry inflates to, and refuses anything that disagrees with its header. */
final class CheckedEntryStream extends FilterInputStream {
  private final ZipEntry entry;
  private final String where;
  private final long cap;
  private final CRC32 crc = new CRC32();
  private long count;
  private boolean verified;

  CheckedEntryStream(InputStream in, ZipEntry entry, String where, ZipLimits limits) {
    super(in);
    this.entry = entry;
    this.where = where;
    long ratioCap = Math.max(1L << 20, saturatingMultiply(entry.compressedSize(), limits.maxRatio()));
    this.cap = Math.min(limits.maxEntrySize(), ratioCap);
  }

  private static long saturatingMultiply(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    return hi != 0 || a * b < 0 ? Long.MAX_VALUE : a * b;
  }

  private RomFormatException fail(String detail) {
    return RomFormatException.corrupt(where, "zip", entry.dataOffset(), detail);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n;
    try {
      n = in.read(b, off, len);
    } catch (ZipException e) {
      throw fail("compressed data is corrupt: " + e.getMessage());
    } catch (java.io.EOFException e) {
      throw fail("compressed data ends early");
    }
    if (n < 0) {
      verify();
      return -1;
    }
    count += n;
    if (count > entry.size()) {
      throw fail("inflates past its declared size of " + entry.size() + " bytes");
    }
    if (count > cap) {
      throw fail("inflates to more than " + cap + " bytes (compression bomb?)");
    }
    crc.update(b, off, n);
    return n;
  }

  private void verify() throws RomFormatException {
    if (verified) {
      return;
    }
    verified = true;
    if (count != entry.size()) {
      throw fail("inflates to " + count + " bytes but declares " + entry.size());
    }
    if (crc.getValue() != entry.crc32()) {
      throw fail(String.format("CRC-32 mismatch: data has %08x, header says %08x", crc.getValue(), entry.crc32()));
    }
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[(int) Math.min(8192, Math.max(1, n))];
    long done = 0;
    while (done < n) {
      int r = read(buf, 0, (int) Math.min(buf.length, n - done));
      if (r < 0) {
        break;
      }
      done += r;
    }
    return done;
  }

  @Override
  public boolean markSupported() {
    return false;
  }
}
