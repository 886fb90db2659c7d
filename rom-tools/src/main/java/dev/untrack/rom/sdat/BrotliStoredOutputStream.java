package dev.untrack.rom.sdat;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a valid brotli stream (RFC 7932) made only of uncompressed meta-blocks: no compression, but any
 * brotli decoder — the recovery updater's included — reads it, so a rewritten {@code <part>.new.dat.br} needs
 * no change to {@code updater-script}. Maven Central has no pure-Java brotli encoder (org.brotli:dec decodes
 * only; brotli4j and jbrotli are JNI), so this is the honest option: the file is as large as the raw data
 * plus 4 bytes per MiB.
 */
public final class BrotliStoredOutputStream extends OutputStream {
  /** Meta-block payload size: 2^20, so MLEN-1 needs five nibbles and its top nibble is never zero. */
  private static final int META_BLOCK = 1 << 20;

  private final OutputStream out;
  private final byte[] buffer = new byte[META_BLOCK];
  private int filled;
  private boolean started;
  private boolean closed;

  public BrotliStoredOutputStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    while (len > 0) {
      int n = Math.min(len, buffer.length - filled);
      System.arraycopy(b, off, buffer, filled, n);
      filled += n;
      off += n;
      len -= n;
      if (filled == buffer.length) {
        emit();
      }
    }
  }

  /** Bits are packed least significant first. */
  private static final class Bits {
    long value;
    int count;

    void put(long v, int n) {
      value |= v << count;
      count += n;
    }

    byte[] toBytes() {
      int n = (count + 7) / 8;
      byte[] b = new byte[n];
      for (int i = 0; i < n; i++) {
        b[i] = (byte) (value >>> (8 * i));
      }
      return b;
    }
  }

  private Bits header() {
    Bits bits = new Bits();
    if (!started) {
      bits.put(0, 1); // WBITS = 16
      started = true;
    }
    return bits;
  }

  private void emit() throws IOException {
    if (filled == 0) {
      return;
    }
    long mlen1 = filled - 1;
    int nibbles = mlen1 < (1 << 16) ? 4 : mlen1 < (1 << 20) ? 5 : 6;
    Bits bits = header();
    bits.put(0, 1); // ISLAST
    bits.put(nibbles - 4, 2); // MNIBBLES
    bits.put(mlen1, 4 * nibbles); // MLEN - 1
    bits.put(1, 1); // ISUNCOMPRESSED; then zero padding to the byte boundary
    out.write(bits.toBytes());
    out.write(buffer, 0, filled);
    filled = 0;
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  /** Ends the stream with an empty last meta-block and closes the underlying stream. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    emit();
    Bits bits = header();
    bits.put(1, 1); // ISLAST
    bits.put(1, 1); // ISLASTEMPTY
    out.write(bits.toBytes());
    closed = true;
    out.close();
  }
}
