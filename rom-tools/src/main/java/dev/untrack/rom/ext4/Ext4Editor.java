package dev.untrack.rom.ext4;

import static dev.untrack.rom.io.LittleEndian.u16;
import static dev.untrack.rom.io.LittleEndian.u32;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.fs.BlockOverlay;
import dev.untrack.rom.fs.EditPlan;
import dev.untrack.rom.fs.EditResult;
import dev.untrack.rom.fs.FileSystemEditor;
import dev.untrack.rom.fs.FileSystemEdits;
import dev.untrack.rom.fs.FileType;
import dev.untrack.rom.fs.FsChange;
import dev.untrack.rom.fs.FsEdit;
import dev.untrack.rom.fs.FsEditException;
import dev.untrack.rom.fs.ImagePatch;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.LittleEndian;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Surgical ext4 edits. A replaced or created file gets blocks from the free space (the filesystem grows at its
 * end when there is not enough: the last group is extended, then groups are added while the descriptor table
 * has room) and a new extent tree; blocks are freed only when no other inode refers to them, which on images
 * with {@code shared_blocks} (deduplicated) is checked by scanning every inode first, and no block another
 * inode uses is ever written. A directory whose entries change is written again as a linear directory (its own
 * unshared blocks reused). Inodes, bitmaps, group descriptors, extent, directory and xattr blocks and the
 * superblock get their checksums ({@code metadata_csum}, or crc16 with {@code gdt_csum}). Every other inode and
 * block keeps its bytes.
 */
public final class Ext4Editor {
  static final int FLAG_INDEX = 0x1000;
  static final int FLAG_HUGE_FILE = 0x40000;
  static final int FLAG_EXTENTS = 0x80000;
  static final int FLAG_VERITY = 0x100000;
  static final int FLAG_INLINE_DATA = 0x10000000;
  static final int FLAG_CASEFOLD = 0x40000000;
  static final long RO_COMPAT_HUGE_FILE = 0x8;
  static final long RO_COMPAT_DIR_NLINK = 0x20;
  static final long RO_COMPAT_QUOTA = 0x100;
  static final long RO_COMPAT_BIGALLOC = 0x200;
  static final long RO_COMPAT_PROJECT = 0x2000;
  static final long RO_COMPAT_ORPHAN_PRESENT = 0x10000;
  static final long RESIZE_INODE = 7;

  private final Ext4Image img;
  private final Ext4Superblock sb;
  private final int bs;
  private final String name;
  private final long baseEnd;
  private final BlockOverlay meta;
  private final Ext4Checksums sums;
  private final Ext4Groups groups;
  private final byte[] sbRaw;
  private final long time;
  private final long maxBlocks;
  private final List<FsChange> changes = new ArrayList<>();
  private final ImagePatchPieces pieces = new ImagePatchPieces();

  private final Map<Long, Dir> dirs = new HashMap<>();
  private final Dir root;
  private final Map<Long, Replaced> replaced = new LinkedHashMap<>();
  private final Map<Long, Integer> removedLinks = new TreeMap<>();
  private final List<Dir> removedDirs = new ArrayList<>();
  /** Raw inodes changed so far, by number; checksummed and laid over the image at the end. */
  private final Map<Long, byte[]> inodes = new TreeMap<>();
  private final Map<Long, Long> inodeOffsets = new HashMap<>();

  private Ext4Editor(Ext4Image img, FileSystemEdits edits, FileSystemEditor.Limits limits) throws IOException {
    this.img = img;
    this.sb = img.superblock();
    this.bs = sb.blockSize();
    this.name = img.source().name();
    this.baseEnd = sb.blocksCount() * bs;
    if (baseEnd > img.source().size()) {
      throw RomFormatException.corrupt(name, "ext4", Ext4Superblock.OFFSET + 4, "the superblock counts "
          + sb.blocksCount() + " blocks but the image has " + img.source().size() + " bytes");
    }
    this.meta = new BlockOverlay(img.source(), baseEnd, bs);
    this.sums = new Ext4Checksums(sb);
    this.sbRaw = img.source().readFully(Ext4Superblock.OFFSET, Ext4Superblock.SIZE);
    this.groups = new Ext4Groups(img, meta, sums, sbRaw);
    this.time = edits.time();
    this.maxBlocks = limits.maxSize() / bs;
    checkFeatures();
    this.root = new Dir("/", null, Ext4Image.ROOT_INODE, img.inode(Ext4Image.ROOT_INODE));
    dirs.put(root.ino, root);
  }

  /** Plans {@code edits} on {@code img}; nothing is written. */
  public static EditPlan plan(Ext4Image img, FileSystemEdits edits, FileSystemEditor.Limits limits)
      throws IOException {
    Ext4Editor e = new Ext4Editor(img, edits, limits);
    for (FsEdit edit : edits.edits()) {
      e.apply(edit);
    }
    return e.layout();
  }

  private FsEditException refuse(String path, FsEditException.Reason reason, String detail) {
    return new FsEditException(name, path, reason, detail);
  }

