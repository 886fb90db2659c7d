package dev.untrack.rom.tar;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ByteSource;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * A tar archive, plain or gzip-compressed, with every header checked: names that would escape an extraction
 * directory, links pointing outside it, duplicates, sizes and counts beyond {@link Limits} are refused.
 *
 * <p>A member of a plain tar is a slice of the file: random access, no copy. Gzip can only be read front to
 * back, so a member of a {@code .tgz} that is needed for random access is <b>spooled</b>: copied once into the
 * caller's work directory ({@link Spool}). Opening scans the archive once, keeps small members (up to
 * {@link Limits#maxInMemory}) in memory and spools the members {@code spoolOnOpen} selects in the same pass;
 * opening any other member later costs one more pass over the archive.
 */
public final class TarArchive implements Closeable {
  public enum Type {
    FILE,
    DIRECTORY,
    SYMLINK,
    HARDLINK,
    OTHER
  }

  /**
   * @param name normalized path ("./" and a trailing "/" removed)
   * @param linkTarget for links, what they point to; else ""
   * @param headerOffset where the header is in the (uncompressed) tar stream
   */
  public record Entry(String name, Type type, long size, String linkTarget, long headerOffset, int mode) {
    public boolean isFile() {
      return type == Type.FILE;
    }
  }

  /**
   * @param maxEntries more entries than this is refused
   * @param maxEntrySize a member larger than this is refused
   * @param maxInMemory members up to this size are kept in memory during a gzip scan (total bounded by 64 of them)
   */
  public record Limits(int maxEntries, long maxEntrySize, int maxInMemory) {
    public static final Limits DEFAULT = new Limits(100_000, 64L << 30, 256 << 10);
  }

  private static final int MAX_IN_MEMORY_TOTAL = 16 << 20;

  private final ByteSource source;
  private final boolean gzip;
  private final Limits limits;
  private final Spool spool;
  private final List<Entry> entries;
  private final Map<String, Entry> byName = new HashMap<>();
  private final Map<String, Long> dataOffsets = new HashMap<>();
  private final Map<String, ByteSource> ready = new HashMap<>();

  private TarArchive(ByteSource source, boolean gzip, Limits limits, Spool spool, List<Entry> entries) {
    this.source = source;
    this.gzip = gzip;
    this.limits = limits;
    this.spool = spool;
    this.entries = Collections.unmodifiableList(entries);
    for (Entry e : entries) {
      byName.put(e.name(), e);
    }
  }

  /** True if {@code head} (at least 262 bytes) is a ustar/GNU tar header. */
  public static boolean isTar(byte[] head) {
    if (head.length < 262) {
      return false;
    }
    String magic = new String(head, 257, 5, StandardCharsets.US_ASCII);
    return magic.equals("ustar");
  }

  public static boolean isGzip(byte[] head) {
    return head.length >= 3 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b && head[2] == 8;
  }

  /**
   * Opens a tar or tgz. {@code spool} receives copies of gzip members (it stays owned by the caller, who closes
   * it after the archive); {@code spoolOnOpen} chooses members to copy during the first scan.
   */
  public static TarArchive open(ByteSource source, Spool spool, Limits limits, Predicate<Entry> spoolOnOpen)
      throws IOException {
    byte[] head = source.readFully(0, (int) Math.min(512, source.size()));
    boolean gzip = isGzip(head);
    if (!gzip && !isTar(head)) {
      throw RomFormatException.corrupt(source.name(), "tar", 0, "neither a tar archive nor gzip-compressed");
    }
    List<Entry> entries = new ArrayList<>();
    TarArchive archive = new TarArchive(source, gzip, limits, spool, entries);
    archive.scan(entries, spoolOnOpen, null);
    archive.reindex();
    return archive;
  }

  private void reindex() {
    byName.clear();
    for (Entry e : entries) {
      byName.put(e.name(), e);
    }
  }

  public ByteSource source() {
    return source;
  }

  public boolean isCompressed() {
    return gzip;
  }

  public List<Entry> entries() {
    return entries;
  }

  public Optional<Entry> entry(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Random access to a regular file member (spooled first if the archive is compressed and it is not yet). */
  public synchronized ByteSource open(Entry e) throws IOException {
    if (e.type() != Type.FILE) {
      throw new IllegalArgumentException(e.name() + " is not a regular file");
    }
    ByteSource s = ready.get(e.name());
    if (s != null) {
      return s;
    }
    if (!gzip) {
      long off = dataOffsets.get(e.name());
      s = source.slice(off, e.size(), source.name() + " > " + e.name());
      ready.put(e.name(), s);
      return s;
    }
    spool(List.of(e));
    return ready.get(e.name());
  }

  /** Spools, in one pass over a compressed archive, every given member not spooled yet. */
  public synchronized void spool(Collection<Entry> members) throws IOException {
    if (!gzip) {
      return;
    }
    Set<String> want = new LinkedHashSet<>();
    for (Entry e : members) {
      if (e.isFile() && !ready.containsKey(e.name())) {
        want.add(e.name());
      }
    }
    if (want.isEmpty()) {
      return;
    }
    scan(null, e -> want.contains(e.name()), want);
  }

  /** A whole member in memory; refused above {@code maxSize}. */
  public byte[] readAll(Entry e, int maxSize) throws IOException {
    if (e.size() > maxSize) {
      throw RomFormatException.unsupported(source.name(), "tar", e.headerOffset(),
          e.name() + " is " + e.size() + " bytes, more than the " + maxSize + " allowed here");
    }
    return open(e).readFully(0, (int) e.size());
  }

  @Override
  public void close() throws IOException {
    // the source and the spool belong to the caller
  }

  /**
   * One pass. With {@code out} != null it records the entries (first scan); else it only spools. {@code stopAfter}
   * ends the pass early once all those names are spooled.
   */
  private void scan(List<Entry> out, Predicate<Entry> spoolNow, Set<String> stopAfter) throws IOException {
    String file = source.name();
    PassOver plain = gzip ? null : new PassOver(source);
    Counting counting = new Counting(gzip ? source.openStream() : plain);
    InputStream raw = counting;
    Set<String> seen = new java.util.HashSet<>();
    long inMemory = 0;
    try (InputStream in = gzip
            ? GzipCompressorInputStream.builder().setInputStream(counting).setDecompressConcatenated(true).get()
            : raw;
        Counting tarBytes = new Counting(in);
        TarArchiveInputStream tar = new TarArchiveInputStream(tarBytes)) {
      long headerAt = 0;
      long passOverTo = -1; // end of the data of the plain tar member just listed
      while (true) {
        TarArchiveEntry te;
        try {
          if (passOverTo > tarBytes.count) {
            plain.passOver(passOverTo - tarBytes.count);
          }
          passOverTo = -1;
          te = tar.getNextEntry();
        } catch (IOException | IllegalArgumentException e) {
          if (e instanceof RomFormatException r) {
            throw r;
          }
          throw RomFormatException.corrupt(file, "tar", gzip ? RomFormatException.NO_OFFSET : tarBytes.count,
              "bad tar header" + (gzip ? " (at uncompressed offset " + tarBytes.count + ")" : "") + ": "
                  + e.getMessage(), e);
        }
        if (te == null) {
          break;
        }
        long dataAt = tarBytes.count;
        headerAt = dataAt - 512;
        Entry e = toEntry(te, headerAt, file);
        if (out != null) {
          if (out.size() >= limits.maxEntries()) {
            throw RomFormatException.unsupported(file, "tar", headerAt, "more than " + limits.maxEntries() + " entries");
          }
          if (!seen.add(e.name())) {
            throw RomFormatException.corrupt(file, "tar", headerAt, "duplicate entry '" + e.name() + "'");
          }
          out.add(e);
          if (!gzip && e.isFile()) {
            if (dataAt > source.size() - e.size()) {
              throw RomFormatException.corrupt(file, "tar", headerAt,
                  e.name() + " (" + e.size() + " bytes) runs past the end of the archive (truncated?)");
            }
            dataOffsets.put(e.name(), dataAt);
          }
        }
        if (!gzip && e.isFile() && !te.isSparse()) {
          passOverTo = dataAt + te.getSize();
        }
        if (!gzip || !e.isFile()) {
          continue;
        }
        String name = file + " > " + e.name();
        if (ready.containsKey(e.name())) {
          continue;
        }
        if (out != null && e.size() <= limits.maxInMemory() && inMemory + e.size() <= MAX_IN_MEMORY_TOTAL) {
          byte[] data = tar.readNBytes((int) e.size());
          if (data.length != e.size()) {
            throw RomFormatException.corrupt(file, "tar", RomFormatException.NO_OFFSET,
                e.name() + " ends after " + data.length + " of " + e.size() + " bytes (truncated?)");
          }
          inMemory += data.length;
          ready.put(e.name(), new dev.untrack.rom.io.ArrayByteSource(data, name));
        } else if (spoolNow.test(e)) {
          ready.put(e.name(), spool.spool(tar, e.size(), name));
          if (stopAfter != null) {
            stopAfter.remove(e.name());
            if (stopAfter.isEmpty()) {
              return;
            }
          }
        }
      }
      if (stopAfter != null && !stopAfter.isEmpty()) {
        throw new IllegalStateException("members not found on rescan: " + stopAfter);
      }
    } catch (java.io.EOFException e) {
      throw RomFormatException.corrupt(file, "tar", gzip ? RomFormatException.NO_OFFSET : counting.count,
          "archive ends early (truncated?)", e);
    } catch (IOException e) {
      if (e instanceof RomFormatException || e instanceof SpoolWriteException) {
        throw e;
      }
      if (gzip) {
        throw RomFormatException.corrupt(file, "gzip", counting.count, "corrupt gzip stream: " + e.getMessage(), e);
      }
      throw e;
    }
  }

  private Entry toEntry(TarArchiveEntry te, long headerAt, String file) throws RomFormatException {
    String name = SafeNames.normalize(te.getName());
    String bad = SafeNames.unsafeReason(name);
    if (bad != null) {
      throw RomFormatException.corrupt(file, "tar", headerAt, "entry '" + printable(te.getName()) + "' has " + bad);
    }
    Type type;
    String link = "";
    if (te.isDirectory()) {
      type = Type.DIRECTORY;
    } else if (te.isSymbolicLink()) {
      type = Type.SYMLINK;
      link = te.getLinkName();
      String why = SafeNames.escapingLinkReason(name, link);
      if (why != null) {
        throw RomFormatException.corrupt(file, "tar", headerAt,
            "symlink '" + name + "' -> '" + printable(link) + "' has " + why);
      }
    } else if (te.isLink()) {
      type = Type.HARDLINK;
      link = SafeNames.normalize(te.getLinkName());
      String why = SafeNames.unsafeReason(link);
      if (why != null) {
        throw RomFormatException.corrupt(file, "tar", headerAt,
            "hard link '" + name + "' -> '" + printable(link) + "' has " + why);
      }
    } else if (te.isFile() && !te.isSparse()) {
      type = Type.FILE;
    } else {
      type = Type.OTHER;
    }
    long size = type == Type.FILE ? te.getSize() : 0;
    if (size < 0 || size > limits.maxEntrySize()) {
      throw RomFormatException.corrupt(file, "tar", headerAt, name + " claims " + size + " bytes, over the limit");
    }
    return new Entry(name, type, size, link, headerAt, te.getMode());
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return sb.toString();
  }

  /**
   * A plain tar's bytes from its source. The parser skips a member's data by reading it; the bytes it is told
   * to {@link #passOver} are only counted, not read, so listing a plain tar reads its headers only.
   */
  private static final class PassOver extends InputStream {
    private final ByteSource source;
    private long pos;
    private long passOverUntil;

    PassOver(ByteSource source) {
      this.source = source;
    }

    /** The next {@code n} bytes are discarded by the reader: their content is never looked at. */
    void passOver(long n) {
      passOverUntil = pos + n;
    }

    @Override
    public int read() throws IOException {
      byte[] b = new byte[1];
      return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (pos < passOverUntil) {
        int k = (int) Math.min(len, passOverUntil - pos);
        pos += k;
        return k;
      }
      long left = source.size() - pos;
      if (left <= 0) {
        return -1;
      }
      int n = source.read(pos, java.nio.ByteBuffer.wrap(b, off, (int) Math.min(len, left)));
      if (n > 0) {
        pos += n;
      }
      return n;
    }

    @Override
    public long skip(long n) {
      long k = Math.max(0, Math.min(n, source.size() - pos));
      pos += k;
      return k;
    }
  }

  /** Counts bytes passing through (skips included). */
  private static final class Counting extends FilterInputStream {
    long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long k = super.skip(n);
      count += k;
      return k;
    }
  }
}
