package dev.untrack.rom.erofs;

import static dev.untrack.rom.io.LittleEndian.u16;
import static dev.untrack.rom.io.LittleEndian.u32;
import static dev.untrack.rom.io.LittleEndian.u64;
import static dev.untrack.rom.io.LittleEndian.u8;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.fs.FileSystemImage;
import dev.untrack.rom.fs.FileType;
import dev.untrack.rom.fs.FsEntry;
import dev.untrack.rom.io.ByteSource;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A read-only EROFS image: compact and extended inodes, flat, inline, chunk-based and LZ4-compressed data
 * (full and compact indexes, big pclusters, tail packing, fragments, deduplicated partial references), inline
 * and shared xattrs with long name prefixes. LZMA, DEFLATE and Zstandard data are refused as unsupported.
 *
 * <p>{@link #inode}, {@link #extents} and {@link #superblock} expose the on-disk layout for in-place editors.
 */
public final class ErofsImage implements FileSystemImage {
  public static final int MAGIC = ErofsSuperblock.MAGIC;
  static final int MAX_DIR_ENTRIES = 1_000_000;
  static final long MAX_DIR_SIZE = 512L * 1024 * 1024;
  static final int MAX_SYMLINK = 65536;

  private final ByteSource source;
  private final ErofsSuperblock sb;
  private final long metaBase;
  private volatile List<String> longPrefixes;
  private volatile ByteSource packed;
  private final Map<Long, String[]> sharedXattrCache = new LinkedHashMap<>(64, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, String[]> eldest) {
      return size() > 1024;
    }
  };

  private ErofsImage(ByteSource source, ErofsSuperblock sb) {
    this.source = source;
    this.sb = sb;
    this.metaBase = sb.metaBlkaddr() << sb.blockSizeBits();
  }

  public static ErofsImage open(ByteSource source) throws IOException {
    if (source.size() < ErofsSuperblock.OFFSET + 128) {
      throw RomFormatException.corrupt(source.name(), "erofs", RomFormatException.NO_OFFSET,
          "too small for an EROFS superblock (" + source.size() + " bytes)");
    }
    int len = (int) Math.min(source.size(), 1 << 16);
    byte[] head = source.readFully(0, len);
    ErofsSuperblock sb = ErofsSuperblock.parse(head, ErofsSuperblock.OFFSET, len, source.name());
    ErofsImage img = new ErofsImage(source, sb);
    ErofsInode root = img.inode(sb.rootNid());
    if (root.type() != FileType.DIRECTORY) {
      throw img.corrupt(root.offset(), "root nid " + sb.rootNid() + " is not a directory");
    }
    return img;
  }

  public ErofsSuperblock superblock() {
    return sb;
  }

  public ByteSource source() {
    return source;
  }

  @Override
  public String format() {
    return "erofs";
  }

  @Override
  public int blockSize() {
    return sb.blockSize();
  }

  @Override
  public String volumeName() {
    return sb.volumeName();
  }

  // ---- low-level reads -------------------------------------------------------------------------------

  RomFormatException corrupt(long offset, String detail) {
    return RomFormatException.corrupt(source.name(), "erofs", offset, detail);
  }

  RomFormatException unsupported(long offset, String detail) {
    return RomFormatException.unsupported(source.name(), "erofs", offset, detail);
  }

  void checkRange(long pos, long len, String what) throws IOException {
    if (pos < 0 || len < 0 || pos > source.size() - len) {
      throw corrupt(pos, what + " (" + len + " bytes) lies outside the image (" + source.size() + " bytes)");
    }
  }

  byte[] readAt(long pos, int len, String what) throws IOException {
    checkRange(pos, len, what);
    try {
      return source.readFully(pos, len);
    } catch (EOFException e) {
      throw RomFormatException.corrupt(source.name(), "erofs", pos, what + ": " + e.getMessage(), e);
    }
  }

  void readFullyAt(long pos, ByteBuffer dst) throws IOException {
    checkRange(pos, dst.remaining(), "file data");
    long p = pos;
    while (dst.hasRemaining()) {
      int n = source.read(p, dst);
      if (n < 0) {
        throw corrupt(p, "unexpected end of image");
      }
      p += n;
    }
  }

  // ---- inodes and data -------------------------------------------------------------------------------

  /** Reads the inode with node id {@code nid}. */
  public ErofsInode inode(long nid) throws IOException {
    if (nid < 0 || nid > (source.size() >>> 5)) {
      throw corrupt(RomFormatException.NO_OFFSET, "nid " + nid + " is outside the image");
    }
    long pos = metaBase + nid * 32;
    byte[] b = readAt(pos, 32, "inode of nid " + nid);
    if ((u16(b, 0) & 1) != 0) {
      b = readAt(pos, 64, "extended inode of nid " + nid);
    }
    ErofsInode vi = ErofsInode.parse(nid, pos, b, sb);
    if (vi.size() < 0) {
      throw corrupt(pos + 8, "nid " + nid + " has a negative size");
    }
    if (vi.layout() > ErofsInode.CHUNK_BASED) {
      throw corrupt(pos, "nid " + nid + " has unknown data layout " + vi.layout());
    }
    if (vi.layout() == ErofsInode.CHUNK_BASED && !sb.has(ErofsSuperblock.INCOMPAT_CHUNKED_FILE)) {
      throw corrupt(pos, "nid " + nid + " is chunk-based but the image lacks the chunked-file feature");
    }
    checkRange(pos, vi.inodeSize() + vi.xattrSize(), "inode and xattrs of nid " + nid);
    return vi;
  }

  /** The content of any inode (file, directory or symlink data). */
  ByteSource data(ErofsInode vi, String name) throws IOException {
    if (vi.compressed()) {
      return new ErofsCompressedSource(this, vi, name);
    }
    return new ErofsFlatSource(this, vi, name);
  }

  /** The extents of a compressed inode in logical order (empty for uncompressed inodes). */
  public List<ErofsExtent> extents(ErofsInode vi) throws IOException {
    List<ErofsExtent> out = new ArrayList<>();
    if (!vi.compressed() || vi.size() == 0) {
      return out;
    }
    ZMap map = new ZMap(this, vi);
    long pos = 0;
    while (pos < vi.size()) {
      ErofsExtent e = map.map(pos);
      out.add(e);
      pos = e.logicalStart() + e.logicalLength();
    }
    return out;
  }

  /**
   * The end of the bytes inode {@code vi} owns in the metadata area: the inode, its xattrs, and after them its
   * inline tail, chunk indexes or compression indexes (with a tail-packed pcluster). An editor may rewrite
   * anything in {@code [vi.offset(), slotEnd(vi))} without touching another inode.
   */
  public long slotEnd(ErofsInode vi) throws IOException {
    long tail = vi.tailOffset();
    int bs = sb.blockSize();
    switch (vi.layout()) {
      case ErofsInode.FLAT_INLINE: {
        if (vi.size() == 0) {
          return tail;
        }
        long blocks = (vi.size() + bs - 1) / bs;
        return tail + (vi.size() - (blocks - 1) * bs);
      }
      case ErofsInode.CHUNK_BASED: {
        int fmt = (int) (vi.rawU() & 0xffff);
        int chunkBits = sb.blockSizeBits() + (fmt & 0x1F);
        int entry = (fmt & 0x20) != 0 ? 8 : 4;
        long base = (tail + entry - 1) & ~(long) (entry - 1);
        long chunks = chunkBits >= 63 ? 1 : (vi.size() + (1L << chunkBits) - 1) >>> chunkBits;
        return base + chunks * entry;
      }
      case ErofsInode.COMPRESSED_FULL:
      case ErofsInode.COMPRESSED_COMPACT:
        return new ZMap(this, vi).ownedEnd();
      default:
        return tail;
    }
  }

  void readFragment(long offset, byte[] out, int len, ErofsInode owner) throws IOException {
    ByteSource p = packed;
    if (p == null) {
      synchronized (this) {
        if (packed == null) {
          if (!sb.has(ErofsSuperblock.INCOMPAT_FRAGMENTS)) {
            throw corrupt(owner.offset(), "nid " + owner.nid() + " refers to a fragment but there is no packed inode");
          }
          ErofsInode pi = inode(sb.packedNid());
          if (pi.type() != FileType.REGULAR) {
            throw corrupt(pi.offset(), "packed inode " + sb.packedNid() + " is not a regular file");
          }
          packed = new FragmentGuard(data(pi, "packed inode"));
        }
        p = packed;
      }
    }
    if (offset < 0 || offset > p.size() - len) {
      throw corrupt(owner.offset(), "fragment [" + offset + ", +" + len + ") of nid " + owner.nid()
          + " lies outside the packed inode (" + p.size() + " bytes)");
    }
    ByteBuffer buf = ByteBuffer.wrap(out, 0, len);
    long pos = offset;
    while (buf.hasRemaining()) {
      int n = p.read(pos, buf);
      if (n <= 0) {
        throw corrupt(owner.offset(), "packed inode ends early");
      }
      pos += n;
    }
  }

  /** Stops a packed inode that itself claims to live in a fragment from recursing forever. */
  private static final class FragmentGuard implements ByteSource {
    private final ByteSource inner;
    private final ThreadLocal<Boolean> busy = ThreadLocal.withInitial(() -> false);

    FragmentGuard(ByteSource inner) {
      this.inner = inner;
    }

    @Override
    public long size() {
      return inner.size();
    }

    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public int read(long position, ByteBuffer dst) throws IOException {
      if (busy.get()) {
        throw RomFormatException.corrupt(inner.name(), "erofs", RomFormatException.NO_OFFSET,
            "the packed inode refers to a fragment of itself");
      }
      busy.set(true);
      try {
        return inner.read(position, dst);
      } finally {
        busy.set(false);
      }
    }
  }

  @Override
  public ByteSource content(FsEntry file) throws IOException {
    if (!file.isRegular()) {
      throw new IllegalArgumentException(file.path() + " is not a regular file");
    }
    return data(inode(file.inode()), source.name() + ":" + file.path());
  }

  // ---- xattrs ----------------------------------------------------------------------------------------

  private static String shortPrefix(int index) {
    switch (index) {
      case 1: return "user.";
      case 2: return "system.posix_acl_access";
      case 3: return "system.posix_acl_default";
      case 4: return "trusted.";
      case 5: return "lustre.";
      case 6: return "security.";
      default: return null;
    }
  }

  private List<String> longPrefixes() throws IOException {
    List<String> l = longPrefixes;
    if (l != null) {
      return l;
    }
    List<String> out = new ArrayList<>();
    if (sb.has(ErofsSuperblock.INCOMPAT_XATTR_PREFIXES) && sb.xattrPrefixCount() > 0) {
      long pos = sb.xattrPrefixStart() * 4;
      ByteSource where = source;
      if (sb.has(ErofsSuperblock.INCOMPAT_FRAGMENTS) && sb.packedNid() != 0) {
        ErofsInode pi = inode(sb.packedNid());
        where = data(pi, "packed inode");
      }
      for (int i = 0; i < sb.xattrPrefixCount(); i++) {
        pos = (pos + 3) & ~3L;
        byte[] lenB = readFrom(where, pos, 2);
        int len = u16(lenB, 0);
        if (len < 1) {
          throw corrupt(pos, "empty long xattr prefix " + i);
        }
        byte[] p = readFrom(where, pos + 2, len);
        String base = shortPrefix(u8(p, 0));
        if (base == null) {
          throw corrupt(pos, "long xattr prefix " + i + " has unknown base index " + u8(p, 0));
        }
        out.add(base + new String(p, 1, len - 1, StandardCharsets.UTF_8));
        pos += 2 + len;
      }
    }
    longPrefixes = List.copyOf(out);
    return longPrefixes;
  }

  private byte[] readFrom(ByteSource s, long pos, int len) throws IOException {
    if (pos < 0 || pos > s.size() - len) {
      throw corrupt(pos, "xattr prefix table lies outside its area");
    }
    return s.readFully(pos, len);
  }

  private String xattrName(int index, byte[] b, int off, int len, long where) throws IOException {
    String prefix;
    if ((index & 0x80) != 0 && sb.has(ErofsSuperblock.INCOMPAT_XATTR_PREFIXES)) {
      List<String> l = longPrefixes();
      int i = index & 0x7f;
      if (i >= l.size()) {
        throw corrupt(where, "xattr refers to long prefix " + i + " of " + l.size());
      }
      prefix = l.get(i);
    } else {
      prefix = shortPrefix(index);
      if (prefix == null) {
        throw corrupt(where, "unknown xattr name index " + index);
      }
    }
    return prefix + new String(b, off, len, StandardCharsets.UTF_8);
  }

  /** Every xattr of an inode: shared ones (by id) and inline ones. */
  public SortedMap<String, byte[]> xattrs(ErofsInode vi) throws IOException {
    SortedMap<String, byte[]> out = new TreeMap<>();
    if (vi.xattrSize() == 0) {
      return out;
    }
    long base = vi.offset() + vi.inodeSize();
    byte[] area = readAt(base, vi.xattrSize(), "xattrs of nid " + vi.nid());
    if (area.length < 12) {
      throw corrupt(base, "xattr area of nid " + vi.nid() + " is too small");
    }
    int shared = u8(area, 4);
    int pos = 12 + 4 * shared;
    if (pos > area.length) {
      throw corrupt(base + 4, "nid " + vi.nid() + " claims " + shared + " shared xattrs in " + area.length
          + " bytes");
    }
    for (int i = 0; i < shared; i++) {
      long id = u32(area, 12 + 4 * i);
      String[] kv = sharedXattr(id, vi);
      out.putIfAbsent(kv[0], kv[1].getBytes(StandardCharsets.ISO_8859_1));
    }
    int count = 0;
    while (pos + 4 <= area.length) {
      int nameLen = u8(area, pos);
      int index = u8(area, pos + 1);
      int valueSize = u16(area, pos + 2);
      int end = pos + 4 + nameLen + valueSize;
      if (end > area.length) {
        throw corrupt(base + pos, "inline xattr of nid " + vi.nid() + " runs past the xattr area");
      }
      if (++count > 4096) {
        throw corrupt(base + pos, "too many xattrs in nid " + vi.nid());
      }
      String name = xattrName(index, area, pos + 4, nameLen, base + pos);
      out.putIfAbsent(name, java.util.Arrays.copyOfRange(area, pos + 4 + nameLen, end));
      pos = (end + 3) & ~3;
    }
    return out;
  }

  private String[] sharedXattr(long id, ErofsInode vi) throws IOException {
    synchronized (sharedXattrCache) {
      String[] c = sharedXattrCache.get(id);
      if (c != null) {
        return c;
      }
    }
    long pos = (sb.xattrBlkaddr() << sb.blockSizeBits()) + id * 4;
    byte[] h = readAt(pos, 4, "shared xattr " + id + " of nid " + vi.nid());
    int nameLen = u8(h, 0);
    int valueSize = u16(h, 2);
    byte[] body = readAt(pos + 4, nameLen + valueSize, "shared xattr " + id + " of nid " + vi.nid());
    String name = xattrName(u8(h, 1), body, 0, nameLen, pos);
    String[] kv = {name, new String(body, nameLen, valueSize, StandardCharsets.ISO_8859_1)};
    synchronized (sharedXattrCache) {
      sharedXattrCache.put(id, kv);
    }
    return kv;
  }

  // ---- directories -----------------------------------------------------------------------------------

  /**
   * One directory entry as stored; {@code rawName} is the name's bytes (exact even when they are not valid
   * UTF-8, which {@code name} cannot show). Do not modify it.
   */
  public record DirEntry(String name, long nid, int fileType, byte[] rawName) {
    public DirEntry(String name, long nid, int fileType) {
      this(name, nid, fileType, name.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Entries of a directory without "." and "..", in on-disk (sorted) order. */
  public List<DirEntry> readDirectory(ErofsInode dir) throws IOException {
    if (dir.type() != FileType.DIRECTORY) {
      throw new IllegalArgumentException("nid " + dir.nid() + " is not a directory");
    }
    if (dir.size() > MAX_DIR_SIZE) {
      throw corrupt(dir.offset() + 8, "directory nid " + dir.nid() + " is " + dir.size() + " bytes");
    }
    List<DirEntry> out = new ArrayList<>();
    int bs = sb.blockSize();
    ByteSource data = data(dir, "directory nid " + dir.nid());
    byte[] block = new byte[bs];
    for (long start = 0; start < dir.size(); start += bs) {
      int len = (int) Math.min(bs, dir.size() - start);
      ByteBuffer buf = ByteBuffer.wrap(block, 0, len);
      long p = start;
      while (buf.hasRemaining()) {
        int n = data.read(p, buf);
        if (n <= 0) {
          throw corrupt(dir.offset(), "directory nid " + dir.nid() + " ends early");
        }
        p += n;
      }
      parseDirBlock(block, len, dir, start, out);
    }
    return out;
  }

  private void parseDirBlock(byte[] b, int len, ErofsInode dir, long blockStart, List<DirEntry> out)
      throws IOException {
    String where = "directory nid " + dir.nid() + " at byte " + blockStart;
    if (len < 12) {
      throw corrupt(dir.offset(), where + ": block of " + len + " bytes has no entry");
    }
    int nameoff0 = u16(b, 8);
    if (nameoff0 < 12 || nameoff0 % 12 != 0 || nameoff0 > len) {
      throw corrupt(dir.offset(), where + ": first name offset " + nameoff0 + " is invalid");
    }
    int n = nameoff0 / 12;
    for (int i = 0; i < n; i++) {
      int d = 12 * i;
      long nid = u64(b, d);
      int nameoff = u16(b, d + 8);
      int type = u8(b, d + 10);
      int nameEnd;
      if (i + 1 < n) {
        nameEnd = u16(b, d + 12 + 8);
      } else {
        nameEnd = len;
        while (nameEnd > nameoff && b[nameEnd - 1] == 0) {
          nameEnd--;
        }
      }
      if (nameoff < nameoff0 || nameEnd > len || nameEnd <= nameoff || nameEnd - nameoff > 255) {
        throw corrupt(dir.offset(), where + ": entry " + i + " has name bounds " + nameoff + ".." + nameEnd);
      }
      String name = new String(b, nameoff, nameEnd - nameoff, StandardCharsets.UTF_8);
      if (name.equals(".") || name.equals("..")) {
        continue;
      }
      if (name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
        throw corrupt(dir.offset(), where + ": entry named \"" + name.replace("\0", "\\0")
            + "\" contains '/' or NUL");
      }
      if (out.size() >= MAX_DIR_ENTRIES) {
        throw corrupt(dir.offset(), where + ": more than " + MAX_DIR_ENTRIES + " entries");
      }
      out.add(new DirEntry(name, nid, type, java.util.Arrays.copyOfRange(b, nameoff, nameEnd)));
    }
  }

  // ---- FileSystemImage -------------------------------------------------------------------------------

  @Override
  public FsEntry root() throws IOException {
    return entry("/", sb.rootNid());
  }

  /** The model entry for node {@code nid} seen at {@code path}. */
  public FsEntry entry(String path, long nid) throws IOException {
    ErofsInode vi = inode(nid);
    FileType type = vi.type();
    if (type == null) {
      throw corrupt(vi.offset(), String.format("nid %d (%s) has unknown mode 0%o", nid, path, vi.mode()));
    }
    String target = null;
    if (type == FileType.SYMLINK) {
      if (vi.size() > MAX_SYMLINK || vi.size() == 0) {
        throw corrupt(vi.offset() + 8, "symlink nid " + nid + " has size " + vi.size());
      }
      ByteSource d = data(vi, path);
      byte[] t = new byte[(int) vi.size()];
      ByteBuffer buf = ByteBuffer.wrap(t);
      long p = 0;
      while (buf.hasRemaining()) {
        int n = d.read(p, buf);
        if (n <= 0) {
          throw corrupt(vi.offset(), "symlink nid " + nid + " is truncated");
        }
        p += n;
      }
      target = new String(t, StandardCharsets.UTF_8);
    }
    long rdev = 0;
    if (type == FileType.CHAR_DEVICE || type == FileType.BLOCK_DEVICE) {
      long d = vi.rawU();
      rdev = FsEntry.makedev((d & 0xfff00) >>> 8, (d & 0xff) | ((d >>> 12) & 0xfff00));
    }
    long size = type == FileType.REGULAR || type == FileType.SYMLINK || type == FileType.DIRECTORY ? vi.size() : 0;
    return new FsEntry(path, nid, type, size, vi.uid(), vi.gid(), vi.mode() & 07777, vi.mtime(),
        vi.mtimeNanos(), vi.nlink(), rdev, target, xattrs(vi));
  }

  @Override
  public List<FsEntry> list(FsEntry directory) throws IOException {
    if (!directory.isDirectory()) {
      throw new IllegalArgumentException(directory.path() + " is not a directory");
    }
    ErofsInode dir = inode(directory.inode());
    List<DirEntry> entries = new ArrayList<>(readDirectory(dir));
    entries.sort((a, b) -> a.name().compareTo(b.name()));
    String base = directory.path().equals("/") ? "/" : directory.path() + "/";
    List<FsEntry> out = new ArrayList<>(entries.size());
    String previous = null;
    for (DirEntry e : entries) {
      if (e.name().equals(previous)) {
        throw corrupt(dir.offset(), "directory " + directory.path() + " lists \"" + e.name() + "\" twice");
      }
      previous = e.name();
      out.add(entry(base + e.name(), e.nid()));
    }
    return out;
  }

  @Override
  public Optional<FsEntry> lookup(String path) throws IOException {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("not an absolute path: " + path);
    }
    long nid = sb.rootNid();
    StringBuilder at = new StringBuilder();
    for (String part : path.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      ErofsInode dir = inode(nid);
      if (dir.type() != FileType.DIRECTORY) {
        return Optional.empty();
      }
      long found = -1;
      for (DirEntry e : readDirectory(dir)) {
        if (e.name().equals(part)) {
          found = e.nid();
          break;
        }
      }
      if (found < 0) {
        return Optional.empty();
      }
      nid = found;
      at.append('/').append(part);
    }
    return Optional.of(entry(at.length() == 0 ? "/" : at.toString(), nid));
  }

  @Override
  public void close() throws IOException {
    source.close();
  }
}
