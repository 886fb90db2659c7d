package dev.untrack.rom.payload;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ByteSource;
import io.airlift.compress.MalformedInputException;
import io.airlift.compress.zstd.ZstdDecompressor;
import io.airlift.compress.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Turns one full-payload operation into the bytes of its destination extents (in extent order), after
 * checking the blob's SHA-256. Small operations (all that AOSP generators emit: 2 MiB chunks) are decoded
 * into one buffer; larger ones are streamed so memory stays bounded whatever the payload says.
 */
final class OperationDecoder {
  /** Operations whose output is at most this are decoded in memory (and may be cached). */
  static final int IN_MEMORY_LIMIT = 16 << 20;
  /** xz dictionaries beyond this are refused (AOSP uses at most 8 MiB). */
  private static final int XZ_MEMORY_LIMIT_KIB = 128 << 10;

  /** Streamed zstd frames may ask for a window this large; AOSP chunks are 2 MiB. */
  private static final long ZSTD_WINDOW_LIMIT = 256L << 20;

  private final ByteSource payload;
  private final long blobOffset;
  private final int blockSize;

  OperationDecoder(ByteSource payload, long blobOffset, int blockSize) {
    this.payload = payload;
    this.blobOffset = blobOffset;
    this.blockSize = blockSize;
  }

  long outputSize(InstallOperation op) {
    return op.dstBlocks() * blockSize;
  }

  private RomFormatException corrupt(InstallOperation op, String partition, int index, String detail) {
    return RomFormatException.corrupt(payload.name(), "payload", blobOffset + op.dataOffset(),
        "partition '" + partition + "' operation " + index + " (" + op.type() + "): " + detail);
  }

  /** Decodes an operation whose output is at most {@link #IN_MEMORY_LIMIT} bytes. */
  byte[] decode(InstallOperation op, String partition, int index) throws IOException {
    int outLen = Math.toIntExact(outputSize(op));
    byte[] out = new byte[outLen];
    switch (op.type()) {
      case ZERO, DISCARD -> {
        return out;
      }
      default -> {}
    }
    if (op.dataLength() > outLen + (1L << 20) && op.type() != OperationType.REPLACE) {
      throw corrupt(op, partition, index, "blob of " + op.dataLength() + " bytes for " + outLen
          + " bytes of output is implausible");
    }
    if (op.dataLength() > Integer.MAX_VALUE - 16) {
      throw corrupt(op, partition, index, "blob too large");
    }
    byte[] blob = payload.readFully(blobOffset + op.dataOffset(), (int) op.dataLength());
    checkHash(op, partition, index, sha256(blob));
    try {
      switch (op.type()) {
        case REPLACE -> {
          if (blob.length > outLen) {
            throw corrupt(op, partition, index,
                blob.length + " bytes of data for " + outLen + " bytes of destination extents");
          }
          System.arraycopy(blob, 0, out, 0, blob.length);
        }
        case REPLACE_ZSTD -> {
          int n;
          try {
            n = new ZstdDecompressor().decompress(blob, 0, blob.length, out, 0, outLen);
          } catch (MalformedInputException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw corrupt(op, partition, index, "bad zstd data: " + e.getMessage());
          }
          if (n > outLen) {
            throw corrupt(op, partition, index, "zstd data decodes past the destination extents");
          }
        }
        default -> {
          try (InputStream in = decompressing(op, new java.io.ByteArrayInputStream(blob))) {
            fill(op, partition, index, in, out);
          }
        }
      }
    } catch (RomFormatException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw corrupt(op, partition, index, "cannot decompress: " + e, e);
    }
    return out;
  }

  private RomFormatException corrupt(InstallOperation op, String partition, int index, String detail, Throwable c) {
    return RomFormatException.corrupt(payload.name(), "payload", blobOffset + op.dataOffset(),
        "partition '" + partition + "' operation " + index + " (" + op.type() + "): " + detail, c);
  }

  private void fill(InstallOperation op, String partition, int index, InputStream in, byte[] out)
      throws IOException {
    int pos = 0;
    while (pos < out.length) {
      int n = in.read(out, pos, out.length - pos);
      if (n < 0) {
        return; // short output is zero-padded, as update_engine pads to the block size
      }
      pos += n;
    }
    if (in.read() >= 0) {
      throw corrupt(op, partition, index, "data decodes to more than the " + out.length
          + " bytes of its destination extents");
    }
  }

