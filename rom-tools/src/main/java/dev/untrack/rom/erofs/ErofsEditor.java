package dev.untrack.rom.erofs;

import static dev.untrack.rom.io.LittleEndian.u32;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.fs.BlockOverlay;
import dev.untrack.rom.fs.EditPlan;
import dev.untrack.rom.fs.EditResult;
import dev.untrack.rom.fs.FileSystemEdits;
import dev.untrack.rom.fs.FileType;
import dev.untrack.rom.fs.FsChange;
import dev.untrack.rom.fs.FsEdit;
import dev.untrack.rom.fs.FsEditException;
import dev.untrack.rom.fs.ImagePatch;
import dev.untrack.rom.io.ByteSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Surgical EROFS edits. Untouched inodes and their data (compressed clusters, the packed inode, shared xattrs)
 * keep their bytes and offsets. A changed file gets its content as plain (FLAT_PLAIN) blocks appended after the
 * existing data, and its inode rewritten in its old slot when it fits (a compressed inode's index area and an
 * inline tail belonged to the slot), else in a new slot appended after the new data, with its directory entry
 * pointing there. A directory whose entries change is written again after the existing data; its inode stays in
 * its slot. Rewritten inodes keep their xattr area byte for byte, so shared xattr ids stay as they were.
 *
 * <p>Refused: moving a hard-linked file (its other names cannot be found without a full scan), moving the root
 * directory (its nid is 16 bits in the superblock), xattr names without an EROFS short prefix on new files.
 */
public final class ErofsEditor {
  private final ErofsImage img;
  private final ErofsSuperblock sb;
  private final int bs;
  private final String name;
  private final long metaBase;
  private final long baseEnd;
  private final List<FsChange> changes = new ArrayList<>();
  private final Map<Long, Dir> dirsByNid = new HashMap<>();
  private final Dir root;
  /** Replaced existing files by nid, in the order first named. */
  private final Map<Long, Replaced> replaced = new LinkedHashMap<>();
  /** Links removed per non-directory nid; directories removed. */
  private final Map<Long, Integer> removedLinks = new HashMap<>();
  private final List<Long> removedDirs = new ArrayList<>();

  private ErofsEditor(ErofsImage img) throws IOException {
    this.img = img;
    this.sb = img.superblock();
    this.bs = sb.blockSize();
    this.name = img.source().name();
    this.metaBase = sb.metaBlkaddr() * bs;
    this.baseEnd = sb.blocks() * bs;
    if (bs < 4096) {
      // the superblock and its checksummed area then span several blocks; Android images use 4 KiB and up
      throw new FsEditException(name, "", FsEditException.Reason.UNSUPPORTED,
          "EROFS images with " + bs + "-byte blocks are not edited (4096 bytes and larger are)");
    }
    if (baseEnd > img.source().size()) {
      throw RomFormatException.corrupt(name, "erofs", ErofsSuperblock.OFFSET + 36, "the superblock counts "
          + sb.blocks() + " blocks but the image has " + img.source().size() + " bytes");
    }
    this.root = new Dir("/", null, sb.rootNid(), img.inode(sb.rootNid()));
    dirsByNid.put(root.nid, root);
  }

  /** Plans {@code edits} on {@code img}; nothing is written. */
  public static EditPlan plan(ErofsImage img, FileSystemEdits edits) throws IOException {
    ErofsEditor e = new ErofsEditor(img);
    for (FsEdit edit : edits.edits()) {
      e.apply(edit);
    }
    return e.layout();
  }

  // ---- the logical tree ------------------------------------------------------------------------------

  /** A directory entry after the edits so far: an existing inode, or a file to create. */
  private sealed interface Ent permits Existing, Created {}

  private record Existing(long nid, int fileType) implements Ent {}

  private static final class Created implements Ent {
    final FsEdit.Create spec;
    ByteSource content;
    long mtime;
    long newNid = -1;
    long startBlock;
    byte[] xattrs;