  private void checkFeatures() throws FsEditException {
    long ro = sb.featureRoCompat();
    long in = sb.featureIncompat();
    List<String> why = new ArrayList<>();
    if ((in & Ext4Superblock.INCOMPAT_EXTENTS) == 0) {
      why.add("no extents (ext2/ext3 layout)");
    }
    if ((in & Ext4Superblock.INCOMPAT_RECOVER) != 0) {
      why.add("the journal needs recovery (mount it once or run e2fsck)");
    }
    if ((ro & RO_COMPAT_BIGALLOC) != 0) {
      why.add("bigalloc");
    }
    if ((ro & (RO_COMPAT_QUOTA | RO_COMPAT_PROJECT)) != 0) {
      why.add("quota (usage would go stale)");
    }
    if ((ro & RO_COMPAT_ORPHAN_PRESENT) != 0 || u32(sbRaw, 0xE8) != 0) {
      why.add("orphan inodes pending");
    }
    if (!why.isEmpty()) {
      throw refuse("", FsEditException.Reason.UNSUPPORTED, "cannot edit this ext4 image: " + String.join(", ", why));
    }
  }

  // ---- the logical tree ------------------------------------------------------------------------------

  private static String key(byte[] raw) {
    return new String(raw, StandardCharsets.ISO_8859_1);
  }

  private static String key(String name) {
    return key(name.getBytes(StandardCharsets.UTF_8));
  }

  private sealed interface Ent permits Existing, Created {}

  private record Existing(long ino, int fileType) implements Ent {}

  private static final class Created implements Ent {
    final FsEdit.Create spec;
    ByteSource content;
    long mtime;
    long ino = -1;
    List<Ext4XattrWriter.Attr> attrs;

    Created(FsEdit.Create spec) {
      this.spec = spec;
      this.content = spec.content();
      this.mtime = spec.mtime();
    }
  }

  private static final class Replaced {
    final long ino;
    final Ext4Inode inode;
    final String path;
    ByteSource content;
    long mtime;

    Replaced(long ino, Ext4Inode inode, String path) {
      this.ino = ino;
      this.inode = inode;
      this.path = path;
    }
  }

  private final class Dir {
    final String path;
    final Dir parent;
    final long ino;
    final Ext4Inode inode;
    LinkedHashMap<String, Ent> entries;
    boolean changed;
    Long mtime;
    boolean deleted;
    int removedSubdirs;

    Dir(String path, Dir parent, long ino, Ext4Inode inode) {
      this.path = path;
      this.parent = parent;
      this.ino = ino;
      this.inode = inode;
    }

    LinkedHashMap<String, Ent> entries() throws IOException {
      if (entries == null) {
        entries = new LinkedHashMap<>();
        for (Ext4Image.DirEntry d : img.readDirectory(inode)) {
          if (entries.put(key(d.rawName()), new Existing(d.inode(), d.fileType())) != null) {
            throw RomFormatException.corrupt(name, "ext4", inode.offset(),
                "directory " + path + " lists \"" + d.name() + "\" twice");
          }
        }
      }
      return entries;
    }

    String child(String n) {
      return path.equals("/") ? "/" + n : path + "/" + n;
    }
  }

  private Dir dir(Dir parent, String childName, long ino) throws IOException {
    Dir d = dirs.get(ino);
    if (d == null) {
      d = new Dir(parent.child(childName), parent, ino, img.inode(ino));
      dirs.put(ino, d);
    } else if (d.parent != parent) {
      throw RomFormatException.corrupt(name, "ext4", d.inode.offset(),
          "directory inode " + ino + " is reached from two places (" + d.path + ", " + parent.child(childName) + ")");
    }
    return d;
  }

  private boolean isDirectory(long ino) throws IOException {
    return img.inode(ino).type() == FileType.DIRECTORY;
  }