  /**
   * A stream of exactly {@link #outputSize} bytes for any operation size. The blob hash is checked in a first
   * sequential pass, before anything is decompressed.
   */
  InputStream open(InstallOperation op, String partition, int index) throws IOException {
    long outLen = outputSize(op);
    if (op.type() == OperationType.ZERO || op.type() == OperationType.DISCARD) {
      return new ZeroPaddedStream(InputStream.nullInputStream(), outLen, () -> {
        throw new IllegalStateException();
      });
    }
    checkHash(op, partition, index, hashRange(blobOffset + op.dataOffset(), op.dataLength()));
    if (op.type() == OperationType.REPLACE_ZSTD) {
      long window = zstdWindow(payload.readFully(blobOffset + op.dataOffset(), (int) Math.min(18, op.dataLength())));
      if (window > ZSTD_WINDOW_LIMIT) {
        throw RomFormatException.unsupported(payload.name(), "payload", blobOffset + op.dataOffset(),
            "partition '" + partition + "' operation " + index + ": zstd window of " + window
                + " bytes exceeds the " + ZSTD_WINDOW_LIMIT + "-byte limit");
      }
    }
    InputStream raw = payload.openStream(blobOffset + op.dataOffset(), op.dataLength());
    InputStream in;
    try {
      in = op.type() == OperationType.REPLACE ? raw : decompressing(op, raw);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw corrupt(op, partition, index, "cannot decompress: " + e, e);
    }
    return new ZeroPaddedStream(in, outLen,
        () -> corrupt(op, partition, index, "data decodes to more than its destination extents"));
  }

  /** The window size the first zstd frame declares (RFC 8878 §3.1.1.1), or 0 if it cannot tell. */
  static long zstdWindow(byte[] h) {
    if (h.length < 6 || (h[0] & 0xff) != 0x28 || (h[1] & 0xff) != 0xb5 || (h[2] & 0xff) != 0x2f
        || (h[3] & 0xff) != 0xfd) {
      return 0;
    }
    int fhd = h[4] & 0xff;
    boolean single = (fhd & 0x20) != 0;
    if (!single) {
      int wd = h[5] & 0xff;
      long base = 1L << (10 + (wd >> 3));
      return base + (base / 8) * (wd & 7);
    }
    int dictBytes = new int[] {0, 1, 2, 4}[fhd & 3];
    int fcsBytes = new int[] {1, 2, 4, 8}[fhd >> 6];
    int at = 5 + dictBytes;
    if (h.length < at + fcsBytes) {
      return 0;
    }
    long fcs = 0;
    for (int i = fcsBytes - 1; i >= 0; i--) {
      fcs = (fcs << 8) | (h[at + i] & 0xff);
    }
    return fcsBytes == 2 ? fcs + 256 : fcs < 0 ? Long.MAX_VALUE : fcs;
  }

  private InputStream decompressing(InstallOperation op, InputStream raw) throws IOException {
    return switch (op.type()) {
      case REPLACE_BZ -> new BZip2CompressorInputStream(raw, true);
      case REPLACE_XZ -> new XZInputStream(raw, XZ_MEMORY_LIMIT_KIB);
      case REPLACE_ZSTD -> new ZstdInputStream(raw);
      default -> throw new IllegalStateException(op.type().toString());
    };
  }

  private void checkHash(InstallOperation op, String partition, int index, byte[] actual) throws IOException {
    byte[] expected = op.dataSha256();
    if (expected != null && expected.length > 0 && !MessageDigest.isEqual(expected, actual)) {
      throw corrupt(op, partition, index, "data SHA-256 mismatch (expected " + hex(expected) + ", found "
          + hex(actual) + ")");
    }
  }

  private byte[] hashRange(long offset, long length) throws IOException {
    MessageDigest md = sha256();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = payload.openStream(offset, length)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return md.digest();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] sha256(byte[] data) {
    return sha256().digest(data);
  }

  static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length * 2);
    for (byte x : b) {
      sb.append(Character.forDigit((x >> 4) & 15, 16)).append(Character.forDigit(x & 15, 16));
    }
    return sb.toString();
  }

  /** Pads a decoder's output with zeros to the extent size, and refuses output beyond it. */
  private static final class ZeroPaddedStream extends InputStream {
    interface Overflow {
      IOException error();
    }

    private final InputStream in;
    private final long length;
    private final Overflow overflow;
    private long pos;
    private boolean inputDone;

    ZeroPaddedStream(InputStream in, long length, Overflow overflow) {
      this.in = in;
      this.length = length;
      this.overflow = overflow;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (pos >= length) {
        if (!inputDone) {
          inputDone = true;
          try {
            if (in.read() >= 0) {
              throw overflow.error();
            }
          } catch (RomFormatException e) {
            throw e;
          } catch (IOException | RuntimeException e) {
            throw new java.io.IOException("decompression failed: " + e, e);
          }
        }
        return -1;
      }
      int want = (int) Math.min(len, length - pos);
      int n;
      if (inputDone) {
        n = -1;
      } else {
        try {
          n = in.read(b, off, want);
        } catch (RuntimeException e) {
          throw new IOException("decompression failed: " + e, e);
        }
      }
      if (n < 0) {
        inputDone = true;
        Arrays.fill(b, off, off + want, (byte) 0);
        n = want;
      }
      pos += n;
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
