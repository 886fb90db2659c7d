package dev.untrack.rom.erofs;

import dev.untrack.rom.fs.FileSystemEdits;
import dev.untrack.rom.fs.FileType;
import dev.untrack.rom.fs.FsEntry;
import dev.untrack.rom.fs.ImagePatch;
import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.ByteSource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Builds an uncompressed EROFS image from a tree given in code: directories, regular files (content streamed
 * from a {@link ByteSource} while writing), symlinks and device nodes, with owners, modes, times and xattrs
 * (SELinux labels, capabilities). The same tree always gives the same bytes: nothing depends on a clock, the
 * host or the order nodes were added in.
 *
 * <p>Layout: the superblock alone in block 0, every inode from block 1 on (depth first, names in directory
 * order; small data inline after its inode), then the data blocks of larger files and directories. Inodes are
 * compact unless an owner, the size or the time needs the extended form.
 *
 * <pre>{@code
 * ErofsBuilder b = new ErofsBuilder().buildTime(t).volumeName("system");
 * b.directory("/system", 0, 0, 0755, t, label("u:object_r:system_file:s0"));
 * b.file("/system/build.prop", source, 0, 0, 0600, t, label(...));
 * b.writeTo(out);
 * }</pre>
 */
public final class ErofsBuilder {
  private static final int BS = 4096;
  private static final int BLK_BITS = 12;

  private final TreeMap<String, Node> nodes = new TreeMap<>();
  private long buildTime;
  private byte[] uuid = new byte[16];
  private String volumeName = "";
  private Layout layout;

  private static final class Node {
    final String path;
    final FileType type;
    int uid;
    int gid;
    int mode;
    long mtime;
    SortedMap<String, byte[]> xattrs;
    ByteSource content;
    byte[] data;
    long rdev;
    /** For a hard link: the node whose inode this name shares. */
    String linkTo;
    Node target;
    int links = 1;
    final List<Node> children = new ArrayList<>();
    Node parent;
    // layout
    long nid;
    long ino;
    long size;
    boolean inline;
    long startBlock;
    byte[] xattrArea;
    int subdirs;

    Node(String path, FileType type) {
      this.path = path;
      this.type = type;
    }

    String name() {
      return path.substring(path.lastIndexOf('/') + 1);
    }
  }

  public ErofsBuilder() {
    Node root = new Node("/", FileType.DIRECTORY);
    root.mode = 0755;
    root.xattrs = new TreeMap<>();
    nodes.put("/", root);
  }

  /** The image build time; also the time compact inodes show (default 0). */
  public ErofsBuilder buildTime(long seconds) {
    buildTime = seconds;
    changed();
    return this;
  }

  public ErofsBuilder uuid(byte[] id) {
    if (id.length != 16) {
      throw new IllegalArgumentException("a UUID has 16 bytes");
    }
    uuid = id.clone();
    changed();
    return this;
  }

  /** The volume label (at most 16 bytes). */
  public ErofsBuilder volumeName(String name) {
    if (name.getBytes(StandardCharsets.UTF_8).length > 16) {
      throw new IllegalArgumentException("EROFS volume names have at most 16 bytes: " + name);
    }
    volumeName = name;
    changed();
    return this;
  }

  private void changed() {
    layout = null;
  }

  private Node put(String path, FileType type, int uid, int gid, int mode, long mtime,
      SortedMap<String, byte[]> xattrs) {
    String p = normalize(path);
    if ((mode & ~07777) != 0) {
      throw new IllegalArgumentException(String.format("%s: mode 0%o has bits outside 07777", p, mode));
    }
    Node n = p.equals("/") ? nodes.get("/") : new Node(p, type);
    if (p.equals("/") && type != FileType.DIRECTORY) {
      throw new IllegalArgumentException("the root must be a directory");
    }
    TreeMap<String, byte[]> x = new TreeMap<>();
    for (var e : xattrs.entrySet()) {
      x.put(e.getKey(), e.getValue().clone());
    }
    ErofsEncoding.encodeXattrs(x); // fails early on names EROFS cannot store
    n.uid = uid;
    n.gid = gid;
    n.mode = mode;
    n.mtime = mtime;
    n.xattrs = Collections.unmodifiableSortedMap(x);
    nodes.put(p, n);
    changed();
    return n;
  }

