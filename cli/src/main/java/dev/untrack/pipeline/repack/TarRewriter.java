package dev.untrack.pipeline.repack;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ByteSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Rewrites a tar (or tgz) in one sequential pass: every entry not replaced is copied as its raw bytes (extended
 * headers, header, data, padding), so names, modes, owners and mtimes stay exactly as they were; a replaced
 * entry keeps its headers with only the size field (and checksum) changed, followed by the new data. The gzip
 * output has no name and mtime 0 in its header, so the same input gives the same bytes; it is deflated on a
 * second thread ({@link PipedDeflate}).
 */
final class TarRewriter {
  private static final int BLOCK = 512;
  private static final int MAX_EXTENDED = 1 << 20;

  private TarRewriter() {}

  /**
   * @param pathOf maps an archive name to the package path replacements are keyed by
   * @return the number of entries replaced
   */
  static int rewrite(ByteSource source, boolean gzip, Map<String, Replacement> replaced, Function<String, String> pathOf,
      OutputStream target) throws IOException {
    int count = 0;
    try (InputStream raw = source.openStream();
        InputStream in = gzip
            ? GzipCompressorInputStream.builder().setInputStream(raw).setDecompressConcatenated(true).get()
            : raw) {
      PipedDeflate deflate = gzip ? new PipedDeflate(target) : null;
      OutputStream out = gzip ? deflate : target;
      try {
        java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
        String longName = null;
        String paxPath = null;
        boolean paxSize = false;
        byte[] h = new byte[BLOCK];
        while (true) {
          if (in.readNBytes(h, 0, BLOCK) < BLOCK) {
            throw RomFormatException.corrupt(source.name(), "tar", RomFormatException.NO_OFFSET,
                "archive ends inside a header (truncated?)");
          }
          if (isZero(h)) {
            out.write(pending.toByteArray());
            out.write(h);
            in.transferTo(out); // the end-of-archive blocks and any padding, as they were
            break;
          }
          char type = (char) h[156];
          long size = parseNumber(h, 124, 12, source.name());
          long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
          if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
            if (padded > MAX_EXTENDED) {
              throw RomFormatException.unsupported(source.name(), "tar", RomFormatException.NO_OFFSET,
                  "extended header of " + size + " bytes");
            }
            byte[] data = in.readNBytes((int) padded);
            pending.write(h);
            pending.write(data);
            String text = new String(data, 0, (int) Math.min(size, data.length), StandardCharsets.UTF_8);
            if (type == 'L') {
              longName = text.indexOf('\0') >= 0 ? text.substring(0, text.indexOf('\0')) : text;
            } else if (type == 'x') {
              for (String rec : text.split("\n")) {
                int sp = rec.indexOf(' ');
                String kv = sp < 0 ? rec : rec.substring(sp + 1);
                if (kv.startsWith("path=")) {
                  paxPath = kv.substring(5);
                } else if (kv.startsWith("size=")) {
                  paxSize = true;
                }
              }
            }
            continue;
          }
          String name = paxPath != null ? paxPath : longName != null ? longName : ustarName(h);
          String path = pathOf.apply(name);
          Replacement rep = (type == '0' || type == '\0' || type == '7') ? replaced.get(path) : null;
          if (rep == null) {
            out.write(pending.toByteArray());
            out.write(h);
            copyExactly(in, out, padded, source.name());
          } else {
            if (paxSize) {
              throw RomFormatException.unsupported(source.name(), "tar", RomFormatException.NO_OFFSET,
                  name + " has its size in a pax header; rewriting that is not supported");
            }
            long newSize = rep.size();
            setSize(h, newSize);
            out.write(pending.toByteArray());
            out.write(h);
            if (rep.plan() != null) {
              if (rep.plan().writeTo(rep.image(), out) != newSize) {
                throw new IllegalStateException(path + ": sparse image written with another size than planned");
              }
            } else {
              try (ByteSource s = rep.open(path); InputStream data = s.openStream()) {
                long n = data.transferTo(out);
                if (n != newSize) {
                  throw new IOException(path + ": replacement changed size while being copied");
                }
              }
            }
            out.write(new byte[(int) ((BLOCK - newSize % BLOCK) % BLOCK)]);
            in.skipNBytes(padded);
            count++;
          }
          pending.reset();
          longName = null;
          paxPath = null;
          paxSize = false;
        }
        if (deflate != null) {
          deflate.finish();
        }
        out.flush();
      } finally {
        if (deflate != null) {
          deflate.close();
        }
      }
    }
    return count;
  }

  private static String ustarName(byte[] h) {
    String name = cString(h, 0, 100);
    if (new String(h, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
      String prefix = cString(h, 345, 155);
      if (!prefix.isEmpty()) {
        return prefix + "/" + name;
      }
    }
    return name;
  }

  private static String cString(byte[] h, int off, int len) {
    int end = off;
    while (end < off + len && h[end] != 0) {
      end++;
    }
    return new String(h, off, end - off, StandardCharsets.UTF_8);
  }

  static long parseNumber(byte[] h, int off, int len, String file) throws RomFormatException {
    if ((h[off] & 0x80) != 0) { // GNU base-256
      long v = 0;
      for (int i = off + 1; i < off + len; i++) {
        v = (v << 8) | (h[i] & 0xff);
      }
      return v;
    }
    int i = off;
    int end = off + len;
    while (i < end && (h[i] == ' ' || h[i] == 0)) {
      i++;
    }
    long v = 0;
    for (; i < end && h[i] != 0 && h[i] != ' '; i++) {
      if (h[i] < '0' || h[i] > '7') {
        throw RomFormatException.corrupt(file, "tar", RomFormatException.NO_OFFSET, "bad number in a tar header");
      }
      v = (v << 3) | (h[i] - '0');
    }
    return v;
  }

  /** Octal when it fits in 11 digits, GNU base-256 beyond 8 GiB; then the header checksum again. */
  static void setSize(byte[] h, long size) {
    if (size < (1L << 33)) {
      byte[] oct = String.format("%011o", size).getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(oct, 0, h, 124, 11);
      h[135] = 0;
    } else {
      h[124] = (byte) 0x80;
      for (int i = 0; i < 11; i++) {
        h[135 - i] = (byte) (size >>> (8 * i));
      }
    }
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    byte[] chk = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(chk, 0, h, 148, 6);
    h[154] = 0;
    h[155] = ' ';
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static void copyExactly(InputStream in, OutputStream out, long n, String file) throws IOException {
    byte[] buf = new byte[1 << 16];
    long left = n;
    while (left > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (r < 0) {
        throw RomFormatException.corrupt(file, "tar", RomFormatException.NO_OFFSET, "archive ends early (truncated?)");
      }
      out.write(buf, 0, r);
      left -= r;
    }
  }
}
