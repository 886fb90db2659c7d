package dev.untrack.rom.zip;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ByteSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * A zip archive (APK, JAR, OTA package) read from its central directory, with every structure checked
 * against the file before use. Names that would escape an extraction directory, duplicate names, overlapping
 * entries, encrypted entries and sizes beyond {@link ZipLimits} are refused with the offset of the problem.
 *
 * <p>Entries can be read decompressed ({@link #open}) or as raw stored bytes ({@link #rawData}) for copying
 * without recompression.
 */
public final class ZipArchive implements AutoCloseable {
  private static final int EOCD_SIG = 0x06054b50;
  private static final int ZIP64_EOCD_SIG = 0x06064b50;
  private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
  private static final int CEN_SIG = 0x02014b50;
  private static final int LOC_SIG = 0x04034b50;
  private static final int DESCRIPTOR_SIG = 0x08074b50;
  private static final int EOCD_LEN = 22;
  private static final int CEN_LEN = 46;
  private static final int LOC_LEN = 30;
  private static final byte[] APK_SIG_BLOCK_MAGIC =
      "APK Sig Block 42".getBytes(StandardCharsets.US_ASCII);

  private final ByteSource source;
  private final List<ZipEntry> entries;
  private final Map<String, ZipEntry> byName;
  private final long centralDirectoryOffset;
  private final long centralDirectorySize;
  private final long eocdOffset;
  private final byte[] comment;
  private final long signingBlockOffset;
  private final ZipLimits limits;

  private ZipArchive(
      ByteSource source,
      List<ZipEntry> entries,
      long cdOffset,
      long cdSize,
      long eocdOffset,
      byte[] comment,
      long signingBlockOffset,
      ZipLimits limits) {
    this.source = source;
    this.entries = Collections.unmodifiableList(entries);
    Map<String, ZipEntry> map = new HashMap<>();
    for (ZipEntry e : entries) {
      map.put(e.name(), e);
    }
    this.byName = map;
    this.centralDirectoryOffset = cdOffset;
    this.centralDirectorySize = cdSize;
    this.eocdOffset = eocdOffset;
    this.comment = comment;
    this.signingBlockOffset = signingBlockOffset;
    this.limits = limits;
  }

  public static ZipArchive open(ByteSource source) throws IOException {
    return open(source, ZipLimits.DEFAULT);
  }

  public static ZipArchive open(ByteSource source, ZipLimits limits) throws IOException {
    return new Parser(source, limits).parse();
  }

  public ByteSource source() {
    return source;
  }

  /** Entries in central-directory order. */
  public List<ZipEntry> entries() {
    return entries;
  }

  public Optional<ZipEntry> entry(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public long centralDirectoryOffset() {
    return centralDirectoryOffset;
  }

  public long centralDirectorySize() {
    return centralDirectorySize;
  }

  public long eocdOffset() {
    return eocdOffset;
  }

  public byte[] comment() {
    return comment.clone();
  }

  /** The APK Signing Block (v2/v3/v4 signatures) if the archive has one, as raw bytes. */
  public Optional<ByteSource> apkSigningBlock() {
    if (signingBlockOffset < 0) {
      return Optional.empty();
    }
    return Optional.of(
        source.slice(
            signingBlockOffset,
            centralDirectoryOffset - signingBlockOffset,
            source.name() + " > APK Signing Block"));
  }

  /** The bytes stored for the entry, as they are in the archive (compressed if the entry is compressed). */
  public ByteSource rawData(ZipEntry e) {
    return source.slice(e.dataOffset(), e.compressedSize(), source.name() + " > " + e.name());
  }

  /** The whole local record (local header, data, data descriptor), for copying verbatim. */
  public ByteSource rawRecord(ZipEntry e) {
    return source.slice(
        e.localHeaderOffset(), e.recordEnd() - e.localHeaderOffset(), source.name() + " > " + e.name());
  }

  /**
   * The entry's content, decompressed. The stream fails with a {@link RomFormatException} if the data inflates
   * past its declared size or {@link ZipLimits}, ends early, or does not match its CRC-32.
   */
  public InputStream open(ZipEntry e) throws IOException {
    String where = source.name() + " > " + e.name();
    InputStream raw = source.openStream(e.dataOffset(), e.compressedSize());
    InputStream content;
    switch (e.method()) {
      case ZipEntry.STORED:
        if (e.compressedSize() != e.size()) {
          throw RomFormatException.corrupt(
              source.name(), "zip", e.localHeaderOffset(),
              "stored entry " + e.name() + " has compressed size " + e.compressedSize()
                  + " but size " + e.size());
        }
        content = raw;
        break;
      case ZipEntry.DEFLATED:
        content = new InflaterInputStream(raw, new Inflater(true), 64 * 1024) {
          @Override
          public void close() throws IOException {
            super.close();
            inf.end();
          }
        };
        break;
      default:
        throw RomFormatException.unsupported(
            source.name(), "zip", e.localHeaderOffset(),
            "entry " + e.name() + " uses compression method " + e.method()
                + " (only stored and deflated are supported)");
    }
    return new CheckedEntryStream(content, e, where, limits);
  }

  /** Reads a whole entry into memory; refuses entries larger than {@code maxSize}. */
  public byte[] readAll(ZipEntry e, int maxSize) throws IOException {
    if (e.size() > maxSize) {
      throw RomFormatException.unsupported(
          source.name(), "zip", e.localHeaderOffset(),
          "entry " + e.name() + " is " + e.size() + " bytes, more than the " + maxSize + " allowed here");
    }
    try (InputStream in = open(e)) {
      return in.readAllBytes();
    }
  }

  @Override
  public void close() throws IOException {
    source.close();
  }

  /** Checks that a name is a safe relative path: no absolute paths, no {@code ..}, no drive letters or NULs. */
  static String unsafeNameReason(String name) {
    if (name.isEmpty()) {
      return "an empty name";
    }
    if (name.indexOf('\0') >= 0) {
      return "a NUL character in the name";
    }
    if (name.startsWith("/") || name.startsWith("\\")) {
      return "an absolute name";
    }
    if (name.length() >= 2 && name.charAt(1) == ':' && Character.isLetter(name.charAt(0))) {
      return "a drive-letter name";
    }
    for (String part : name.split("[/\\\\]", -1)) {
      if (part.equals("..")) {
        return "a '..' path segment (path traversal)";
      }
    }
    return null;
  }

  private static final class Parser {
    private final ByteSource src;
    private final ZipLimits limits;
    private final String file;

    Parser(ByteSource src, ZipLimits limits) {
      this.src = src;
      this.limits = limits;
      this.file = src.name();
    }

    private RomFormatException corrupt(long offset, String detail) {
      return RomFormatException.corrupt(file, "zip", offset, detail);
    }

    private ByteBuffer read(long offset, int len, String what) throws IOException {
      if (offset < 0 || offset > src.size() - len) {
        throw corrupt(offset, what + " (" + len + " bytes) lies past the end of the file (" + src.size() + ")");
      }
      return ByteBuffer.wrap(src.readFully(offset, len)).order(ByteOrder.LITTLE_ENDIAN);
    }

    ZipArchive parse() throws IOException {
      long size = src.size();
      if (size < EOCD_LEN) {
        throw corrupt(0, "file is " + size + " bytes, too short to be a zip");
      }
      long eocd = findEocd(size);
      ByteBuffer e = read(eocd, EOCD_LEN, "end of central directory");
      int disk = e.getShort(4) & 0xffff;
      int cdDisk = e.getShort(6) & 0xffff;
      long count = e.getShort(10) & 0xffff;
      long cdSize = e.getInt(12) & 0xffffffffL;
      long cdOffset = e.getInt(16) & 0xffffffffL;
      int commentLen = e.getShort(20) & 0xffff;
      byte[] comment = src.readFully(eocd + EOCD_LEN, commentLen);
      long cdEnd = eocd;
      if (count == 0xffff || cdSize == 0xffffffffL || cdOffset == 0xffffffffL) {
        long locator = eocd - 20;
        ByteBuffer l = read(locator, 20, "zip64 end of central directory locator");
        if (l.getInt(0) != ZIP64_LOCATOR_SIG) {
          throw corrupt(locator, "zip64 values in the end record but no zip64 locator");
        }
        long z64 = l.getLong(8);
        ByteBuffer z = read(z64, 56, "zip64 end of central directory");
        if (z.getInt(0) != ZIP64_EOCD_SIG) {
          throw corrupt(z64, "bad zip64 end of central directory signature");
        }
        count = z.getLong(32);
        cdSize = z.getLong(40);
        cdOffset = z.getLong(48);
        cdEnd = z64;
      } else if (disk != 0 || cdDisk != 0) {
        throw RomFormatException.unsupported(file, "zip", eocd, "multi-disk (split) archives are not supported");
      }
      if (count > limits.maxEntries()) {
        throw corrupt(eocd, "claims " + count + " entries, more than the limit of " + limits.maxEntries());
      }
      if (cdOffset < 0 || cdSize < 0 || cdOffset > cdEnd || cdSize > cdEnd - cdOffset) {
        throw corrupt(eocd, "central directory [" + cdOffset + ", +" + cdSize + ") does not fit before offset " + cdEnd);
      }
      if (cdSize > Integer.MAX_VALUE - 8) {
        throw corrupt(eocd, "central directory of " + cdSize + " bytes is too large");
      }
      ByteBuffer cd = read(cdOffset, (int) cdSize, "central directory");
      List<ZipEntry> entries = new ArrayList<>((int) Math.min(count, 65536));
      Map<String, Long> seen = new HashMap<>();
      int pos = 0;
      for (int i = 0; i < count; i++) {
        long at = cdOffset + pos;
        if (pos > cdSize - CEN_LEN) {
          throw corrupt(at, "central directory ends after " + i + " of " + count + " entries");
        }
        if (cd.getInt(pos) != CEN_SIG) {
          throw corrupt(at, "bad central directory record signature for entry " + i);
        }
        int flags = cd.getShort(pos + 8) & 0xffff;
        int method = cd.getShort(pos + 10) & 0xffff;
        int dosTime = cd.getShort(pos + 12) & 0xffff;
        int dosDate = cd.getShort(pos + 14) & 0xffff;
        long crc = cd.getInt(pos + 16) & 0xffffffffL;
        long csize = cd.getInt(pos + 20) & 0xffffffffL;
        long usize = cd.getInt(pos + 24) & 0xffffffffL;
        int nameLen = cd.getShort(pos + 28) & 0xffff;
        int extraLen = cd.getShort(pos + 30) & 0xffff;
        int commentLen2 = cd.getShort(pos + 32) & 0xffff;
        long lho = cd.getInt(pos + 42) & 0xffffffffL;
        int recLen = CEN_LEN + nameLen + extraLen + commentLen2;
        if (pos > cdSize - recLen) {
          throw corrupt(at, "central directory record " + i + " runs past the central directory");
        }
        byte[] nameBytes = new byte[nameLen];
        cd.get(pos + CEN_LEN, nameBytes);
        String name = decodeName(nameBytes, at);
        String bad = unsafeNameReason(name);
        if (bad != null) {
          throw corrupt(at, "entry name '" + printable(name) + "' has " + bad);
        }
        Long dup = seen.putIfAbsent(name, at);
        if (dup != null) {
          throw corrupt(at, "duplicate entry name '" + printable(name) + "' (first at offset " + dup + ")");
        }
        if ((flags & 0x01) != 0) {
          throw RomFormatException.unsupported(file, "zip", at, "entry " + name + " is encrypted");
        }
        if (usize == 0xffffffffL || csize == 0xffffffffL || lho == 0xffffffffL) {
          long[] z = zip64Extra(cd, pos + CEN_LEN + nameLen, extraLen, usize, csize, lho, at);
          usize = z[0];
          csize = z[1];
          lho = z[2];
        }
        if (usize > limits.maxEntrySize() || csize > limits.maxEntrySize()) {
          throw corrupt(at, "entry " + name + " claims " + Math.max(usize, csize) + " bytes, over the limit");
        }
        byte[] record = new byte[recLen];
        cd.get(pos, record);
        entries.add(readLocal(name, nameBytes, i, flags, method, dosTime, dosDate, crc, csize, usize, lho, record, cdOffset));
        pos += recLen;
      }
      checkNoOverlap(entries);
      long sigBlock = findSigningBlock(entries, cdOffset);
      return new ZipArchive(src, entries, cdOffset, cdSize, eocd, comment, sigBlock, limits);
    }

    private long findEocd(long size) throws IOException {
      int window = (int) Math.min(size, EOCD_LEN + 0xffff);
      long start = size - window;
      ByteBuffer b = read(start, window, "end of file");
      for (int i = window - EOCD_LEN; i >= 0; i--) {
        if (b.getInt(i) == EOCD_SIG) {
          int commentLen = b.getShort(i + 20) & 0xffff;
          if (i + EOCD_LEN + commentLen == window) {
            return start + i;
          }
        }
      }
      throw corrupt(size, "no end-of-central-directory record: not a zip, or truncated");
    }

    private long[] zip64Extra(ByteBuffer cd, int extraStart, int extraLen, long usize, long csize, long lho, long at)
        throws RomFormatException {
      int p = extraStart;
      int end = extraStart + extraLen;
      while (p + 4 <= end) {
        int id = cd.getShort(p) & 0xffff;
        int len = cd.getShort(p + 2) & 0xffff;
        if (p + 4 + len > end) {
          break;
        }
        if (id == 0x0001) {
          int q = p + 4;
          if (usize == 0xffffffffL) {
            if (q + 8 > p + 4 + len) throw corrupt(at, "truncated zip64 extra field");
            usize = cd.getLong(q);
            q += 8;
          }
          if (csize == 0xffffffffL) {
            if (q + 8 > p + 4 + len) throw corrupt(at, "truncated zip64 extra field");
            csize = cd.getLong(q);
            q += 8;
          }
          if (lho == 0xffffffffL) {
            if (q + 8 > p + 4 + len) throw corrupt(at, "truncated zip64 extra field");
            lho = cd.getLong(q);
          }
          if (usize < 0 || csize < 0 || lho < 0) {
            throw corrupt(at, "negative zip64 size or offset");
          }
          return new long[] {usize, csize, lho};
        }
        p += 4 + len;
      }
      throw corrupt(at, "sizes marked as zip64 but no zip64 extra field");
    }

    private ZipEntry readLocal(
        String name, byte[] nameBytes, int index, int flags, int method, int dosTime, int dosDate,
        long crc, long csize, long usize, long lho, byte[] record, long cdOffset) throws IOException {
      ByteBuffer l = read(lho, LOC_LEN, "local header of " + name);
      if (l.getInt(0) != LOC_SIG) {
        throw corrupt(lho, "bad local header signature for entry " + printable(name));
      }
      int nameLen = l.getShort(26) & 0xffff;
      int extraLen = l.getShort(28) & 0xffff;
      byte[] localName = read(lho + LOC_LEN, nameLen, "local name of " + name).array();
      if (!Arrays.equals(localName, nameBytes)) {
        throw corrupt(lho, "local header name differs from the central directory name '" + printable(name) + "'");
      }
      byte[] extra = read(lho + LOC_LEN + nameLen, extraLen, "local extra of " + name).array();
      long data = lho + LOC_LEN + nameLen + extraLen;
      if (data > cdOffset || csize > cdOffset - data) {
        throw corrupt(lho, "data of entry " + printable(name) + " (" + csize + " bytes at " + data
            + ") runs into the central directory at " + cdOffset);
      }
      long end = data + csize;
      if ((flags & 0x08) != 0) {
        end += descriptorLength(end, cdOffset, crc, csize, usize);
      }
      return new ZipEntry(name, index, flags, method, dosTime, dosDate, crc, csize, usize, lho, data, end, record, extra);
    }

    private int descriptorLength(long at, long limit, long crc, long csize, long usize) throws IOException {
      long room = limit - at;
      boolean zip64 = csize >= 0xffffffffL || usize >= 0xffffffffL;
      int withSig = zip64 ? 24 : 16;
      if (room >= 4) {
        int first = read(at, 4, "data descriptor").getInt(0);
        if (first == DESCRIPTOR_SIG && room >= withSig) {
          return withSig;
        }
      }
      int without = zip64 ? 20 : 12;
      if (room < without) {
        throw corrupt(at, "data descriptor missing");
      }
      return without;
    }

    private void checkNoOverlap(List<ZipEntry> entries) throws RomFormatException {
      List<ZipEntry> sorted = new ArrayList<>(entries);
      sorted.sort(Comparator.comparingLong(ZipEntry::localHeaderOffset));
      for (int i = 1; i < sorted.size(); i++) {
        ZipEntry prev = sorted.get(i - 1);
        ZipEntry cur = sorted.get(i);
        if (cur.localHeaderOffset() < prev.recordEnd()) {
          throw corrupt(cur.localHeaderOffset(), "entry " + printable(cur.name()) + " overlaps entry "
              + printable(prev.name()) + " (overlapping entries are a zip-bomb technique)");
        }
      }
    }

    private long findSigningBlock(List<ZipEntry> entries, long cdOffset) throws IOException {
      // Layout: u64 size, pairs, u64 size (again), 16-byte magic, then the central directory.
      if (cdOffset < 32) {
        return -1;
      }
      ByteBuffer footer = read(cdOffset - 24, 24, "APK signing block footer");
      byte[] magic = new byte[16];
      footer.get(8, magic);
      if (!Arrays.equals(magic, APK_SIG_BLOCK_MAGIC)) {
        return -1;
      }
      long blockSize = footer.getLong(0);
      long start = cdOffset - blockSize - 8;
      if (blockSize < 24 || start < 0) {
        throw corrupt(cdOffset - 24, "APK signing block size " + blockSize + " does not fit in the file");
      }
      long head = read(start, 8, "APK signing block header").getLong(0);
      if (head != blockSize) {
        throw corrupt(start, "APK signing block sizes disagree (" + head + " vs " + blockSize + ")");
      }
      for (ZipEntry e : entries) {
        if (e.recordEnd() > start) {
          throw corrupt(start, "APK signing block overlaps entry " + printable(e.name()));
        }
      }
      return start;
    }

    private String decodeName(byte[] bytes, long at) throws RomFormatException {
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes))
            .toString();
      } catch (CharacterCodingException e) {
        throw corrupt(at, "entry name is not valid UTF-8");
      }
    }
  }

  static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && sb.length() < 200; i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return sb.toString();
  }
}