  private static String normalize(String path) {
    List<String> parts = FileSystemEdits.split(Objects.requireNonNull(path));
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("not an absolute path: " + path);
    }
    return parts.isEmpty() ? "/" : "/" + String.join("/", parts);
  }

  /** Adds (or, for "/", sets the attributes of) a directory. Missing parents are added as root:root 0755. */
  public ErofsBuilder directory(String path, int uid, int gid, int mode, long mtime,
      SortedMap<String, byte[]> xattrs) {
    put(path, FileType.DIRECTORY, uid, gid, mode, mtime, xattrs);
    return this;
  }

  /** Adds a regular file; {@code content} is read only while the image is written and must not change size. */
  public ErofsBuilder file(String path, ByteSource content, int uid, int gid, int mode, long mtime,
      SortedMap<String, byte[]> xattrs) {
    put(path, FileType.REGULAR, uid, gid, mode, mtime, xattrs).content = Objects.requireNonNull(content);
    return this;
  }

  public ErofsBuilder symlink(String path, String target, int uid, int gid, long mtime,
      SortedMap<String, byte[]> xattrs) {
    byte[] t = target.getBytes(StandardCharsets.UTF_8);
    if (t.length == 0 || t.length >= BS) {
      throw new IllegalArgumentException(path + ": symlink target of " + t.length + " bytes");
    }
    put(path, FileType.SYMLINK, uid, gid, 0777, mtime, xattrs).data = t;
    return this;
  }

  /** A character or block device ({@code rdev} as {@link FsEntry#makedev}), a fifo or a socket. */
  public ErofsBuilder node(String path, FileType type, long rdev, int uid, int gid, int mode, long mtime,
      SortedMap<String, byte[]> xattrs) {
    if (type == FileType.REGULAR || type == FileType.DIRECTORY || type == FileType.SYMLINK) {
      throw new IllegalArgumentException(path + ": use file(), directory() or symlink() for " + type);
    }
    put(path, type, uid, gid, mode, mtime, xattrs).rdev = rdev;
    return this;
  }

  /** A second name for an existing file, symlink or node (not a directory); it shares the inode. */
  public ErofsBuilder hardlink(String path, String existing) {
    String p = normalize(path);
    if (p.equals("/")) {
      throw new IllegalArgumentException("the root cannot be a link");
    }
    Node n = new Node(p, null);
    n.linkTo = normalize(existing);
    nodes.put(p, n);
    changed();
    return this;
  }

  // ---- layout ----------------------------------------------------------------------------------------

  private record Layout(List<Node> order, long size) {}

  private Layout layout() throws IOException {
    if (layout != null) {
      return layout;
    }
    // tree: parents first (TreeMap order sorts "/a" before "/a/b"), missing parents added
    for (String p : new ArrayList<>(nodes.keySet())) {
      String parent = p;
      while (!parent.equals("/")) {
        parent = parent.substring(0, Math.max(1, parent.lastIndexOf('/')));
        if (!nodes.containsKey(parent)) {
          put(parent, FileType.DIRECTORY, 0, 0, 0755, buildTime, new TreeMap<>());
        } else if (nodes.get(parent).type != FileType.DIRECTORY || nodes.get(parent).linkTo != null) {
          throw new IllegalArgumentException(p + ": parent " + parent + " is not a directory");
        }
      }
    }
    for (Node n : nodes.values()) {
      n.children.clear();
      n.parent = null;
    }
    for (Node n : nodes.values()) {
      if (!n.path.equals("/")) {
        Node parent = nodes.get(n.path.substring(0, Math.max(1, n.path.lastIndexOf('/'))));
        n.parent = parent;
        parent.children.add(n);
      }
    }
    for (Node n : nodes.values()) {
      n.links = 1;
    }
    for (Node n : nodes.values()) {
      if (n.linkTo != null) {
        Node t = nodes.get(n.linkTo);
        if (t == null || t.linkTo != null || t.type == FileType.DIRECTORY) {
          throw new IllegalArgumentException(n.path + ": hard link target " + n.linkTo
              + " is missing, a link itself or a directory");
        }
        n.target = t;
        t.links++;
      }
    }
    List<Node> all = new ArrayList<>();
    depthFirst(nodes.get("/"), all);
    List<Node> order = new ArrayList<>();
    for (Node n : all) {
      if (n.target == null) {
        order.add(n);
      }
    }

    // sizes, then inodes (with inline data) from block 1, then data blocks
    for (Node n : order) {
      n.xattrArea = ErofsEncoding.encodeXattrs(n.xattrs);
      n.subdirs = 0;
      switch (n.type) {
        case DIRECTORY -> {
          List<byte[]> names = new ArrayList<>();
          names.add(ErofsEncoding.name("."));
          names.add(ErofsEncoding.name(".."));
          for (Node c : n.children) {
            names.add(ErofsEncoding.name(c.name()));
            if (c.type == FileType.DIRECTORY) {
              n.subdirs++;
            }
          }
          names.sort(ErofsEncoding.NAME_ORDER);
          n.size = ErofsEncoding.directorySize(names, BS);
        }
        case REGULAR -> n.size = n.content.size();
        case SYMLINK -> n.size = n.data.length;
        default -> n.size = 0;
      }
    }
    long pos = BS;
    long ino = 0;
    for (Node n : order) {
      int head = inodeSize(n) + n.xattrArea.length;
      n.inline = n.size > 0 && n.size < BS && head + n.size <= BS;
      long need = head + (n.inline ? n.size : 0);
      if (need > BS) {
        throw new IllegalArgumentException(n.path + ": inode with " + n.xattrArea.length
            + " bytes of xattrs does not fit one block");
      }
      if ((pos % BS) + need > BS) {
        pos = roundUp(pos);
      }
      n.nid = (pos - BS) / 32;
      n.ino = ++ino;
      pos += (need + 31) & ~31;
    }
    if (nodes.get("/").nid != 0) {
      throw new IllegalStateException("root must come first");
    }
    pos = roundUp(pos);
    for (Node n : order) {
      if (!n.inline && n.size > 0) {
        n.startBlock = pos / BS;
        pos += roundUp(n.size);
      }
    }
    if (pos / BS > 0xffffffffL) {
      throw new IllegalArgumentException("image too large for 32-bit block numbers");
    }
    layout = new Layout(order, pos);
    return layout;
  }

  private static void depthFirst(Node n, List<Node> out) {
    out.add(n);
    n.children.sort((a, b) -> ErofsEncoding.NAME_ORDER.compare(ErofsEncoding.name(a.name()),
        ErofsEncoding.name(b.name())));
    for (Node c : n.children) {
      depthFirst(c, out);
    }
  }

  private boolean extended(Node n) {
    return !ErofsEncoding.fitsCompact(n.uid, n.gid, n.size, nlink(n), n.mtime, 0, buildTime, 0);
  }

  private static int nlink(Node n) {
    return n.type == FileType.DIRECTORY ? 2 + n.subdirs : n.links;
  }

  private int inodeSize(Node n) {
    return extended(n) ? 64 : 32;
  }

  private static long roundUp(long v) {
    return (v + BS - 1) / BS * BS;
  }

  /** Size of the image in bytes. */
  public long size() throws IOException {
    return layout().size();
  }

  /** The image as a patch over nothing: metadata in memory, file content streamed from the sources. */
  private ImagePatch patch() throws IOException {
    Layout l = layout();
    ImagePatch patch = new ImagePatch(new ArrayByteSource(new byte[0], "empty"), 0, l.size());
    patch.put(0, superblock(l));
    for (Node n : l.order()) {
      long at = BS + n.nid * 32;
      int nlink = nlink(n);
      long rawU;
      if (n.type == FileType.CHAR_DEVICE || n.type == FileType.BLOCK_DEVICE) {
        FsEntry e = new FsEntry("/", 0, n.type, 0, 0, 0, 0, 0, 0, n.rdev, null, new TreeMap<>());
        long major = e.rdevMajor();
        long minor = e.rdevMinor();
        rawU = (minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xffL) << 12);
      } else if (n.size == 0) {
        rawU = 0;
      } else {
        rawU = n.inline ? ErofsEncoding.NULL_ADDR : n.startBlock;
      }
      ErofsEncoding.Inode inode = new ErofsEncoding.Inode(extended(n),
          n.inline ? ErofsInode.FLAT_INLINE : ErofsInode.FLAT_PLAIN, ErofsEncoding.typeBits(n.type) | n.mode,
          n.size, rawU, n.ino, n.uid, n.gid, n.mtime, 0, nlink, ErofsEncoding.xattrIcount(n.xattrArea.length));
      byte[] head = ErofsEncoding.encodeInode(inode);
      byte[] meta = new byte[head.length + n.xattrArea.length];
      System.arraycopy(head, 0, meta, 0, head.length);
      System.arraycopy(n.xattrArea, 0, meta, head.length, n.xattrArea.length);
      patch.put(at, meta);
      long dataAt = n.inline ? at + meta.length : n.startBlock * BS;
      if (n.size == 0) {
        continue;
      }
      if (n.type == FileType.REGULAR) {
        patch.putContent(dataAt, n.content, n.size, n.inline ? n.size : roundUp(n.size));
      } else {
        byte[] data = n.type == FileType.DIRECTORY ? directory(n) : n.data;
        patch.put(dataAt, n.inline ? data : java.util.Arrays.copyOf(data, (int) roundUp(data.length)));
      }
    }
    return patch;
  }

  private static byte[] directory(Node n) {
    List<ErofsEncoding.Dirent> entries = new ArrayList<>();
    entries.add(new ErofsEncoding.Dirent(ErofsEncoding.name("."), n.nid, 2));
    entries.add(new ErofsEncoding.Dirent(ErofsEncoding.name(".."), n.parent == null ? n.nid : n.parent.nid, 2));
    for (Node c : n.children) {
      Node inode = c.target != null ? c.target : c;
      entries.add(new ErofsEncoding.Dirent(ErofsEncoding.name(c.name()), inode.nid,
          ErofsEncoding.fileType(ErofsEncoding.typeBits(inode.type))));
    }
    entries.sort((a, b) -> ErofsEncoding.NAME_ORDER.compare(a.name(), b.name()));
    return ErofsEncoding.encodeDirectory(entries, BS);
  }

  private byte[] superblock(Layout l) {
    byte[] block = new byte[BS];
    ByteBuffer b = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
    int o = ErofsSuperblock.OFFSET;
    b.putInt(o, ErofsSuperblock.MAGIC);
    b.putInt(o + 8, (int) (ErofsSuperblock.COMPAT_SB_CHKSUM | 0x2)); // sb_csum, mtime
    b.put(o + 12, (byte) BLK_BITS);
    b.putShort(o + 14, (short) 0);
    b.putLong(o + 16, l.order().size());
    b.putLong(o + 24, buildTime);
    b.putInt(o + 36, (int) (l.size() / BS));
    b.putInt(o + 40, 1);
    b.put(o + 48, uuid);
    b.put(o + 64, volumeName.getBytes(StandardCharsets.UTF_8));
    ErofsEncoding.sealSuperblock(block, BS);
    return block;
  }

  /** Streams the image to {@code out}. */
  public void writeTo(OutputStream out) throws IOException {
    patch().writeTo(out);
  }

  /** The image as a random-access source, without writing it anywhere. */
  public ByteSource view(String name) throws IOException {
    return patch().view(name);
  }
}
