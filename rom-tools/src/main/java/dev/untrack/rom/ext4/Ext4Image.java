package dev.untrack.rom.ext4;

import static dev.untrack.rom.io.LittleEndian.u16;
import static dev.untrack.rom.io.LittleEndian.u32;
import static dev.untrack.rom.io.LittleEndian.u8;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.fs.Crc32c;
import dev.untrack.rom.fs.FileSystemImage;
import dev.untrack.rom.fs.FileType;
import dev.untrack.rom.fs.FsEntry;
import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.ByteSource;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A read-only ext4 (and ext2/ext3) image. Directories are read linearly, so hashed (htree) directories need no
 * special handling: their index blocks hold only empty entries. Metadata checksums (superblock, group
 * descriptors, inodes, extent blocks, xattr blocks) are verified when {@code metadata_csum} is set.
 *
 * <p>Beyond {@link FileSystemImage}, the inode-level methods ({@link #inode}, {@link #mapping},
 * {@link #superblock}) expose where things are in the image, for tools that edit it in place.
 */
public final class Ext4Image implements FileSystemImage {
  public static final long ROOT_INODE = 2;
  static final int MAX_DIR_ENTRIES = 1_000_000;
  static final long MAX_DIR_SIZE = 512L * 1024 * 1024;
  static final int MAX_SYMLINK = 65536;
  static final int MAX_EXTENTS = 16_000_000;

  private final ByteSource source;
  private final Ext4Superblock sb;
  private final long[] inodeTables;
  private final Map<Long, SortedMap<String, byte[]>> xattrBlockCache =
      new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, SortedMap<String, byte[]>> eldest) {
          return size() > 256;
        }
      };

  private Ext4Image(ByteSource source, Ext4Superblock sb) {
    this.source = source;
    this.sb = sb;
    this.inodeTables = new long[(int) sb.groupCount()];
    java.util.Arrays.fill(inodeTables, -1);
  }

  /** Opens an image; the source stays owned by the caller unless {@link #close()} is called. */
  public static Ext4Image open(ByteSource source) throws IOException {
    if (source.size() < Ext4Superblock.OFFSET + Ext4Superblock.SIZE) {
      throw RomFormatException.corrupt(source.name(), "ext4", RomFormatException.NO_OFFSET,
          "too small for an ext4 superblock (" + source.size() + " bytes)");
    }
    byte[] raw = source.readFully(Ext4Superblock.OFFSET, Ext4Superblock.SIZE);
    Ext4Superblock sb = Ext4Superblock.parse(raw, source.name());
    long groups = sb.groupCount();
    if (groups > (1 << 24) || groups * sb.inodesPerGroup() < sb.inodesCount()) {
      throw RomFormatException.corrupt(source.name(), "ext4", Ext4Superblock.OFFSET,
          "inode count " + sb.inodesCount() + " does not fit " + groups + " groups of " + sb.inodesPerGroup());
    }
    Ext4Image image = new Ext4Image(source, sb);
    Ext4Inode root = image.inode(ROOT_INODE);
    if (root.type() != FileType.DIRECTORY) {
      throw image.corrupt(root.offset(), "root inode is not a directory");
    }
    return image;
  }

  public Ext4Superblock superblock() {
    return sb;
  }

  public ByteSource source() {
    return source;
  }

  @Override
  public String format() {
    return "ext4";
  }

  @Override
  public int blockSize() {
    return sb.blockSize();
  }

  @Override
  public String volumeName() {
    return !sb.volumeName().isEmpty() ? sb.volumeName() : sb.lastMounted();
  }

  /** Whether RO_COMPAT {@code shared_blocks} is set (deduplicated blocks: never write into one in place). */
  public boolean hasSharedBlocks() {
    return sb.sharedBlocks();
  }

  // ---- low-level reads -------------------------------------------------------------------------------

  RomFormatException corrupt(long offset, String detail) {
    return RomFormatException.corrupt(source.name(), "ext4", offset, detail);
  }

  RomFormatException unsupported(long offset, String detail) {
    return RomFormatException.unsupported(source.name(), "ext4", offset, detail);
  }

  byte[] readAt(long pos, int len, String what) throws IOException {
    if (pos < 0 || len < 0 || pos > source.size() - len) {
      throw corrupt(pos, what + " (" + len + " bytes) lies past the end of the image (" + source.size() + ")");
    }
    try {
      return source.readFully(pos, len);
    } catch (EOFException e) {
      throw RomFormatException.corrupt(source.name(), "ext4", pos, what + ": " + e.getMessage(), e);
    }
  }

  void readFullyAt(long pos, ByteBuffer dst) throws IOException {
    int len = dst.remaining();
    if (pos < 0 || pos > source.size() - len) {
      throw corrupt(pos, "file data (" + len + " bytes) lies past the end of the image (" + source.size() + ")");
    }
    long p = pos;
    while (dst.hasRemaining()) {
      int n = source.read(p, dst);
      if (n < 0) {
        throw corrupt(p, "unexpected end of image");
      }
      p += n;
    }
  }

  void checkBlockRange(long block, long count, String what) throws IOException {
    if (block < 0 || count < 0 || block >= sb.blocksCount() || count > sb.blocksCount() - block) {
      throw corrupt(RomFormatException.NO_OFFSET,
          what + " points at blocks " + block + "+" + count + ", outside the filesystem (" + sb.blocksCount()
              + " blocks)");
    }
  }

  byte[] readBlock(long block, String what) throws IOException {
    checkBlockRange(block, 1, what);
    return readAt(block * sb.blockSize(), sb.blockSize(), what);
  }

  // ---- group descriptors and inodes ------------------------------------------------------------------

  private boolean groupHasSuper(long g) {
    if (g <= 1 || (sb.featureRoCompat() & 0x1) == 0) {
      return true;
    }
    for (long base : new long[] {3, 5, 7}) {
      long p = base;
      while (p < g) {
        p *= base;
      }
      if (p == g) {
        return true;
      }
    }
    return false;
  }

  private long descriptorOffset(long group) {
    int bs = sb.blockSize();
    long perBlock = bs / sb.descSize();
    long descBlock = group / perBlock;
    long block;
    if ((sb.featureIncompat() & Ext4Superblock.INCOMPAT_META_BG) != 0 && descBlock >= sb.firstMetaBg()) {
      long firstGroup = descBlock * perBlock;
      block = sb.firstDataBlock() + firstGroup * sb.blocksPerGroup() + (groupHasSuper(firstGroup) ? 1 : 0);
    } else {
      block = sb.firstDataBlock() + 1 + descBlock;
    }
    return block * bs + (group % perBlock) * sb.descSize();
  }

  /** Block number of a group's inode table (from its descriptor, checksum verified). */
  public synchronized long inodeTableBlock(long group) throws IOException {
    if (group < 0 || group >= inodeTables.length) {
      throw corrupt(RomFormatException.NO_OFFSET, "block group " + group + " does not exist");
    }
    if (inodeTables[(int) group] >= 0) {
      return inodeTables[(int) group];
    }
    long off = descriptorOffset(group);
    byte[] d = readAt(off, sb.descSize(), "group descriptor " + group);
    if (sb.metadataCsum()) {
      int c = Crc32c.updateInt(sb.checksumSeed(), (int) group);
      c = Crc32c.update(c, d, 0, 0x1E);
      c = Crc32c.updateZeros(c, 2);
      c = Crc32c.update(c, d, 0x20, d.length - 0x20);
      if ((c & 0xffff) != u16(d, 0x1E)) {
        throw corrupt(off + 0x1E, "checksum mismatch in group descriptor " + group);
      }
    }
    long table = u32(d, 0x8);
    if (sb.descSize() >= 64) {
      table |= u32(d, 0x28) << 32;
    }
    long tableBlocks = (sb.inodesPerGroup() * sb.inodeSize() + sb.blockSize() - 1) / sb.blockSize();
    checkBlockRange(table, tableBlocks, "inode table of group " + group);
    inodeTables[(int) group] = table;
    return table;
  }

  /** Reads and verifies inode {@code number} (1-based). */
  public Ext4Inode inode(long number) throws IOException {
    if (number < 1 || number > sb.inodesCount()) {
      throw corrupt(RomFormatException.NO_OFFSET,
          "inode number " + number + " is outside 1.." + sb.inodesCount());
    }
    long group = (number - 1) / sb.inodesPerGroup();
    long index = (number - 1) % sb.inodesPerGroup();
    long off = inodeTableBlock(group) * sb.blockSize() + index * sb.inodeSize();
    byte[] raw = readAt(off, sb.inodeSize(), "inode " + number);
    Ext4Inode inode = new Ext4Inode(number, off, raw);
    if (raw.length > 128) {
      int extra = inode.extraIsize();
      if (extra > raw.length - 128 || (extra & 3) != 0) {
        throw corrupt(off + 0x80, "inode " + number + " has impossible i_extra_isize " + extra);
      }
    }
    if (sb.metadataCsum()) {
      verifyInodeChecksum(inode, raw, off);
    }
    return inode;
  }

  private void verifyInodeChecksum(Ext4Inode inode, byte[] raw, long off) throws IOException {
    int c = inodeSeed(inode);
    c = Crc32c.update(c, raw, 0, 0x7C);
    c = Crc32c.updateZeros(c, 2);
    c = Crc32c.update(c, raw, 0x7E, 128 - 0x7E);
    boolean hasHi = raw.length > 128 && inode.extraIsize() >= 4;
    if (raw.length > 128) {
      c = Crc32c.update(c, raw, 128, 0x82 - 128);
      int from = 0x82;
      if (hasHi) {
        c = Crc32c.updateZeros(c, 2);
        from = 0x84;
      }
      c = Crc32c.update(c, raw, from, raw.length - from);
    }
    int stored = u16(raw, 0x7C) | (hasHi ? u16(raw, 0x82) << 16 : 0);
    int computed = hasHi ? c : c & 0xffff;
    if (stored != computed) {
      throw corrupt(off + 0x7C, "checksum mismatch in inode " + inode.number());
    }
  }

  int inodeSeed(Ext4Inode inode) {
    int c = Crc32c.updateInt(sb.checksumSeed(), (int) inode.number());
    return Crc32c.updateInt(c, inode.generation());
  }

  /**
   * The file's logical-to-physical block runs (extents, or coalesced runs of a legacy block map). Empty for
   * inline-data and fast-symlink inodes.
   */
  public List<Ext4Extent> mapping(Ext4Inode inode) throws IOException {
    if (inode.hasFlag(Ext4Inode.FLAG_INLINE_DATA) || isFastSymlink(inode)) {
      return List.of();
    }
    return BlockMapper.of(this, inode).all(MAX_EXTENTS);
  }

  // ---- content ---------------------------------------------------------------------------------------

  private boolean isFastSymlink(Ext4Inode inode) {
    if (inode.type() != FileType.SYMLINK || inode.hasFlag(Ext4Inode.FLAG_INLINE_DATA)) {
      return false;
    }
    if (inode.hasFlag(Ext4Inode.FLAG_EXTENTS)) {
      return false;
    }
    long eaBlocks = inode.fileAcl() != 0 ? sb.blockSize() / 512 : 0;
    return inode.blocksRaw() - eaBlocks == 0 && inode.size() < 60;
  }

  /** The bytes of an inode's data (regular file, directory, symlink), however stored. */
  ByteSource data(Ext4Inode inode, String name) throws IOException {
    long size = inode.size();
    if (size < 0) {
      throw corrupt(inode.offset() + 4, "inode " + inode.number() + " has a negative size");
    }
    if (inode.hasFlag(Ext4Inode.FLAG_INLINE_DATA)) {
      return new ArrayByteSource(inlineData(inode), name);
    }
    if (isFastSymlink(inode)) {
      byte[] b = inode.iBlock();
      return new ArrayByteSource(java.util.Arrays.copyOf(b, (int) size), name);
    }
    long maxBytes = (1L << 32) * sb.blockSize();
    if (size > maxBytes) {
      throw corrupt(inode.offset() + 4, "inode " + inode.number() + " claims " + size + " bytes");
    }
    return new Ext4FileSource(this, inode, size, name);
  }

  private byte[] inlineData(Ext4Inode inode) throws IOException {
    long size = inode.size();
    byte[] head = inode.iBlock();
    if (size <= 60) {
      return java.util.Arrays.copyOf(head, (int) size);
    }
    byte[] rest = inInodeXattrs(inode, true).get("system.data");
    long restLen = rest == null ? 0 : rest.length;
    if (size > 60 + restLen) {
      throw corrupt(inode.offset(), "inline data of inode " + inode.number() + " is shorter than its size "
          + size);
    }
    byte[] out = new byte[(int) size];
    System.arraycopy(head, 0, out, 0, 60);
    System.arraycopy(rest, 0, out, 60, (int) size - 60);
    return out;
  }

  @Override
  public ByteSource content(FsEntry file) throws IOException {
    if (!file.isRegular()) {
      throw new IllegalArgumentException(file.path() + " is not a regular file");
    }
    return data(inode(file.inode()), source.name() + ":" + file.path());
  }

  // ---- xattrs ----------------------------------------------------------------------------------------

  private SortedMap<String, byte[]> inInodeXattrs(Ext4Inode inode, boolean keepSystemData) throws IOException {
    SortedMap<String, byte[]> out = new TreeMap<>();
    byte[] raw = inode.rawShared();
    if (raw.length <= 128) {
      return out;
    }
    int start = 128 + inode.extraIsize();
    if (start + 4 <= raw.length && (int) u32(raw, start) == Ext4Xattrs.MAGIC) {
      Ext4Xattrs.parse(this, raw, start + 4, raw.length, start + 4, inode.offset(), inode.number(), out);
    }
    if (!keepSystemData) {
      out.remove("system.data");
    }
    return out;
  }

  private SortedMap<String, byte[]> blockXattrs(Ext4Inode inode) throws IOException {
    long block = inode.fileAcl();
    if (block == 0) {
      return Collections.emptySortedMap();
    }
    synchronized (xattrBlockCache) {
      SortedMap<String, byte[]> cached = xattrBlockCache.get(block);
      if (cached != null) {
        return cached;
      }
    }
    byte[] b = readBlock(block, "xattr block of inode " + inode.number());
    long off = block * sb.blockSize();
    if ((int) u32(b, 0) != Ext4Xattrs.MAGIC) {
      throw corrupt(off, "xattr block of inode " + inode.number() + " has no 0xEA020000 magic");
    }
    if (u32(b, 8) != 1) {
      throw corrupt(off + 8, "xattr block of inode " + inode.number() + " spans " + u32(b, 8) + " blocks");
    }
    if (sb.metadataCsum()) {
      int c = Crc32c.updateInt(sb.checksumSeed(), (int) block);
      c = Crc32c.updateInt(c, (int) (block >>> 32));
      c = Crc32c.update(c, b, 0, 0x10);
      c = Crc32c.updateZeros(c, 4);
      c = Crc32c.update(c, b, 0x14, b.length - 0x14);
      if (c != (int) u32(b, 0x10)) {
        throw corrupt(off + 0x10, "checksum mismatch in xattr block " + block);
      }
    }
    SortedMap<String, byte[]> out = new TreeMap<>();
    Ext4Xattrs.parse(this, b, 32, b.length, 0, off, inode.number(), out);
    SortedMap<String, byte[]> result = Collections.unmodifiableSortedMap(out);
    synchronized (xattrBlockCache) {
      xattrBlockCache.put(block, result);
    }
    return result;
  }

  /** Every xattr of an inode: in-inode ones first, then the xattr block's (an in-inode name wins). */
  public SortedMap<String, byte[]> xattrs(Ext4Inode inode) throws IOException {
    SortedMap<String, byte[]> out = inInodeXattrs(inode, false);
    for (Map.Entry<String, byte[]> e : blockXattrs(inode).entrySet()) {
      out.putIfAbsent(e.getKey(), e.getValue().clone());
    }
    return out;
  }

  byte[] eaInodeValue(long ino, int size, long owner) throws IOException {
    if ((sb.featureIncompat() & Ext4Superblock.INCOMPAT_EA_INODE) == 0 || ino == owner) {
      throw corrupt(RomFormatException.NO_OFFSET, "inode " + owner + " has an xattr value in inode " + ino
          + " but the filesystem has no ea_inode feature");
    }
    Ext4Inode ea = inode(ino);
    if (!ea.hasFlag(Ext4Inode.FLAG_EA_INODE) || ea.size() < size || ea.hasFlag(Ext4Inode.FLAG_INLINE_DATA)) {
      throw corrupt(ea.offset(), "inode " + ino + " is not a valid xattr value inode for inode " + owner);
    }
    ByteSource data = new Ext4FileSource(this, ea, size, "xattr inode " + ino);
    byte[] v = new byte[size];
    ByteBuffer buf = ByteBuffer.wrap(v);
    long pos = 0;
    while (buf.hasRemaining()) {
      int n = data.read(pos, buf);
      if (n <= 0) {
        throw corrupt(ea.offset(), "xattr value inode " + ino + " ends early");
      }
      pos += n;
    }
    return v;
  }

  // ---- directories -----------------------------------------------------------------------------------

  /** One directory entry as stored: name and inode number. */
  public record DirEntry(String name, long inode, int fileType, byte[] rawName) {
    /** With {@code rawName} the UTF-8 bytes of {@code name}. */
    public DirEntry(String name, long inode, int fileType) {
      this(name, inode, fileType, name.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The entries of a directory inode, without "." and "..", in on-disk order. */
  public List<DirEntry> readDirectory(Ext4Inode dir) throws IOException {
    if (dir.type() != FileType.DIRECTORY) {
      throw new IllegalArgumentException("inode " + dir.number() + " is not a directory");
    }
    if (dir.size() > MAX_DIR_SIZE) {
      throw corrupt(dir.offset() + 4, "directory inode " + dir.number() + " is " + dir.size() + " bytes");
    }
    List<DirEntry> out = new ArrayList<>();
    if (dir.hasFlag(Ext4Inode.FLAG_INLINE_DATA)) {
      byte[] data = inlineData(dir);
      // i_block starts with the parent's inode number, then entries fill the rest of i_block and system.data
      int headEnd = Math.min(60, data.length);
      parseDirBlock(data, 4, headEnd, dir.offset() + 0x28, dir, out);
      if (data.length > 60) {
        parseDirBlock(data, 60, data.length, dir.offset(), dir, out);
      }
      return out;
    }
    int bs = sb.blockSize();
    BlockMapper mapper = BlockMapper.of(this, dir);
    long blocks = (dir.size() + bs - 1) / bs;
    byte[] block = new byte[bs];
    for (long lblk = 0; lblk < blocks; lblk++) {
      BlockRun run = mapper.lookup(lblk);
      if (run.physical() < 0) {
        continue;
      }
      long where = run.physical() * bs;
      readFullyAt(where, ByteBuffer.wrap(block));
      parseDirBlock(block, 0, bs, where, dir, out);
    }
    return out;
  }

  private int recLen(int raw) {
    if (sb.blockSize() < 65536) {
      return raw;
    }
    if (raw == 65535 || raw == 0) {
      return 65536;
    }
    return (raw & 65532) | ((raw & 3) << 16);
  }

  private void parseDirBlock(byte[] b, int start, int end, long where, Ext4Inode dir, List<DirEntry> out)
      throws IOException {
    int pos = start;
    boolean filetype = sb.hasFiletype();
    while (pos < end) {
      if (pos + 8 > end) {
        throw corrupt(where + pos, "truncated directory entry in inode " + dir.number());
      }
      long ino = u32(b, pos);
      int rec = recLen(u16(b, pos + 4));
      int nameLen = filetype ? u8(b, pos + 6) : u16(b, pos + 6);
      int type = filetype ? u8(b, pos + 7) : 0;
      if (rec < 8 || (rec & 3) != 0 || rec > end - pos || 8 + nameLen > rec) {
        throw corrupt(where + pos, "bad directory entry (rec_len " + rec + ", name_len " + nameLen
            + ") in inode " + dir.number());
      }
      if (ino != 0 && nameLen > 0) {
        String name = new String(b, pos + 8, nameLen, StandardCharsets.UTF_8);
        if (!name.equals(".") && !name.equals("..")) {
          checkName(name, where + pos, dir);
          if (out.size() >= MAX_DIR_ENTRIES) {
            throw corrupt(where + pos, "directory inode " + dir.number() + " has more than " + MAX_DIR_ENTRIES
                + " entries");
          }
          out.add(new DirEntry(name, ino, type, java.util.Arrays.copyOfRange(b, pos + 8, pos + 8 + nameLen)));
        }
      }
      pos += rec;
    }
  }

  private void checkName(String name, long where, Ext4Inode dir) throws IOException {
    if (name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
      throw corrupt(where, "directory inode " + dir.number() + " has an entry named \""
          + name.replace("\0", "\\0") + "\" (contains '/' or NUL)");
    }
  }

  // ---- FileSystemImage -------------------------------------------------------------------------------

  @Override
  public FsEntry root() throws IOException {
    return entry("/", ROOT_INODE);
  }

  /** The model entry for inode {@code number} seen at {@code path}. */
  public FsEntry entry(String path, long number) throws IOException {
    Ext4Inode inode = inode(number);
    FileType type = inode.type();
    if (type == null) {
      throw corrupt(inode.offset(), String.format("inode %d (%s) has unknown mode 0%o", number, path,
          inode.mode()));
    }
    String target = null;
    if (type == FileType.SYMLINK) {
      if (inode.size() > MAX_SYMLINK || inode.size() == 0) {
        throw corrupt(inode.offset() + 4, "symlink inode " + number + " has size " + inode.size());
      }
      try (ByteSource d = data(inode, path)) {
        byte[] t = d.readFully(0, (int) inode.size());
        target = new String(t, StandardCharsets.UTF_8);
      } catch (EOFException e) {
        throw corrupt(inode.offset(), "symlink inode " + number + " is truncated");
      }
    }
    long rdev = 0;
    if (type == FileType.CHAR_DEVICE || type == FileType.BLOCK_DEVICE) {
      long[] d = inode.device();
      rdev = FsEntry.makedev(d[0], d[1]);
    }
    long size = type == FileType.REGULAR || type == FileType.SYMLINK || type == FileType.DIRECTORY
        ? inode.size() : 0;
    return new FsEntry(path, number, type, size, inode.uid(), inode.gid(), inode.mode() & 07777, inode.mtime(),
        inode.mtimeNanos(), inode.linksCount(), rdev, target, xattrs(inode));
  }

  @Override
  public List<FsEntry> list(FsEntry directory) throws IOException {
    if (!directory.isDirectory()) {
      throw new IllegalArgumentException(directory.path() + " is not a directory");
    }
    Ext4Inode dir = inode(directory.inode());
    List<DirEntry> entries = new ArrayList<>(readDirectory(dir));
    entries.sort((a, b) -> a.name().compareTo(b.name()));
    List<FsEntry> out = new ArrayList<>(entries.size());
    String base = directory.path().equals("/") ? "/" : directory.path() + "/";
    String previous = null;
    for (DirEntry e : entries) {
      if (e.name().equals(previous)) {
        throw corrupt(dir.offset(), "directory " + directory.path() + " lists \"" + e.name() + "\" twice");
      }
      previous = e.name();
      out.add(entry(base + e.name(), e.inode()));
    }
    return out;
  }

  @Override
  public Optional<FsEntry> lookup(String path) throws IOException {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("not an absolute path: " + path);
    }
    long ino = ROOT_INODE;
    StringBuilder at = new StringBuilder();
    for (String part : path.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      Ext4Inode dir = inode(ino);
      if (dir.type() != FileType.DIRECTORY) {
        return Optional.empty();
      }
      long found = -1;
      for (DirEntry e : readDirectory(dir)) {
        if (e.name().equals(part)) {
          found = e.inode();
          break;
        }
      }
      if (found < 0) {
        return Optional.empty();
      }
      ino = found;
      at.append('/').append(part);
    }
    return Optional.of(entry(at.length() == 0 ? "/" : at.toString(), ino));
  }

  @Override
  public void close() throws IOException {
    source.close();
  }
}