  private static String last(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private Dir parentOf(String path) throws IOException {
    List<String> parts = FileSystemEdits.split(path);
    Dir d = root;
    for (int i = 0; i < parts.size() - 1; i++) {
      Ent e = d.entries().get(key(parts.get(i)));
      String at = d.child(parts.get(i));
      if (e == null) {
        throw refuse(path, FsEditException.Reason.NO_SUCH_PATH, at + " does not exist");
      }
      if (!(e instanceof Existing x) || !isDirectory(x.ino())) {
        throw refuse(path, FsEditException.Reason.WRONG_TYPE, at + " is not a directory");
      }
      d = dir(d, parts.get(i), x.ino());
    }
    return d;
  }

  private Dir lookupDir(String path) throws IOException {
    if (path.equals("/")) {
      return root;
    }
    Dir parent = parentOf(path);
    Ent e = parent.entries().get(key(last(path)));
    if (e == null) {
      throw refuse(path, FsEditException.Reason.NO_SUCH_PATH, "does not exist");
    }
    if (!(e instanceof Existing x) || !isDirectory(x.ino())) {
      throw refuse(path, FsEditException.Reason.WRONG_TYPE, "is not a directory");
    }
    return dir(parent, last(path), x.ino());
  }

  private void apply(FsEdit edit) throws IOException {
    String path = edit.path();
    if (edit instanceof FsEdit.TouchDirectory t) {
      lookupDir(path).mtime = t.mtime();
      return;
    }
    Dir parent = parentOf(path);
    String k = key(last(path));
    Ent e = parent.entries().get(k);
    if (edit instanceof FsEdit.Replace r) {
      if (e == null) {
        throw refuse(path, FsEditException.Reason.NO_SUCH_PATH, "does not exist");
      }
      if (e instanceof Created c) {
        c.content = r.content();
        c.mtime = r.mtime();
        return;
      }
      long ino = ((Existing) e).ino();
      Ext4Inode inode = img.inode(ino);
      if (inode.type() != FileType.REGULAR) {
        throw refuse(path, FsEditException.Reason.WRONG_TYPE, "is not a regular file (" + inode.type() + ")");
      }
      if (inode.hasFlag(FLAG_VERITY)) {
        throw refuse(path, FsEditException.Reason.UNSUPPORTED, "has fs-verity enabled; its Merkle tree would "
            + "no longer match");
      }
      Replaced rep = replaced.computeIfAbsent(ino, n -> new Replaced(n, inode, path));
      rep.content = r.content();
      rep.mtime = r.mtime();
    } else if (edit instanceof FsEdit.Delete) {
      if (e == null) {
        throw refuse(path, FsEditException.Reason.NO_SUCH_PATH, "does not exist");
      }
      if ((sb.featureIncompat() & Ext4Superblock.INCOMPAT_EA_INODE) != 0) {
        throw refuse(path, FsEditException.Reason.UNSUPPORTED, "deleting on an ea_inode filesystem is not "
            + "supported (xattr value inodes are reference-counted)");
      }
      parent.entries().remove(k);
      parent.changed = true;
      if (e instanceof Existing x) {
        int n = removeTree(parent, last(path), x.ino());
        changes.add(new FsChange(FsChange.Kind.DELETED, path, n == 1 ? "inode " + x.ino() : n + " entries"));
      } else {
        changes.add(new FsChange(FsChange.Kind.DELETED, path, "created earlier in this edit"));
      }
    } else if (edit instanceof FsEdit.Create c) {
      if (e != null) {
        throw refuse(path, FsEditException.Reason.ALREADY_EXISTS, "already exists (replace it instead)");
      }
      if (parent.inode.hasFlag(FLAG_CASEFOLD)) {
        throw refuse(path, FsEditException.Reason.UNSUPPORTED, "creating in a case-insensitive directory");
      }
      Created created = new Created(c);
      try {
        created.attrs = Ext4XattrWriter.attrs(c.xattrs());
      } catch (IllegalArgumentException ex) {
        throw refuse(path, FsEditException.Reason.UNSUPPORTED, ex.getMessage());
      }
      parent.entries().put(k, created);
      parent.changed = true;
    }
  }

  private int removeTree(Dir parent, String entryName, long ino) throws IOException {
    Ext4Inode inode = img.inode(ino);
    if (inode.type() != FileType.DIRECTORY) {
      removedLinks.merge(ino, 1, Integer::sum);
      return 1;
    }
    Dir d = dir(parent, entryName, ino);
    d.deleted = true;
    removedDirs.add(d);
    parent.removedSubdirs++;
    int n = 1;
    for (Map.Entry<String, Ent> c : new ArrayList<>(d.entries().entrySet())) {
      if (c.getValue() instanceof Existing x) {
        n += removeTree(d, new String(c.getKey().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8),
            x.ino());
      } else {
        n++;
      }
    }
    return n;
  }

  private long remainingLinks(Ext4Inode inode) {
    return inode.linksCount() - removedLinks.getOrDefault(inode.number(), 0);
  }

  // ---- blocks an inode holds -------------------------------------------------------------------------

  /** Data runs {@code [start, length]} and tree/indirect blocks of an inode (none for inline data). */
  private record Held(List<long[]> data, List<Long> nodes) {
    long count() {
      long n = nodes.size();
      for (long[] r : data) {
        n += r[1];
      }
      return n;
    }
  }

  private Held held(Ext4Inode inode) throws IOException {
    List<long[]> data = new ArrayList<>();
    for (Ext4Extent e : img.mapping(inode)) {
      data.add(new long[] {e.physicalBlock(), e.length()});
    }
    List<Long> nodes = new ArrayList<>();
    if (!inode.hasFlag(FLAG_INLINE_DATA) && !data.isEmpty()) {
      byte[] raw = inode.rawShared();
      if (inode.hasFlag(FLAG_EXTENTS)) {
        extentNodes(raw, 0x28, inode, nodes, 0);
      } else {
        for (int level = 1; level <= 3; level++) {
          long b = u32(raw, 0x28 + 4 * (11 + level));
          if (b != 0) {
            indirectNodes(b, level, nodes);
          }
        }
      }
    }
    return new Held(data, nodes);
  }

  private void extentNodes(byte[] node, int off, Ext4Inode inode, List<Long> out, int guard) throws IOException {
    int depth = u16(node, off + 6);
    if (depth == 0) {
      return;
    }
    if (guard > 8 || out.size() > 16_000_000) {
      throw RomFormatException.corrupt(name, "ext4", inode.offset(), "extent tree of inode " + inode.number()
          + " is too deep or too large");
    }
    int entries = u16(node, off + 2);
    for (int i = 0; i < entries; i++) {
      int p = off + 12 + 12 * i;
      long child = u32(node, p + 4) | (long) u16(node, p + 8) << 32;
      out.add(child);
      extentNodes(img.readBlock(child, "extent node of inode " + inode.number()), 0, inode, out, guard + 1);
    }
  }

  private void indirectNodes(long block, int level, List<Long> out) throws IOException {
    out.add(block);
    if (level == 1) {
      return;
    }
    byte[] b = img.readBlock(block, "indirect block");
    for (int i = 0; i < bs / 4; i++) {
      long c = u32(b, 4 * i);
      if (c != 0) {
        indirectNodes(c, level - 1, out);
      }
    }
  }

  // ---- shared block references -----------------------------------------------------------------------

  /** With {@code shared_blocks}: for each candidate block, every inode that refers to it (input state). */
  private final Map<Long, Set<Long>> refs = new HashMap<>();

  private void scanReferences(TreeMap<Long, Long> candidates) throws IOException {
    if (!sb.sharedBlocks() || candidates.isEmpty()) {
      return;
    }
    long ipg = sb.inodesPerGroup();
    for (long g = 0; g < groups.originalGroupCount; g++) {
      int fl = groups.flags(g);
      if (sums.groupDescriptors() && (fl & Ext4Groups.BG_INODE_UNINIT) != 0) {
        continue;
      }
      java.util.BitSet used = groups.inodeMap(g);
      long limit = sums.groupDescriptors() ? ipg - groups.itableUnused(g) : ipg;
      for (int i = used.nextSetBit(0); i >= 0 && i < limit; i = used.nextSetBit(i + 1)) {
        long ino = g * ipg + i + 1;
        if (ino > sb.inodesCount() || ino == RESIZE_INODE) {
          continue; // the resize inode maps only reserved descriptor blocks
        }
        Ext4Inode inode = img.inode(ino);
        if (ino >= sb.firstIno() && (inode.linksCount() == 0 || inode.type() == null)) {
          continue;
        }
        Held h = held(inode);
        for (long[] r : h.data()) {
          noteRefs(candidates, r[0], r[1], ino);
        }
        for (long n : h.nodes()) {
          noteRefs(candidates, n, 1, ino);
        }
      }
    }
  }

  private void noteRefs(TreeMap<Long, Long> candidates, long start, long len, long ino) {
    Map.Entry<Long, Long> f = candidates.floorEntry(start);
    long from = f != null && f.getKey() + f.getValue() > start ? f.getKey() : start;
    for (Map.Entry<Long, Long> c : candidates.subMap(from, true, start + len, false).entrySet()) {
      long a = Math.max(c.getKey(), start);
      long b = Math.min(c.getKey() + c.getValue(), start + len);
      for (long x = a; x < b; x++) {
        refs.computeIfAbsent(x, k -> new HashSet<>()).add(ino);
      }
    }
  }

  private static void addRange(TreeMap<Long, Long> set, long start, long len) {
    set.merge(start, len, Math::max);
  }

  /**
   * Whether no inode outside {@code owners} refers to {@code block}. Without {@code shared_blocks} a block has
   * exactly one owner, so this holds for the blocks an owner lists.
   */
  private boolean onlyReferencedBy(long block, Set<Long> owners) {
    Set<Long> r = refs.get(block);
    return r == null || owners.containsAll(r);
  }

  // ---- layout ----------------------------------------------------------------------------------------

  private EditPlan layout() throws IOException {
    replaced.values().removeIf(r -> remainingLinks(r.inode) <= 0);
    List<Dir> rewritten = new ArrayList<>();
    for (Dir d : sortedDirs()) {
      if (!d.deleted && d.changed) {
        rewritten.add(d);
      }
    }
    // 1. what is released, and who else refers to it
    Map<Long, Held> releasedHeld = new TreeMap<>();
    for (Replaced r : replaced.values()) {
      releasedHeld.put(r.ino, held(r.inode));
    }
    List<Ext4Inode> freedInodes = new ArrayList<>();
    for (Map.Entry<Long, Integer> e : removedLinks.entrySet()) {
      Ext4Inode inode = img.inode(e.getKey());
      if (remainingLinks(inode) <= 0) {
        freedInodes.add(inode);
      }
    }
    for (Dir d : removedDirs) {
      freedInodes.add(d.inode);
    }
    for (Ext4Inode inode : freedInodes) {
      releasedHeld.put(inode.number(), held(inode));
    }
    for (Dir d : rewritten) {
      releasedHeld.put(d.ino, held(d.inode));
    }
    Set<Long> releasing = new HashSet<>(releasedHeld.keySet());
    TreeMap<Long, Long> candidates = new TreeMap<>();
    for (Held h : releasedHeld.values()) {
      for (long[] r : h.data()) {
        addRange(candidates, r[0], r[1]);
      }
      for (long n : h.nodes()) {
        addRange(candidates, n, 1);
      }
    }
    scanReferences(candidates);

    // 2. new inodes, then directories: encode, and keep the old blocks only this directory uses
    Map<Created, Dir> createdIn = new LinkedHashMap<>();
    for (Dir d : rewritten) {
      for (Ent e : d.entries().values()) {
        if (e instanceof Created c) {
          createdIn.put(c, d);
        }
      }
    }
    for (Map.Entry<Created, Dir> e : createdIn.entrySet()) {
      Created c = e.getKey();
      c.ino = groups.allocateInode((e.getValue().ino - 1) / sb.inodesPerGroup(), false);
      if (c.ino < 0) {
        throw refuse(c.spec.path(), FsEditException.Reason.NOT_ENOUGH_SPACE, "no free inode left");
      }
    }
    Map<Dir, List<byte[]>> dirBlocks = new LinkedHashMap<>();
    Map<Dir, List<Long>> dirKeep = new LinkedHashMap<>();
    Set<Long> kept = new HashSet<>();
    long dirNeed = 0;
    for (Dir d : rewritten) {
      List<Ext4DirWriter.Entry> entries = new ArrayList<>();
      for (Map.Entry<String, Ent> e : d.entries().entrySet()) {
        byte[] n = e.getKey().getBytes(StandardCharsets.ISO_8859_1);
        if (e.getValue() instanceof Created c) {
          entries.add(new Ext4DirWriter.Entry(n, c.ino, 1));
        } else {
          Existing x = (Existing) e.getValue();
          int type = x.fileType() != 0 || !sb.hasFiletype() ? x.fileType()
              : Ext4DirWriter.fileType(img.inode(x.ino()).mode());
          entries.add(new Ext4DirWriter.Entry(n, x.ino(), type));
        }
      }
      long parentIno = d.parent == null ? d.ino : d.parent.ino;
      List<byte[]> blocks = Ext4DirWriter.encode(d.ino, parentIno, entries, bs, sums.enabled(), sb.hasFiletype());
      dirBlocks.put(d, blocks);
      List<Long> old = new ArrayList<>();
      for (long[] r : releasedHeld.get(d.ino).data()) {
        for (long x = r[0]; x < r[0] + r[1]; x++) {
          old.add(x);
        }
      }
      List<Long> keep = new ArrayList<>();
      for (int i = 0; i < blocks.size() && i < old.size(); i++) {
        long x = old.get(i);
        boolean reuse = onlyReferencedBy(x, Set.of(d.ino)) && !kept.contains(x);
        keep.add(reuse ? x : -1L);
        if (reuse) {
          kept.add(x);
          dirNeed--;
        }
      }
      dirKeep.put(d, keep);
      dirNeed += blocks.size();
    }

    // 3. free what nobody keeps or still refers to; release inodes
    TreeMap<Long, Long> toFree = new TreeMap<>();
    for (Held h : releasedHeld.values()) {
      for (long[] r : h.data()) {
        for (long x = r[0]; x < r[0] + r[1]; x++) {
          if (!kept.contains(x) && onlyReferencedBy(x, releasing)) {
            addRange(toFree, x, 1);
          }
        }
      }
      for (long x : h.nodes()) {
        if (!kept.contains(x) && onlyReferencedBy(x, releasing)) {
          addRange(toFree, x, 1);
        }
      }
    }
    long runStart = -1;
    long runEnd = -1;
    for (long x : toFree.keySet()) {
      if (x == runEnd) {
        runEnd++;
        continue;
      }
      if (runStart >= 0) {
        groups.setBlocks(runStart, runEnd - runStart, false);
      }
      runStart = x;
      runEnd = x + 1;
    }
    if (runStart >= 0) {
      groups.setBlocks(runStart, runEnd - runStart, false);
    }
    for (Ext4Inode inode : freedInodes) {
      releaseXattrBlock(inode);
      byte[] raw = raw(inode);
      Ext4Checksums.put16(raw, 0x1A, 0);
      LittleEndian.put32(raw, 0x04, 0);
      LittleEndian.put32(raw, 0x6C, 0);
      LittleEndian.put32(raw, 0x1C, 0);
      Ext4Checksums.put16(raw, 0x74, 0);
      clearBlockMap(raw);
      groups.freeInode(inode.number(), inode.type() == FileType.DIRECTORY);
    }
    for (Map.Entry<Long, Integer> e : removedLinks.entrySet()) {
      Ext4Inode inode = img.inode(e.getKey());
      long left = remainingLinks(inode);
      if (left > 0) {
        Ext4Checksums.put16(raw(inode), 0x1A, (int) left);
      }
    }
    List<Created> created = new ArrayList<>(createdIn.keySet());

    // 4. room: everything still to allocate, growing the filesystem when the free space is short
    long need = dirNeed;
    for (Replaced r : replaced.values()) {
      need += dataBlocks(r.content.size()) + Ext4ExtentWriter.nodesNeeded(1, bs);
    }
    for (Created c : created) {
      need += dataBlocks(c.content.size()) + (c.attrs.isEmpty() || fitsInInode(c.attrs) ? 0 : 1);
    }
    ensureRoom(need, "");

    // 5. write: files, created files, directories, touched directories
    for (Replaced r : replaced.values()) {
      writeFile(r.ino, raw(r.inode), r.content, r.path);
      byte[] raw = raw(r.inode);
      setTime(raw, 0x10, 0x88, r.mtime);
      changes.add(new FsChange(FsChange.Kind.REPLACED, r.path, r.content.size() + " bytes, inode " + r.ino));
    }
    for (Created c : created) {
      byte[] raw = newInode(c);
      writeFile(c.ino, raw, c.content, c.spec.path());
      changes.add(new FsChange(FsChange.Kind.CREATED, c.spec.path(), c.content.size() + " bytes, inode " + c.ino));
    }
    for (Dir d : rewritten) {
      writeDirectory(d, dirBlocks.get(d), dirKeep.get(d));
    }
    for (Dir d : sortedDirs()) {
      if (!d.deleted && d.mtime != null) {
        setTime(raw(d.inode), 0x10, 0x88, d.mtime);
        changes.add(new FsChange(FsChange.Kind.TOUCHED, d.path, "mtime " + d.mtime));
      }
      if (!d.deleted && d.removedSubdirs > 0) {
        byte[] raw = raw(d.inode);
        int links = u16(raw, 0x1A);
        if (links > 1) {
          Ext4Checksums.put16(raw, 0x1A, Math.max(2, links - d.removedSubdirs));
        }
      }
    }

    // 6. metadata out: inodes, groups, superblock. e2fsck takes a deletion time below the inode count for an
    // orphan-list link, so freed inodes get the edit time or, if that is lower, the (final) inode count.
    for (Ext4Inode inode : freedInodes) {
      LittleEndian.put32(raw(inode), 0x14, (int) Math.max(time, groups.inodesCount));
    }
    for (Map.Entry<Long, byte[]> e : inodes.entrySet()) {
      sums.inode(e.getValue(), e.getKey());
      meta.write(inodeOffsets.get(e.getKey()), e.getValue());
    }
    groups.finish();
    writeSuperblock();

    long size = groups.blocksCount * bs;
    if (groups.blocksCount != sb.blocksCount()) {
      changes.add(new FsChange(FsChange.Kind.GREW, "", "from " + sb.blocksCount() + " to " + groups.blocksCount
          + " blocks (" + (groups.groupCount - groups.originalGroupCount) + " groups added)"));
    }
    ImagePatch patch = new ImagePatch(img.source(), baseEnd, size);
    try {
      meta.addTo(patch);
      pieces.addTo(patch);
    } catch (IllegalStateException e) {
      // two things were put in one place: only an image whose maps disagree with its contents does that
      throw RomFormatException.corrupt(name, "ext4", RomFormatException.NO_OFFSET,
          "the image's block maps contradict each other (" + e.getMessage() + ")");
    }
    EditResult result = new EditResult("ext4", img.source().size(), size, size - baseEnd, patch.patchedInBase(),
        img.source().size() - baseEnd, changes);
    return new EditPlan(patch, result);
  }

  private List<Dir> sortedDirs() {
    List<Dir> l = new ArrayList<>(dirs.values());
    l.sort(Comparator.comparing(d -> d.path));
    return l;
  }

  private long dataBlocks(long size) {
    return (size + bs - 1) / bs;
  }

  /** Makes sure {@code need} blocks are free, growing the filesystem if the layout and the limit allow. */
  private void ensureRoom(long need, String path) throws IOException {
    long free = groups.freeBlocksTotal();
    if (need <= free) {
      return;
    }
    long missing = need - free;
    long room = groups.growthRoom(maxBlocks);
    if (room < missing) {
      long shortBytes = (missing - room) * bs;
      throw new FsEditException(name, path, FsEditException.Reason.NOT_ENOUGH_SPACE,
          "not enough space: need " + missing * bs + " more bytes, the image can grow by at most " + room * bs
              + " bytes" + (maxBlocks * bs < Long.MAX_VALUE / 2 ? " within the size limit" : "") + " ("
              + shortBytes + " bytes missing)", shortBytes);
    }
    groups.grow(missing);
  }

  private List<long[]> allocate(long count, String path) throws IOException {
    List<long[]> runs = groups.allocate(count);
    if (runs == null) {
      ensureRoom(count, path);
      runs = groups.allocate(count);
      if (runs == null) {
        throw new IllegalStateException("allocation failed after growing");
      }
    }
    return runs;
  }

  // ---- inodes ----------------------------------------------------------------------------------------

  private byte[] raw(Ext4Inode inode) {
    return inodes.computeIfAbsent(inode.number(), n -> {
      inodeOffsets.put(n, inode.offset());
      return inode.raw();
    });
  }

  private int extraIsize(byte[] raw) {
    return raw.length > 128 ? u16(raw, 0x80) : 0;
  }

  /** Sets a time field and, when the inode has room for it, its extra field (epoch bits, no nanoseconds). */
  private void setTime(byte[] raw, int lo, int extra, long seconds) {
    LittleEndian.put32(raw, lo, (int) seconds);
    if (raw.length > 128 && 128 + extraIsize(raw) >= extra + 4) {
      long epoch = ((seconds - (long) (int) seconds) >> 32) & 3;
      LittleEndian.put32(raw, extra, (int) epoch);
    }
  }

  private void clearBlockMap(byte[] raw) {
    java.util.Arrays.fill(raw, 0x28, 0x28 + 60, (byte) 0);
    int flags = LittleEndian.s32(raw, 0x20);
    if ((flags & FLAG_EXTENTS) != 0) {
      Ext4Checksums.put16(raw, 0x28, Ext4ExtentWriter.MAGIC);
      Ext4Checksums.put16(raw, 0x2C, 4);
    }
    LittleEndian.put32(raw, 0x20, flags & ~FLAG_INLINE_DATA);
  }

  private boolean fitsInInode(List<Ext4XattrWriter.Attr> attrs) {
    int extra = sb.inodeSize() > 128 ? newExtraIsize() : 0;
    int space = sb.inodeSize() - 128 - extra;
    return sb.inodeSize() > 128 && Ext4XattrWriter.inInodeSize(attrs) <= space;
  }

  private int newExtraIsize() {
    int want = u16(sbRaw, 0x15E);
    if (want == 0) {
      want = 32;
    }
    return Math.min(want, sb.inodeSize() - 128) & ~3;
  }

  private byte[] newInode(Created c) throws IOException {
    long g = (c.ino - 1) / sb.inodesPerGroup();
    long index = (c.ino - 1) % sb.inodesPerGroup();
    long offset = img.inodeTableBlock(g) * bs + index * sb.inodeSize();
    byte[] raw = new byte[sb.inodeSize()];
    inodes.put(c.ino, raw);
    inodeOffsets.put(c.ino, offset);
    FsEdit.Create s = c.spec;
    Ext4Checksums.put16(raw, 0x00, 0x8000 | s.mode());
    Ext4Checksums.put16(raw, 0x02, s.uid());
    Ext4Checksums.put16(raw, 0x78, s.uid() >>> 16);
    Ext4Checksums.put16(raw, 0x18, s.gid());
    Ext4Checksums.put16(raw, 0x7A, s.gid() >>> 16);
    Ext4Checksums.put16(raw, 0x1A, 1);
    LittleEndian.put32(raw, 0x20, FLAG_EXTENTS);
    if (raw.length > 128) {
      Ext4Checksums.put16(raw, 0x80, newExtraIsize());
    }
    setTime(raw, 0x08, 0x8C, c.mtime);
    setTime(raw, 0x0C, 0x84, c.mtime);
    setTime(raw, 0x10, 0x88, c.mtime);
    if (raw.length > 128 && 128 + extraIsize(raw) >= 0x98) {
      setTime(raw, 0x90, 0x94, c.mtime);
    }
    if (!c.attrs.isEmpty()) {
      if (fitsInInode(c.attrs)) {
        Ext4XattrWriter.writeInInode(raw, 128 + extraIsize(raw), c.attrs);
      } else {
        if (Ext4XattrWriter.blockSize(c.attrs) > bs) {
          throw refuse(s.path(), FsEditException.Reason.UNSUPPORTED, "xattrs do not fit one block");
        }
        long blk = allocate(1, s.path()).get(0)[0];
        byte[] b = meta.zeroBlock(blk);
        System.arraycopy(Ext4XattrWriter.block(c.attrs, bs), 0, b, 0, bs);
        sums.xattrBlock(b, blk);
        LittleEndian.put32(raw, 0x68, (int) blk);
        Ext4Checksums.put16(raw, 0x76, (int) (blk >>> 32));
      }
    }
    return raw;
  }

  /** Gives inode {@code ino} new blocks holding {@code content} and a new extent tree. */
  private void writeFile(long ino, byte[] raw, ByteSource content, String path) throws IOException {
    if ((LittleEndian.s32(raw, 0x20) & FLAG_INLINE_DATA) != 0) {
      dropInlineData(raw);
    }
    long size = content.size();
    long blocks = dataBlocks(size);
    List<long[]> runs = allocate(blocks, path);
    long logical = 0;
    for (long[] r : runs) {
      long from = logical * bs;
      long len = Math.min(size - from, r[1] * bs);
      pieces.content(r[0] * bs, content, from, len, r[1] * bs);
      logical += r[1];
    }
    List<long[]> extents = Ext4ExtentWriter.extents(runs);
    long treeBlocks = writeTree(ino, raw, extents, path);
    int flags = LittleEndian.s32(raw, 0x20);
    flags = (flags | FLAG_EXTENTS) & ~FLAG_HUGE_FILE & ~FLAG_INLINE_DATA;
    LittleEndian.put32(raw, 0x20, flags);
    LittleEndian.put32(raw, 0x04, (int) size);
    LittleEndian.put32(raw, 0x6C, (int) (size >>> 32));
    long fileAcl = u32(raw, 0x68) | (long) u16(raw, 0x76) << 32;
    setSectors(raw, (blocks + treeBlocks + (fileAcl != 0 ? 1 : 0)) * (bs / 512));
  }

  private void setSectors(byte[] raw, long sectors) {
    LittleEndian.put32(raw, 0x1C, (int) sectors);
    Ext4Checksums.put16(raw, 0x74, (int) (sectors >>> 32));
  }

  private long writeTree(long ino, byte[] raw, List<long[]> extents, String path) throws IOException {
    int nodes = Ext4ExtentWriter.nodesNeeded(extents.size(), bs);
    List<Long> nodeBlocks = new ArrayList<>();
    if (nodes > 0) {
      for (long[] r : allocate(nodes, path)) {
        for (long b = r[0]; b < r[0] + r[1]; b++) {
          nodeBlocks.add(b);
        }
      }
    }
    Ext4ExtentWriter.Tree tree = Ext4ExtentWriter.build(extents, nodeBlocks, bs);
    int gen = LittleEndian.s32(raw, 0x64);
    for (int i = 0; i < tree.nodes().size(); i++) {
      long blk = tree.nodeBlockNumbers().get(i)[0];
      byte[] b = meta.zeroBlock(blk);
      System.arraycopy(tree.nodes().get(i), 0, b, 0, bs);
      sums.extentBlock(b, ino, gen);
    }
    System.arraycopy(tree.iBlock(), 0, raw, 0x28, 60);
    return nodes;
  }

  /** Removes {@code system.data} from the in-inode xattrs and clears the inline-data flag. */
  private void dropInlineData(byte[] raw) {
    int start = 128 + extraIsize(raw);
    java.util.Arrays.fill(raw, 0x28, 0x28 + 60, (byte) 0);
    LittleEndian.put32(raw, 0x20, LittleEndian.s32(raw, 0x20) & ~FLAG_INLINE_DATA);
    if (raw.length <= start + 4 || LittleEndian.s32(raw, start) != 0xEA020000) {
      return;
    }
    // re-pack the remaining in-inode entries (values move with them)
    List<byte[][]> keep = new ArrayList<>();
    int first = start + 4;
    int p = first;
    while (p + 16 <= raw.length && LittleEndian.s32(raw, p) != 0) {
      int nameLen = raw[p] & 0xff;
      int index = raw[p + 1] & 0xff;
      int valueOffs = u16(raw, p + 2);
      int valueSize = (int) u32(raw, p + 8);
      byte[] nm = java.util.Arrays.copyOfRange(raw, p + 16, p + 16 + nameLen);
      boolean isData = index == 7 && new String(nm, StandardCharsets.ISO_8859_1).equals("data");
      if (!isData) {
        byte[] entry = java.util.Arrays.copyOfRange(raw, p, p + 16 + nameLen);
        byte[] value = u32(raw, p + 4) != 0 ? new byte[0]
            : java.util.Arrays.copyOfRange(raw, first + valueOffs, first + valueOffs + valueSize);
        keep.add(new byte[][] {entry, value});
      }
      p += (16 + nameLen + 3) & ~3;
    }
    java.util.Arrays.fill(raw, start, raw.length, (byte) 0);
    LittleEndian.put32(raw, start, 0xEA020000);
    int entryAt = first;
    int valueEnd = raw.length;
    for (byte[][] kv : keep) {
      byte[] entry = kv[0];
      byte[] value = kv[1];
      boolean inInodeValue = u32(entry, 4) == 0;
      if (inInodeValue && value.length > 0) {
        valueEnd -= (value.length + 3) & ~3;
        System.arraycopy(value, 0, raw, valueEnd, value.length);
        Ext4Checksums.put16(entry, 2, valueEnd - first);
      }
      System.arraycopy(entry, 0, raw, entryAt, entry.length);
      entryAt += (entry.length + 3) & ~3;
    }
  }

  private void releaseXattrBlock(Ext4Inode inode) throws IOException {
    long blk = inode.fileAcl();
    if (blk == 0) {
      return;
    }
    byte[] b = meta.read(blk * bs, bs);
    long refs = u32(b, 4);
    if (refs <= 1) {
      groups.setBlocks(blk, 1, false);
    } else {
      byte[] w = meta.block(blk);
      LittleEndian.put32(w, 4, (int) (refs - 1));
      sums.xattrBlock(w, blk);
    }
  }

  private void writeDirectory(Dir d, List<byte[]> blocks, List<Long> keep) throws IOException {
    byte[] raw = raw(d.inode);
    if ((LittleEndian.s32(raw, 0x20) & FLAG_INLINE_DATA) != 0) {
      dropInlineData(raw);
    }
    int gen = LittleEndian.s32(raw, 0x64);
    long fresh = 0;
    for (long b : keep) {
      if (b < 0) {
        fresh++;
      }
    }
    fresh += blocks.size() - keep.size();
    List<Long> newBlocks = new ArrayList<>();
    if (fresh > 0) {
      for (long[] r : allocate(fresh, d.path)) {
        for (long b = r[0]; b < r[0] + r[1]; b++) {
          newBlocks.add(b);
        }
      }
    }
    List<long[]> runs = new ArrayList<>();
    int next = 0;
    for (int i = 0; i < blocks.size(); i++) {
      long phys = i < keep.size() && keep.get(i) >= 0 ? keep.get(i) : newBlocks.get(next++);
      byte[] out = meta.zeroBlock(phys);
      System.arraycopy(blocks.get(i), 0, out, 0, bs);
      sums.dirBlock(out, d.ino, gen);
      if (!runs.isEmpty() && runs.get(runs.size() - 1)[0] + runs.get(runs.size() - 1)[1] == phys) {
        runs.get(runs.size() - 1)[1]++;
      } else {
        runs.add(new long[] {phys, 1});
      }
    }
    long treeBlocks = writeTree(d.ino, raw, Ext4ExtentWriter.extents(runs), d.path);
    int flags = LittleEndian.s32(raw, 0x20);
    LittleEndian.put32(raw, 0x20, (flags | FLAG_EXTENTS) & ~FLAG_INDEX & ~FLAG_HUGE_FILE & ~FLAG_INLINE_DATA);
    long size = (long) blocks.size() * bs;
    LittleEndian.put32(raw, 0x04, (int) size);
    LittleEndian.put32(raw, 0x6C, (int) (size >>> 32));
    long fileAcl = u32(raw, 0x68) | (long) u16(raw, 0x76) << 32;
    setSectors(raw, (blocks.size() + treeBlocks + (fileAcl != 0 ? 1 : 0)) * (bs / 512));
    changes.add(new FsChange(FsChange.Kind.DIRECTORY_REWRITTEN, d.path, d.entries().size() + " entries, "
        + blocks.size() + " blocks"));
  }

  // ---- superblock ------------------------------------------------------------------------------------

  private void writeSuperblock() throws IOException {
    byte[] s = sbRaw.clone();
    long freeBlocks = (u32(s, 0x0C) | (sb.has64bit() ? u32(s, 0x158) << 32 : 0)) + groups.freeBlocksDelta;
    long freeInodes = u32(s, 0x10) + groups.freeInodesDelta;
    LittleEndian.put32(s, 0x0C, (int) freeBlocks);
    if (sb.has64bit()) {
      LittleEndian.put32(s, 0x158, (int) (freeBlocks >>> 32));
      LittleEndian.put32(s, 0x150, (int) (groups.blocksCount >>> 32));
    }
    LittleEndian.put32(s, 0x04, (int) groups.blocksCount);
    LittleEndian.put32(s, 0x10, (int) freeInodes);
    LittleEndian.put32(s, 0x00, (int) groups.inodesCount);
    sums.superblock(s);
    if (!java.util.Arrays.equals(s, sbRaw)) {
      meta.write(Ext4Superblock.OFFSET, s);
    }
  }

  /** Content pieces: file data at block offsets, read from the caller's sources when the image is written. */
  private static final class ImagePatchPieces {
    private final List<Object[]> list = new ArrayList<>();

    void content(long at, ByteSource src, long from, long len, long span) {
      list.add(new Object[] {at, src, from, len, span});
    }

    void addTo(ImagePatch patch) {
      for (Object[] p : list) {
        ByteSource src = (ByteSource) p[1];
        long from = (Long) p[2];
        long len = (Long) p[3];
        ByteSource part = from == 0 && len == src.size() ? src : src.slice(from, len, src.name());
        patch.putContent((Long) p[0], part, len, (Long) p[4]);
      }
    }
  }
}