    Created(FsEdit.Create spec) {
      this.spec = spec;
      this.content = spec.content();
      this.mtime = spec.mtime();
    }
  }

  private static final class Replaced {
    final long nid;
    final ErofsInode vi;
    final String path;
    final Dir parent;
    ByteSource content;
    long mtime;
    long startBlock;
    long newNid = -1;

    Replaced(long nid, ErofsInode vi, String path, Dir parent) {
      this.nid = nid;
      this.vi = vi;
      this.path = path;
      this.parent = parent;
    }
  }

  private final class Dir {
    final String path;
    Dir parent;
    final long nid;
    final ErofsInode vi;
    TreeMap<byte[], Ent> entries;
    boolean entriesChanged;
    Long mtime;
    boolean deleted;
    boolean rewrite;
    boolean relocate;
    long newNid;
    long startBlock;
    long newSize;
    int subdirs;

    Dir(String path, Dir parent, long nid, ErofsInode vi) {
      this.path = path;
      this.parent = parent;
      this.nid = nid;
      this.vi = vi;
      this.newNid = nid;
    }

    TreeMap<byte[], Ent> entries() throws IOException {
      if (entries == null) {
        entries = new TreeMap<>(ErofsEncoding.NAME_ORDER);
        for (ErofsImage.DirEntry d : img.readDirectory(vi)) {
          if (entries.put(d.rawName(), new Existing(d.nid(), d.fileType())) != null) {
            throw RomFormatException.corrupt(name, "erofs", vi.offset(),
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

  private Dir dir(Dir parent, String childName, long nid) throws IOException {
    Dir d = dirsByNid.get(nid);
    if (d == null) {
      ErofsInode vi = img.inode(nid);
      d = new Dir(parent.child(childName), parent, nid, vi);
      dirsByNid.put(nid, d);
    } else if (d.parent != parent) {
      throw RomFormatException.corrupt(name, "erofs", d.vi.offset(),
          "directory nid " + nid + " is reached from two places (" + d.path + ", " + parent.child(childName) + ")");
    }
    return d;
  }

  private FsEditException refuse(String path, FsEditException.Reason reason, String detail) {
    return new FsEditException(name, path, reason, detail);
  }

  /** The directory holding {@code path}'s last component, which must exist and be a directory. */
  private Dir parentOf(String path) throws IOException {
    List<String> parts = FileSystemEdits.split(path);
    Dir d = root;
    for (int i = 0; i < parts.size() - 1; i++) {
      Ent e = d.entries().get(ErofsEncoding.name(parts.get(i)));
      String at = d.child(parts.get(i));
      if (e == null) {
        throw refuse(path, FsEditException.Reason.NO_SUCH_PATH, at + " does not exist");
      }
      if (!(e instanceof Existing x) || !isDirectory(x.nid())) {
        throw refuse(path, FsEditException.Reason.WRONG_TYPE, at + " is not a directory");
      }
      d = dir(d, parts.get(i), x.nid());
    }
    return d;
  }

  private boolean isDirectory(long nid) throws IOException {
    return img.inode(nid).type() == FileType.DIRECTORY;
  }

  private static String last(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private void apply(FsEdit edit) throws IOException {
    String path = edit.path();
    if (edit instanceof FsEdit.TouchDirectory t) {
      Dir d = path.equals("/") ? root : lookupDir(path);
      d.mtime = t.mtime();
      return;
    }
    Dir parent = parentOf(path);
    byte[] key = ErofsEncoding.name(last(path));
    Ent e = parent.entries().get(key);
    if (edit instanceof FsEdit.Replace r) {
      if (e == null) {
        throw refuse(path, FsEditException.Reason.NO_SUCH_PATH, "does not exist");
      }
      if (e instanceof Created c) {
        c.content = r.content();
        c.mtime = r.mtime();
        return;
      }
      long nid = ((Existing) e).nid();
      ErofsInode vi = img.inode(nid);
      if (vi.type() != FileType.REGULAR) {
        throw refuse(path, FsEditException.Reason.WRONG_TYPE, "is not a regular file (" + vi.type() + ")");
      }
      Replaced rep = replaced.computeIfAbsent(nid, n -> new Replaced(n, vi, path, parent));
      rep.content = r.content();
      rep.mtime = r.mtime();
    } else if (edit instanceof FsEdit.Delete) {
      if (e == null) {
        throw refuse(path, FsEditException.Reason.NO_SUCH_PATH, "does not exist");
      }
      parent.entries().remove(key);
      parent.entriesChanged = true;
      if (e instanceof Existing x) {
        int removed = removeTree(parent, last(path), x.nid());
        changes.add(new FsChange(FsChange.Kind.DELETED, path,
            removed == 1 ? "nid " + x.nid() : removed + " entries"));
      } else {
        changes.add(new FsChange(FsChange.Kind.DELETED, path, "created earlier in this edit"));
      }
    } else if (edit instanceof FsEdit.Create c) {
      if (e != null) {
        throw refuse(path, FsEditException.Reason.ALREADY_EXISTS, "already exists (replace it instead)");
      }
      try {
        ErofsEncoding.encodeXattrs(c.xattrs());
      } catch (IllegalArgumentException ex) {
        throw refuse(path, FsEditException.Reason.UNSUPPORTED, ex.getMessage());
      }
      parent.entries().put(key, new Created(c));
      parent.entriesChanged = true;
    }
  }

  private Dir lookupDir(String path) throws IOException {
    Dir parent = parentOf(path);
    Ent e = parent.entries().get(ErofsEncoding.name(last(path)));
    if (e == null) {
      throw refuse(path, FsEditException.Reason.NO_SUCH_PATH, "does not exist");
    }
    if (!(e instanceof Existing x) || !isDirectory(x.nid())) {
      throw refuse(path, FsEditException.Reason.WRONG_TYPE, "is not a directory");
    }
    return dir(parent, last(path), x.nid());
  }

  /** Records the removal of the entry {@code nid} and, for a directory, of everything below it. */
  private int removeTree(Dir parent, String entryName, long nid) throws IOException {
    ErofsInode vi = img.inode(nid);
    if (vi.type() != FileType.DIRECTORY) {
      removedLinks.merge(nid, 1, Integer::sum);
      return 1;
    }
    Dir d = dir(parent, entryName, nid);
    d.deleted = true;
    removedDirs.add(nid);
    int n = 1;
    for (Map.Entry<byte[], Ent> c : d.entries().entrySet()) {
      if (c.getValue() instanceof Existing x) {
        n += removeTree(d, new String(c.getKey(), java.nio.charset.StandardCharsets.UTF_8), x.nid());
      } else {
        n++;
      }
    }
    return n;
  }

  // ---- layout ----------------------------------------------------------------------------------------

  private long remainingLinks(ErofsInode vi) {
    return vi.nlink() - removedLinks.getOrDefault(vi.nid(), 0);
  }

  private EditPlan layout() throws IOException {
    // replaced files that lost every link are not written at all
    replaced.values().removeIf(r -> remainingLinks(r.vi) <= 0);

    BlockOverlay meta = new BlockOverlay(img.source(), baseEnd, bs);
    long cursor = baseEnd;
    ImagePatchBuilder pieces = new ImagePatchBuilder();

    // 1. new file content: plain blocks after the existing data
    List<Created> created = new ArrayList<>();
    collectCreated(root, created);
    for (Replaced r : replaced.values()) {
      r.startBlock = cursor / bs;
      cursor = pieces.content(cursor, r.content);
    }
    for (Created c : created) {
      c.startBlock = cursor / bs;
      cursor = pieces.content(cursor, c.content);
      c.xattrs = ErofsEncoding.encodeXattrs(c.spec.xattrs());
    }

    // 2. which inodes fit their slot, which directories are written again
    List<Object> moved = new ArrayList<>();
    for (Replaced r : replaced.values()) {
      int need = (fileNeedsExtended(r) ? 64 : 32) + r.vi.xattrSize();
      if (need > slotEnd(r.vi) - r.vi.offset()) {
        if (remainingLinks(r.vi) > 1) {
          throw refuse(r.path, FsEditException.Reason.UNSUPPORTED, "is hard-linked (" + remainingLinks(r.vi)
              + " links) and its new inode does not fit its old slot; moving it would leave the other names "
              + "pointing at the old inode");
        }
        moved.add(r);
        markRewrite(r.parent);
      }
    }
    for (Dir d : new ArrayList<>(dirsByNid.values())) {
      if (!d.deleted && (d.entriesChanged || d.mtime != null)) {
        markRewrite(d);
      }
    }
    // a moved directory changes its parent's entry and every subdirectory's ".."
    boolean grew = true;
    while (grew) {
      grew = false;
      for (Dir d : sortedDirs()) {
        if (!d.rewrite || d.relocate || d.deleted) {
          continue;
        }
        int need = (dirNeedsExtended(d) ? 64 : 32) + d.vi.xattrSize();
        if (need <= slotEnd(d.vi) - d.vi.offset()) {
          continue;
        }
        if (d == root) {
          throw refuse("/", FsEditException.Reason.UNSUPPORTED, "the root directory's new inode does not fit its "
              + "slot, and the root cannot move (its nid is 16 bits in the superblock)");
        }
        d.relocate = true;
        moved.add(d);
        markRewrite(d.parent);
        for (Map.Entry<byte[], Ent> c : d.entries().entrySet()) {
          if (c.getValue() instanceof Existing x && isDirectory(x.nid())) {
            markRewrite(dir(d, new String(c.getKey(), java.nio.charset.StandardCharsets.UTF_8), x.nid()));
          }
        }
        grew = true;
      }
    }
    moved.addAll(created);

    // 3. directory data after the file data
    List<Dir> rewritten = new ArrayList<>();
    for (Dir d : sortedDirs()) {
      if (d.rewrite && !d.deleted) {
        rewritten.add(d);
        List<byte[]> names = new ArrayList<>();
        names.add(ErofsEncoding.name("."));
        names.add(ErofsEncoding.name(".."));
        names.addAll(d.entries().keySet());
        names.sort(ErofsEncoding.NAME_ORDER);
        d.newSize = ErofsEncoding.directorySize(names, bs);
        d.startBlock = cursor / bs;
        cursor += roundUp(d.newSize);
      }
    }

    // 4. moved and new inodes after the directory data, never across a block boundary
    long pos = cursor;
    for (Object o : moved) {
      int size;
      if (o instanceof Replaced r) {
        size = (fileNeedsExtended(r) ? 64 : 32) + r.vi.xattrSize();
      } else if (o instanceof Dir d) {
        size = (dirNeedsExtended(d) ? 64 : 32) + d.vi.xattrSize();
      } else {
        Created c = (Created) o;
        size = (createdNeedsExtended(c) ? 64 : 32) + c.xattrs.length;
      }
      if (size > bs) {
        throw refuse(pathOf(o), FsEditException.Reason.UNSUPPORTED, "inode with " + size + " bytes of xattrs "
            + "does not fit one block");
      }
      if ((pos % bs) + size > bs) {
        pos = roundUp(pos);
      }
      long nid = (pos - metaBase) / 32;
      if (o instanceof Replaced r) {
        r.newNid = nid;
        changes.add(new FsChange(FsChange.Kind.INODE_MOVED, r.path, "nid " + r.nid + " -> " + nid));
      } else if (o instanceof Dir d) {
        d.newNid = nid;
        changes.add(new FsChange(FsChange.Kind.INODE_MOVED, d.path, "nid " + d.nid + " -> " + nid));
      } else {
        ((Created) o).newNid = nid;
      }
      pos += (size + 31) & ~31;
    }
    cursor = roundUp(pos);
    if (cursor / bs > 0xffffffffL) {
      throw refuse("", FsEditException.Reason.UNSUPPORTED, "the edited image would need more than 2^32 blocks");
    }

    // 5. encode: file inodes, created inodes, directories
    long nextIno = sb.inodeCount();
    for (Replaced r : replaced.values()) {
      writeFileInode(meta, r);
    }
    for (Created c : created) {
      writeCreatedInode(meta, c, ++nextIno);
    }
    for (Dir d : rewritten) {
      byte[] data = ErofsEncoding.encodeDirectory(dirents(d), bs);
      pieces.bytes(d.startBlock * bs, data);
      writeDirInode(meta, d);
      changes.add(new FsChange(FsChange.Kind.DIRECTORY_REWRITTEN, d.path, d.entries().size() + " entries"));
      if (d.mtime != null) {
        changes.add(new FsChange(FsChange.Kind.TOUCHED, d.path, "mtime " + d.mtime));
      }
    }
    // surviving hard links of deleted names: one link fewer, in place
    for (Map.Entry<Long, Integer> e : new TreeMap<>(removedLinks).entrySet()) {
      ErofsInode vi = img.inode(e.getKey());
      if (remainingLinks(vi) > 0 && !replaced.containsKey(vi.nid())) {
        writeLinkCount(meta, vi, remainingLinks(vi));
      }
    }

    // 6. superblock
    long fullyRemoved = removedDirs.size();
    for (Map.Entry<Long, Integer> e : removedLinks.entrySet()) {
      if (remainingLinks(img.inode(e.getKey())) <= 0) {
        fullyRemoved++;
      }
    }
    byte[] sbBlock = meta.block(0);
    ByteBuffer sbb = ByteBuffer.wrap(sbBlock).order(ByteOrder.LITTLE_ENDIAN);
    sbb.putLong(ErofsSuperblock.OFFSET + 16, Math.max(0, sb.inodeCount() + created.size() - fullyRemoved));
    sbb.putInt(ErofsSuperblock.OFFSET + 36, (int) (cursor / bs));
    ErofsEncoding.sealSuperblock(sbBlock, bs);

    ImagePatch patch = new ImagePatch(img.source(), baseEnd, cursor);
    try {
      meta.addTo(patch);
      pieces.addTo(patch);
    } catch (IllegalStateException e) {
      // two things were put in one place: only an image whose maps disagree with its contents does that
      throw RomFormatException.corrupt(name, "erofs", RomFormatException.NO_OFFSET,
          "the image's block maps contradict each other (" + e.getMessage() + ")");
    }
    EditResult result = new EditResult("erofs", img.source().size(), cursor, cursor - baseEnd,
        patch.patchedInBase(), img.source().size() - baseEnd, changes);
    return new EditPlan(patch, result);
  }

  /** The end of an inode's slot, which must lie inside the filesystem (hostile index counts can say otherwise). */
  private long slotEnd(ErofsInode vi) throws IOException {
    long end = img.slotEnd(vi);
    if (end > baseEnd) {
      throw RomFormatException.corrupt(name, "erofs", vi.offset(), "the metadata of nid " + vi.nid()
          + " reaches byte " + end + ", past the end of the filesystem (" + baseEnd + ")");
    }
    return end;
  }

  private String pathOf(Object o) {
    if (o instanceof Replaced r) {
      return r.path;
    }
    if (o instanceof Dir d) {
      return d.path;
    }
    return ((Created) o).spec.path();
  }

  private void collectCreated(Dir d, List<Created> out) throws IOException {
    if (d.deleted || d.entries == null) {
      return;
    }
    for (Ent e : d.entries.values()) {
      if (e instanceof Created c) {
        out.add(c);
      }
    }
    for (Dir child : sortedDirs()) {
      if (child.parent == d) {
        collectCreated(child, out);
      }
    }
  }

  private List<Dir> sortedDirs() {
    List<Dir> l = new ArrayList<>(dirsByNid.values());
    l.sort(Comparator.comparing(d -> d.path));
    return l;
  }

  private void markRewrite(Dir d) {
    d.rewrite = true;
  }

  private long roundUp(long v) {
    return (v + bs - 1) / bs * bs;
  }

  private boolean fileNeedsExtended(Replaced r) {
    ErofsInode vi = r.vi;
    return !ErofsEncoding.fitsCompact(vi.uid(), vi.gid(), r.content.size(), remainingLinks(vi), r.mtime, 0, sb);
  }

  private boolean createdNeedsExtended(Created c) {
    return !ErofsEncoding.fitsCompact(c.spec.uid(), c.spec.gid(), c.content.size(), 1, c.mtime, 0, sb);
  }

  private boolean dirNeedsExtended(Dir d) throws IOException {
    ErofsInode vi = d.vi;
    long mtime = d.mtime != null ? d.mtime : vi.mtime();
    int nanos = d.mtime != null ? 0 : vi.mtimeNanos();
    if (vi.extended() && d.mtime == null) {
      return true;
    }
    return !ErofsEncoding.fitsCompact(vi.uid(), vi.gid(), 0, 2 + subdirCount(d), mtime, nanos, sb);
  }

  private int subdirCount(Dir d) throws IOException {
    int n = 0;
    for (Ent e : d.entries().values()) {
      if (e instanceof Existing x && x.fileType() == 2) {
        n++;
      } else if (e instanceof Existing x && x.fileType() == 0 && isDirectory(x.nid())) {
        n++;
      }
    }
    return n;
  }

  // ---- encoding --------------------------------------------------------------------------------------

  private long inodeOffset(long nid) {
    return metaBase + nid * 32;
  }

  private long ino(ErofsInode vi) throws IOException {
    return u32(img.source().readFully(vi.offset() + 20, 4), 0);
  }

  private byte[] xattrArea(ErofsInode vi) throws IOException {
    return vi.xattrSize() == 0 ? new byte[0] : img.source().readFully(vi.offset() + vi.inodeSize(), vi.xattrSize());
  }

  /** Writes inode bytes and xattr area at nid; in place, the rest of the old slot is cleared. */
  private void place(BlockOverlay meta, ErofsInode old, long newNid, byte[] inode, byte[] xattrs)
      throws IOException {
    long at = inodeOffset(newNid);
    meta.write(at, inode);
    meta.write(at + inode.length, xattrs);
    if (newNid == old.nid()) {
      long end = slotEnd(old);
      long from = at + inode.length + xattrs.length;
      if (end > from) {
        meta.write(from, new byte[(int) (end - from)]);
      }
    }
  }

  private void writeFileInode(BlockOverlay meta, Replaced r) throws IOException {
    ErofsInode vi = r.vi;
    long size = r.content.size();
    boolean ext = fileNeedsExtended(r);
    ErofsEncoding.Inode inode = new ErofsEncoding.Inode(ext, ErofsInode.FLAT_PLAIN, vi.mode(), size,
        size == 0 ? 0 : r.startBlock, ino(vi), vi.uid(), vi.gid(), r.mtime, 0, (int) remainingLinks(vi),
        ErofsEncoding.xattrIcount(vi.xattrSize()));
    long nid = r.newNid >= 0 ? r.newNid : vi.nid();
    place(meta, vi, nid, ErofsEncoding.encodeInode(inode), xattrArea(vi));
    changes.add(new FsChange(FsChange.Kind.REPLACED, r.path, size + " bytes, nid " + nid
        + (nid == vi.nid() ? " (in place)" : "")));
  }

  private void writeCreatedInode(BlockOverlay meta, Created c, long ino) throws IOException {
    long size = c.content.size();
    ErofsEncoding.Inode inode = new ErofsEncoding.Inode(createdNeedsExtended(c), ErofsInode.FLAT_PLAIN,
        0x8000 | c.spec.mode(), size, size == 0 ? 0 : c.startBlock, ino, c.spec.uid(), c.spec.gid(), c.mtime, 0,
        1, ErofsEncoding.xattrIcount(c.xattrs.length));
    long at = inodeOffset(c.newNid);
    byte[] b = ErofsEncoding.encodeInode(inode);
    meta.write(at, b);
    meta.write(at + b.length, c.xattrs);
    changes.add(new FsChange(FsChange.Kind.CREATED, c.spec.path(), size + " bytes, nid " + c.newNid));
  }

  private void writeDirInode(BlockOverlay meta, Dir d) throws IOException {
    ErofsInode vi = d.vi;
    long mtime = d.mtime != null ? d.mtime : vi.mtime();
    int nanos = d.mtime != null ? 0 : vi.mtimeNanos();
    ErofsEncoding.Inode inode = new ErofsEncoding.Inode(dirNeedsExtended(d), ErofsInode.FLAT_PLAIN, vi.mode(),
        d.newSize, d.startBlock, ino(vi), vi.uid(), vi.gid(), mtime, nanos, 2 + subdirCount(d),
        ErofsEncoding.xattrIcount(vi.xattrSize()));
    place(meta, vi, d.newNid, ErofsEncoding.encodeInode(inode), xattrArea(vi));
  }

  private void writeLinkCount(BlockOverlay meta, ErofsInode vi, long links) throws IOException {
    if (vi.extended()) {
      byte[] b = new byte[4];
      dev.untrack.rom.io.LittleEndian.put32(b, 0, (int) links);
      meta.write(vi.offset() + 44, b);
    } else {
      meta.write(vi.offset() + 6, new byte[] {(byte) links, (byte) (links >>> 8)});
    }
  }

  private List<ErofsEncoding.Dirent> dirents(Dir d) throws IOException {
    List<ErofsEncoding.Dirent> out = new ArrayList<>();
    long parentNid = d.parent == null ? d.newNid : d.parent.newNid;
    out.add(new ErofsEncoding.Dirent(ErofsEncoding.name("."), d.newNid, 2));
    out.add(new ErofsEncoding.Dirent(ErofsEncoding.name(".."), parentNid, 2));
    for (Map.Entry<byte[], Ent> e : d.entries().entrySet()) {
      Ent ent = e.getValue();
      if (ent instanceof Created c) {
        out.add(new ErofsEncoding.Dirent(e.getKey(), c.newNid, 1));
        continue;
      }
      Existing x = (Existing) ent;
      long nid = x.nid();
      Replaced r = replaced.get(nid);
      if (r != null && r.newNid >= 0) {
        nid = r.newNid;
      }
      Dir child = dirsByNid.get(x.nid());
      if (child != null && child.parent == d) {
        nid = child.newNid;
      }
      out.add(new ErofsEncoding.Dirent(e.getKey(), nid, x.fileType()));
    }
    out.sort(Comparator.comparing(ErofsEncoding.Dirent::name, ErofsEncoding.NAME_ORDER));
    return out;
  }

  /** Appended pieces: file content (streamed) and directory data, each starting on a block boundary. */
  private final class ImagePatchBuilder {
    private final List<Object[]> list = new ArrayList<>();

    long content(long at, ByteSource src) {
      list.add(new Object[] {at, src});
      return at + roundUp(src.size());
    }

    void bytes(long at, byte[] data) {
      list.add(new Object[] {at, data});
    }

    void addTo(ImagePatch patch) {
      for (Object[] p : list) {
        long at = (Long) p[0];
        if (p[1] instanceof ByteSource s) {
          patch.putContent(at, s, s.size(), roundUp(s.size()));
        } else {
          byte[] b = (byte[]) p[1];
          byte[] padded = java.util.Arrays.copyOf(b, (int) roundUp(b.length));
          patch.put(at, padded);
        }
      }
    }
  }
}
