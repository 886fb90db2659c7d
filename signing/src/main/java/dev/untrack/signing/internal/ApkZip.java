package dev.untrack.signing.internal;

import dev.untrack.signing.SigningException;
import dev.untrack.signing.SigningException.Kind;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The parts of an APK's zip structure the signing module needs: central directory, local header data offsets,
 * small entries' contents, and where the APK Signing Block sits. Reads through a file channel; nothing is held
 * in memory beyond the central directory. Every length and offset is bounds-checked; anything out of place is a
 * {@link SigningException} with the offset.
 */
public final class ApkZip implements Closeable {
  private static final int EOCD_SIG = 0x06054b50;
  private static final int CD_SIG = 0x02014b50;
  private static final int LFH_SIG = 0x04034b50;
  private static final int EOCD_MIN = 22;
  private static final long MAX_CD_SIZE = 64L << 20;
  private static final byte[] APK_SIG_BLOCK_MAGIC = "APK Sig Block 42".getBytes(StandardCharsets.US_ASCII);
  /** A signing block larger than this is not something apksig or Android would write. */
  private static final long MAX_SIGNING_BLOCK = 64L << 20;

  /** One central directory record. */
  public record Entry(String name, int method, int flags, long compressedSize, long size, long localHeaderOffset,
      int localExtraLengthHint) {
    public boolean stored() {
      return method == 0;
    }
  }

  private final String source;
  private final FileChannel channel;
  private final long size;
  private final long cdOffset;
  private final long cdSize;
  private final long eocdOffset;
  private final int commentLength;
  private final List<Entry> entries;
  private final Map<String, Entry> byName;

  private ApkZip(String source, FileChannel channel) throws IOException {
    this.source = source;
    this.channel = channel;
    this.size = channel.size();
    long eocd = findEocd();
    ByteBuffer e = read(eocd, EOCD_MIN);
    int disk = e.getShort(4) & 0xffff;
    int cdDisk = e.getShort(6) & 0xffff;
    int count = e.getShort(10) & 0xffff;
    long cdSz = e.getInt(12) & 0xffffffffL;
    long cdOff = e.getInt(16) & 0xffffffffL;
    if (cdOff == 0xffffffffL || cdSz == 0xffffffffL || count == 0xffff) {
      throw SigningException.unsupported(source, eocd, "zip64 archives are not supported");
    }
    if (disk != 0 || cdDisk != 0) {
      throw SigningException.unsupported(source, eocd, "multi-disk zip archives are not supported");
    }
    if (cdOff + cdSz != eocd) {
      throw SigningException.corrupt(source, eocd, "central directory (" + cdOff + "+" + cdSz
          + ") does not end where the end-of-central-directory record starts");
    }
    if (cdSz > MAX_CD_SIZE) {
      throw SigningException.unsupported(source, cdOff, "central directory larger than 64 MiB");
    }
    this.eocdOffset = eocd;
    this.cdOffset = cdOff;
    this.cdSize = cdSz;
    this.commentLength = e.getShort(20) & 0xffff;
    this.entries = Collections.unmodifiableList(parseCentralDirectory(count));
    Map<String, Entry> m = new LinkedHashMap<>();
    for (Entry en : entries) {
      m.putIfAbsent(en.name(), en);
    }
    this.byName = Collections.unmodifiableMap(m);
  }

