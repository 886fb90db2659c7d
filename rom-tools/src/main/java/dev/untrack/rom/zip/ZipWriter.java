package dev.untrack.rom.zip;

import dev.untrack.rom.io.ByteSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes a zip sequentially. Entries carried over from another archive keep their bytes: local header, data
 * and data descriptor are copied verbatim, and only the alignment padding in the local extra field changes when
 * the entry lands at an offset where its data would no longer be aligned. New or replaced entries are written
 * with sizes in the local header (no data descriptor). Output depends only on the calls made: no clocks, no
 * host state.
 */
public final class ZipWriter implements AutoCloseable {
  /** apksig's and zipalign's extra field id for alignment padding. */
  public static final int ALIGNMENT_EXTRA_ID = 0xd935;

  private static final long U32 = 0xffffffffL;
  private static final int U16 = 0xffff;

  private final Counting out;
  private final List<byte[]> central = new ArrayList<>();
  private final Set<String> names = new HashSet<>();
  private boolean finished;

  public ZipWriter(OutputStream out) {
    this.out = new Counting(out);
  }

  /** Bytes written so far (the offset the next entry starts at). */
  public long position() {
    return out.count;
  }

  /**
   * Copies {@code e} from {@code from} unchanged. {@code alignment} (1 for none) is the boundary its data must
   * start on; it is honoured by re-padding the local extra field only when needed.
   */
  public void copy(ZipArchive from, ZipEntry e, int alignment) throws IOException {
    claim(e.name());
    long lho = out.count;
    int headerLen = e.localHeaderLength();
    long dataAt = lho + headerLen;
    if (alignment > 1 && dataAt % alignment != 0) {
      byte[] header = from.source().readFully(e.localHeaderOffset(), 30 + nameLength(e));
      byte[] extra = alignedExtra(e.localExtra(), lho + header.length, alignment);
      ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).putShort(28, (short) extra.length);
      out.write(header);
      out.write(extra);
      copyRange(from.source(), e.dataOffset(), e.recordEnd() - e.dataOffset());
    } else {
      copyRange(from.source(), e.localHeaderOffset(), e.recordEnd() - e.localHeaderOffset());
    }
    central.add(withLocalOffset(e.centralRecord(), lho));
  }

  /**
   * Writes {@code content} in place of {@code original}, keeping the original's name, time, flags (apart from
   * the data-descriptor bit), attributes and compression method.
   */
  public void replace(ZipEntry original, byte[] content, int alignment) throws IOException {
    ByteBuffer rec = ByteBuffer.wrap(original.centralRecord()).order(ByteOrder.LITTLE_ENDIAN);
    EntrySpec spec = new EntrySpec(
        original.name(),
        original.method(),
        rec.getShort(4) & 0xffff,
        original.flags() & ~0x08,
        original.dosTime(),
        original.dosDate(),
        rec.getShort(36) & 0xffff,
        rec.getInt(38) & U32,
        alignment);
    add(spec, content);
  }

  /** Adds a new entry whose content is in memory; it is deflated if {@code spec.method()} says so. */
  public void add(EntrySpec spec, byte[] content) throws IOException {
    CRC32 crc = new CRC32();
    crc.update(content);
    byte[] data;
    if (spec.method() == ZipEntry.DEFLATED) {
      data = deflate(content);
    } else if (spec.method() == ZipEntry.STORED) {
      data = content;
    } else {
      throw new IllegalArgumentException("cannot write compression method " + spec.method());
    }
    writeEntry(spec, crc.getValue(), data.length, content.length, out -> out.write(data));
  }

  /** Adds a stored entry streamed from {@code content} (read twice: once for the CRC, once to copy). */
  public void addStored(EntrySpec spec, ByteSource content) throws IOException {
    if (spec.method() != ZipEntry.STORED) {
      throw new IllegalArgumentException("addStored needs a STORED spec");
    }
    CRC32 crc = new CRC32();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = content.openStream()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        crc.update(buf, 0, n);
      }
    }
    writeEntry(spec, crc.getValue(), content.size(), content.size(), o -> copyRange(content, 0, content.size()));
  }

  /**
   * Writes the central directory and end record. {@code signingBlock}, if given, is placed verbatim between
   * the last entry and the central directory (an APK Signing Block carried over from the original).
   */
  public void finish(ByteSource signingBlock, byte[] comment) throws IOException {
    if (finished) {
      throw new IllegalStateException("already finished");
    }
    finished = true;
    if (signingBlock != null) {
      copyRange(signingBlock, 0, signingBlock.size());
    }
    long cdStart = out.count;
    for (byte[] rec : central) {
      out.write(rec);
    }
    long cdSize = out.count - cdStart;
    long count = central.size();
    byte[] c = comment == null ? new byte[0] : comment;
    if (c.length > U16) {
      throw new IllegalArgumentException("zip comment longer than 65535 bytes");
    }
    boolean zip64 = count >= U16 || cdSize >= U32 || cdStart >= U32;
    if (zip64) {
      long z64 = out.count;
      ByteBuffer z = le(56);
      z.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
          .putLong(count).putLong(count).putLong(cdSize).putLong(cdStart);
      out.write(z.array());
      ByteBuffer l = le(20);
      l.putInt(0x07064b50).putInt(0).putLong(z64).putInt(1);
      out.write(l.array());
    }
    ByteBuffer e = le(22);
    e.putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
        .putShort((short) Math.min(count, U16)).putShort((short) Math.min(count, U16))
        .putInt((int) Math.min(cdSize, U32)).putInt((int) Math.min(cdStart, U32))
        .putShort((short) c.length);
    out.write(e.array());
    out.write(c);
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  // ---------------------------------------------------------------------------------------------------------

  /** How a new entry is described in its headers. */
  public record EntrySpec(
      String name,
      int method,
      int versionMadeBy,
      int flags,
      int dosTime,
      int dosDate,
      int internalAttributes,
      long externalAttributes,
      int alignment) {

    /** A plain entry with a fixed timestamp (1 Jan 2008 00:00, the AOSP build default). */
    public static EntrySpec of(String name, int method, int alignment) {
      return new EntrySpec(name, method, 0, 0, 0, (28 << 9) | (1 << 5) | 1, 0, 0, alignment);
    }
  }

  private interface Body {
    void write(OutputStream out) throws IOException;
  }

  private void writeEntry(EntrySpec spec, long crc, long csize, long usize, Body body) throws IOException {
    claim(spec.name());
    byte[] name = spec.name().getBytes(StandardCharsets.UTF_8);
    boolean utf8 = name.length != spec.name().length();
    int flags = spec.flags() | (utf8 ? 0x800 : 0);
    long lho = out.count;
    boolean zip64Sizes = csize >= U32 || usize >= U32;
    byte[] extra = new byte[0];
    if (zip64Sizes) {
      ByteBuffer z = le(20);
      z.putShort((short) 1).putShort((short) 16).putLong(usize).putLong(csize);
      extra = z.array();
    }
    if (spec.alignment() > 1) {
      extra = alignedExtra(extra, lho + 30 + name.length, spec.alignment());
    }
    int version = zip64Sizes ? 45 : (spec.method() == ZipEntry.DEFLATED ? 20 : 10);
    ByteBuffer h = le(30);
    h.putInt(0x04034b50).putShort((short) version).putShort((short) flags).putShort((short) spec.method())
        .putShort((short) spec.dosTime()).putShort((short) spec.dosDate()).putInt((int) crc)
        .putInt((int) (zip64Sizes ? U32 : csize)).putInt((int) (zip64Sizes ? U32 : usize))
        .putShort((short) name.length).putShort((short) extra.length);
    out.write(h.array());
    out.write(name);
    out.write(extra);
    body.write(out);

    boolean zip64Offset = lho >= U32;
    ByteBuffer z = le((zip64Sizes ? 16 : 0) + (zip64Offset ? 8 : 0) + 4);
    if (zip64Sizes || zip64Offset) {
      z.putShort((short) 1).putShort((short) (z.capacity() - 4));
      if (zip64Sizes) {
        z.putLong(usize).putLong(csize);
      }
      if (zip64Offset) {
        z.putLong(lho);
      }
    }
    byte[] cextra = zip64Sizes || zip64Offset ? z.array() : new byte[0];
    ByteBuffer c = le(46 + name.length + cextra.length);
    c.putInt(0x02014b50).putShort((short) spec.versionMadeBy()).putShort((short) version)
        .putShort((short) flags).putShort((short) spec.method()).putShort((short) spec.dosTime())
        .putShort((short) spec.dosDate()).putInt((int) crc)
        .putInt((int) (zip64Sizes ? U32 : csize)).putInt((int) (zip64Sizes ? U32 : usize))
        .putShort((short) name.length).putShort((short) cextra.length).putShort((short) 0)
        .putShort((short) 0).putShort((short) spec.internalAttributes())
        .putInt((int) spec.externalAttributes()).putInt((int) (zip64Offset ? U32 : lho));
    c.put(name).put(cextra);
    central.add(c.array());
  }

  private void claim(String name) {
    if (finished) {
      throw new IllegalStateException("zip already finished");
    }
    if (!names.add(name)) {
      throw new IllegalArgumentException("duplicate zip entry " + name);
    }
  }

  private static int nameLength(ZipEntry e) {
    return e.localHeaderLength() - 30 - e.localExtra().length;
  }

  /**
   * The extra field with any previous alignment padding removed and a new {@link #ALIGNMENT_EXTRA_ID} record
   * added so that data following a header ending at {@code extraStart + extra.length} is aligned.
   */
  static byte[] alignedExtra(byte[] extra, long extraStart, int alignment) {
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    ByteBuffer b = ByteBuffer.wrap(extra).order(ByteOrder.LITTLE_ENDIAN);
    int p = 0;
    while (p + 4 <= extra.length) {
      int id = b.getShort(p) & 0xffff;
      int len = b.getShort(p + 2) & 0xffff;
      if (id == 0 || p + 4 + len > extra.length) {
        break; // zipalign-style zero padding or garbage: dropped, replaced by our record
      }
      if (id != ALIGNMENT_EXTRA_ID) {
        kept.write(extra, p, 4 + len);
      }
      p += 4 + len;
    }
    int base = kept.size();
    long dataAt = extraStart + base + 6;
    int pad = (int) ((alignment - (dataAt % alignment)) % alignment);
    ByteBuffer rec = le(6 + pad);
    rec.putShort((short) ALIGNMENT_EXTRA_ID).putShort((short) (2 + pad)).putShort((short) Math.min(alignment, U16));
    kept.write(rec.array(), 0, rec.capacity());
    return kept.toByteArray();
  }

  /** The central record with its local-header offset changed (adding a zip64 field if it must). */
  static byte[] withLocalOffset(byte[] record, long lho) {
    ByteBuffer r = ByteBuffer.wrap(record.clone()).order(ByteOrder.LITTLE_ENDIAN);
    long old = r.getInt(42) & U32;
    if (old != U32 && lho < U32) {
      r.putInt(42, (int) lho);
      return r.array();
    }
    int nameLen = r.getShort(28) & 0xffff;
    int extraLen = r.getShort(30) & 0xffff;
    int commentLen = r.getShort(32) & 0xffff;
    boolean usz = (r.getInt(24) & U32) == U32;
    boolean csz = (r.getInt(20) & U32) == U32;
    if (old == U32) {
      // Existing zip64 field carries the offset: rewrite it there.
      int p = 46 + nameLen;
      int end = p + extraLen;
      while (p + 4 <= end) {
        int id = r.getShort(p) & 0xffff;
        int len = r.getShort(p + 2) & 0xffff;
        if (id == 1) {
          int q = p + 4 + (usz ? 8 : 0) + (csz ? 8 : 0);
          r.putLong(q, lho);
          return r.array();
        }
        p += 4 + len;
      }
      throw new IllegalStateException("zip64 offset without zip64 field");
    }
    // Offset newly needs zip64: drop any old zip64 field and append a new one with sizes as needed.
    ByteArrayOutputStream extra = new ByteArrayOutputStream();
    int p = 46 + nameLen;
    int end = p + extraLen;
    long usize = r.getInt(24) & U32;
    long csize = r.getInt(20) & U32;
    while (p + 4 <= end) {
      int id = r.getShort(p) & 0xffff;
      int len = r.getShort(p + 2) & 0xffff;
      if (id == 1) {
        int q = p + 4;
        if (usz) { usize = r.getLong(q); q += 8; }
        if (csz) { csize = r.getLong(q); }
      } else {
        extra.write(record, p, Math.min(4 + len, end - p));
      }
      p += 4 + len;
    }
    ByteBuffer z = ByteBuffer.allocate(4 + (usz ? 8 : 0) + (csz ? 8 : 0) + 8).order(ByteOrder.LITTLE_ENDIAN);
    z.putShort((short) 1).putShort((short) (z.capacity() - 4));
    if (usz) z.putLong(usize);
    if (csz) z.putLong(csize);
    z.putLong(lho);
    extra.write(z.array(), 0, z.capacity());
    byte[] ex = extra.toByteArray();
    ByteBuffer out = ByteBuffer.allocate(46 + nameLen + ex.length + commentLen).order(ByteOrder.LITTLE_ENDIAN);
    out.put(record, 0, 46 + nameLen);
    out.put(ex);
    out.put(record, 46 + nameLen + extraLen, commentLen);
    out.putShort(30, (short) ex.length);
    out.putInt(42, (int) U32);
    return out.array();
  }

  private static byte[] deflate(byte[] content) {
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    try {
      d.setInput(content);
      d.finish();
      ByteArrayOutputStream bo = new ByteArrayOutputStream(Math.max(64, content.length / 2));
      byte[] buf = new byte[1 << 16];
      while (!d.finished()) {
        int n = d.deflate(buf);
        bo.write(buf, 0, n);
      }
      return bo.toByteArray();
    } finally {
      d.end();
    }
  }

  private void copyRange(ByteSource src, long offset, long length) throws IOException {
    byte[] buf = new byte[1 << 16];
    try (InputStream in = src.openStream(offset, length)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
      }
    }
  }

  private static ByteBuffer le(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static final class Counting extends OutputStream {
    private final OutputStream out;
    long count;

    Counting(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }
}