  public static ApkZip open(Path file) throws SigningException {
    FileChannel ch;
    try {
      ch = FileChannel.open(file, StandardOpenOption.READ);
    } catch (IOException e) {
      throw SigningException.of(Kind.IO, file, "cannot open: " + e.getMessage(), e);
    }
    try {
      return new ApkZip(file.toString(), ch);
    } catch (SigningException e) {
      closeQuietly(ch);
      throw e;
    } catch (IOException e) {
      closeQuietly(ch);
      throw SigningException.of(Kind.IO, file, "cannot read: " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // reporting the original failure
    }
  }

  private long findEocd() throws IOException {
    if (size < EOCD_MIN) {
      throw SigningException.corrupt(source, 0, "too small to be a zip archive (" + size + " bytes)");
    }
    int window = (int) Math.min(size, EOCD_MIN + 0xffff);
    ByteBuffer tail = read(size - window, window);
    for (int i = window - EOCD_MIN; i >= 0; i--) {
      if (tail.getInt(i) == EOCD_SIG) {
        int comment = tail.getShort(i + 20) & 0xffff;
        if (i + EOCD_MIN + comment == window) {
          return size - window + i;
        }
      }
    }
    throw SigningException.corrupt(source, size, "no end-of-central-directory record: not a zip archive");
  }

  private List<Entry> parseCentralDirectory(int count) throws IOException {
    ByteBuffer cd = read(cdOffset, (int) cdSize);
    List<Entry> out = new ArrayList<>(Math.min(count, 1 << 16));
    int p = 0;
    for (int i = 0; i < count; i++) {
      long at = cdOffset + p;
      if (p + 46 > cdSize || cd.getInt(p) != CD_SIG) {
        throw SigningException.corrupt(source, at, "bad central directory record " + i);
      }
      int flags = cd.getShort(p + 8) & 0xffff;
      int method = cd.getShort(p + 10) & 0xffff;
      long csize = cd.getInt(p + 20) & 0xffffffffL;
      long usize = cd.getInt(p + 24) & 0xffffffffL;
      int nameLen = cd.getShort(p + 28) & 0xffff;
      int extraLen = cd.getShort(p + 30) & 0xffff;
      int commentLen = cd.getShort(p + 32) & 0xffff;
      long lho = cd.getInt(p + 42) & 0xffffffffL;
      if (p + 46L + nameLen + extraLen + commentLen > cdSize) {
        throw SigningException.corrupt(source, at, "central directory record " + i + " runs past the directory");
      }
      if (lho >= cdOffset || csize > cdOffset) {
        throw SigningException.corrupt(source, at, "entry " + i + " points outside the archive's data");
      }
      byte[] name = new byte[nameLen];
      cd.get(p + 46, name);
      out.add(new Entry(new String(name, StandardCharsets.UTF_8), method, flags, csize, usize, lho, extraLen));
      p += 46 + nameLen + extraLen + commentLen;
    }
    return out;
  }

  public String source() {
    return source;
  }

  public long size() {
    return size;
  }

  public List<Entry> entries() {
    return entries;
  }

  public Optional<Entry> entry(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public long centralDirectoryOffset() {
    return cdOffset;
  }

  public long eocdOffset() {
    return eocdOffset;
  }

  public int commentLength() {
    return commentLength;
  }

  /** Offset of the first byte of the entry's (possibly compressed) data. */
  public long dataOffset(Entry e) throws IOException {
    ByteBuffer h = read(e.localHeaderOffset(), 30);
    if (h.getInt(0) != LFH_SIG) {
      throw SigningException.corrupt(source, e.localHeaderOffset(), "no local file header for " + e.name());
    }
    long data = e.localHeaderOffset() + 30 + (h.getShort(26) & 0xffff) + (h.getShort(28) & 0xffff);
    if (data + e.compressedSize() > cdOffset) {
      throw SigningException.corrupt(source, e.localHeaderOffset(), "data of " + e.name() + " runs past the entries");
    }
    return data;
  }

  /** The uncompressed content of a small entry, refusing anything larger than {@code max} bytes. */
  public byte[] read(Entry e, int max) throws IOException {
    if (e.size() > max || (e.stored() && e.compressedSize() > max)) {
      throw SigningException.unsupported(source, e.localHeaderOffset(), e.name() + " is larger than " + max + " bytes");
    }
    if (!e.stored() && e.compressedSize() > max + (long) max / 8 + 1024) {
      // deflate never grows data this much: the sizes are lies, and reading them would cost memory
      throw SigningException.corrupt(source, e.localHeaderOffset(), e.name() + " claims " + e.compressedSize()
          + " compressed bytes for at most " + max);
    }
    if (e.compressedSize() > Integer.MAX_VALUE - 16) {
      throw SigningException.unsupported(source, e.localHeaderOffset(), e.name() + " is too large");
    }
    ByteBuffer raw = read(dataOffset(e), (int) e.compressedSize());
    byte[] in = new byte[raw.remaining()];
    raw.get(in);
    if (e.method() == 0) {
      return in;
    }
    if (e.method() != 8) {
      throw SigningException.unsupported(source, e.localHeaderOffset(), e.name() + " uses compression method " + e.method());
    }
    Inflater inf = new Inflater(true);
    try {
      inf.setInput(in);
      byte[] out = new byte[(int) e.size()];
      int n = 0;
      while (n < out.length && !inf.finished()) {
        int r = inf.inflate(out, n, out.length - n);
        if (r == 0 && (inf.needsInput() || inf.needsDictionary())) {
          break;
        }
        n += r;
      }
      if (n != out.length) {
        throw SigningException.corrupt(source, e.localHeaderOffset(), e.name() + " inflates to " + n
            + " bytes, the directory says " + e.size());
      }
      return out;
    } catch (DataFormatException ex) {
      throw SigningException.corrupt(source, e.localHeaderOffset(), e.name() + ": bad deflate data", ex);
    } finally {
      inf.end();
    }
  }

  /**
   * The APK Signing Block (from its leading size field to its trailing magic), or empty if there is none. Its
   * contents are checked by {@code ApkSigningBlock}; here only its frame.
   */
  public Optional<long[]> signingBlockRange() throws IOException {
    if (cdOffset < 32) {
      return Optional.empty();
    }
    ByteBuffer footer = read(cdOffset - 24, 24);
    for (int i = 0; i < 16; i++) {
      if (footer.get(8 + i) != APK_SIG_BLOCK_MAGIC[i]) {
        return Optional.empty();
      }
    }
    long sizeInFooter = footer.getLong(0);
    if (sizeInFooter < 24 || sizeInFooter > MAX_SIGNING_BLOCK || sizeInFooter + 8 > cdOffset) {
      throw SigningException.corrupt(source, cdOffset - 24, "APK Signing Block size " + sizeInFooter + " is out of range");
    }
    long start = cdOffset - sizeInFooter - 8;
    long sizeInHeader = read(start, 8).getLong(0);
    if (sizeInHeader != sizeInFooter) {
      throw SigningException.corrupt(source, start, "APK Signing Block sizes differ: " + sizeInHeader + " and " + sizeInFooter);
    }
    return Optional.of(new long[] {start, sizeInFooter + 8});
  }

  /** Exactly {@code len} bytes at {@code offset}, little-endian; past-the-end reads are corrupt input. */
  public ByteBuffer read(long offset, int len) throws IOException {
    if (offset < 0 || len < 0 || offset + len > size) {
      throw SigningException.corrupt(source, offset, "needs " + len + " bytes but the file has " + size);
    }
    ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      int r = channel.read(b, offset + b.position());
      if (r < 0) {
        throw SigningException.corrupt(source, offset + b.position(), "unexpected end of file");
      }
    }
    return b.flip();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
