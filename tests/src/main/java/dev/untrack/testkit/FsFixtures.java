package dev.untrack.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Builds ext4 and EROFS images from a tree spec with owners, modes, SELinux labels, capabilities and device
 * nodes, without root: ext4 through {@code mke2fs -d} then a {@code debugfs -w} script ({@code sif},
 * {@code ea_set}, {@code mknod}); EROFS through one {@code fakeroot} session (chown, chmod, mknod,
 * {@code setfattr --restore}, then {@code mkfs.erofs}). Missing tools skip (locally) or fail (CI).
 */
public final class FsFixtures {
  private FsFixtures() {}

  /** The kind of a spec node. */
  public enum Kind { DIR, FILE, SYMLINK, HARDLINK, FIFO, CHAR_DEVICE, BLOCK_DEVICE }

  /** One node of a tree; {@code path} is relative ("a/b/c"). Content of files is generated on demand. */
  public static final class Node {
    public final String path;
    public final Kind kind;
    public int uid;
    public int gid;
    public int mode;
    public final Map<String, byte[]> xattrs = new TreeMap<>();
    public String target;
    public long size;
    public long seed;
    public boolean sparse;
    public byte[] bytes;
    public int major;
    public int minor;

    Node(String path, Kind kind, int mode) {
      this.path = path;
      this.kind = kind;
      this.mode = mode;
    }

    /** The content of a file node, generated deterministically. */
    public byte[] content() {
      return expectedContent(this);
    }
  }

  /**
   * Content generator: a mix of compressible text and incompressible noise (so that compressed clusters,
   * plain clusters and big pclusters all occur); sparse files are zeros except for a few stamped blocks.
   */
  static void fill(byte[] b, long offset, long seed, boolean sparse) {
    if (sparse) {
      for (int i = 0; i < b.length; i++) {
        long pos = offset + i;
        long block = pos / 4096;
        b[i] = block % 97 == 3 ? (byte) (block * 31 + seed + pos % 4096) : 0;
      }
      return;
    }
    Random r = new Random(seed);
    String words = "the quick brown fox jumps over the lazy dog telemetry analytics tracker onetrack ";
    int i = 0;
    while (i < b.length) {
      int segment = 1 + r.nextInt(9000);
      boolean noise = r.nextInt(3) == 0;
      for (int k = 0; k < segment && i < b.length; k++, i++) {
        b[i] = noise ? (byte) r.nextInt() : (byte) words.charAt((int) ((i * 7L + seed + k / 13) % words.length()));
      }
    }
  }

  /** A tree under construction; nodes keep insertion order (parents before children). */
  public static final class Tree {
    private final Map<String, Node> nodes = new LinkedHashMap<>();

    public List<Node> nodes() {
      return new ArrayList<>(nodes.values());
    }

    public Node node(String path) {
      Node n = nodes.get(path);
      if (n == null) {
        throw new IllegalArgumentException("no node " + path);
      }
      return n;
    }

    private Node add(Node n) {
      int slash = n.path.lastIndexOf('/');
      if (slash > 0 && !nodes.containsKey(n.path.substring(0, slash))) {
        dir(n.path.substring(0, slash));
      }
      nodes.put(n.path, n);
      return n;
    }

    public Tree dir(String path) {
      add(new Node(path, Kind.DIR, 0755));
      return this;
    }

    public Tree file(String path, byte[] content) {
      Node n = add(new Node(path, Kind.FILE, 0644));
      n.bytes = content.clone();
      n.size = content.length;
      return this;
    }

    public Tree file(String path, long size, long seed) {
      Node n = add(new Node(path, Kind.FILE, 0644));
      n.size = size;
      n.seed = seed;
      return this;
    }

    /** A file of {@code size} bytes that is mostly holes. */
    public Tree sparseFile(String path, long size, long seed) {
      Node n = add(new Node(path, Kind.FILE, 0644));
      n.size = size;
      n.seed = seed;
      n.sparse = true;
      return this;
    }

    public Tree symlink(String path, String target) {
      add(new Node(path, Kind.SYMLINK, 0777)).target = target;
      return this;
    }

    public Tree hardlink(String path, String existing) {
      add(new Node(path, Kind.HARDLINK, 0)).target = existing;
      return this;
    }

    public Tree fifo(String path) {
      add(new Node(path, Kind.FIFO, 0644));
      return this;
    }

    public Tree device(String path, boolean block, int major, int minor) {
      Node n = add(new Node(path, block ? Kind.BLOCK_DEVICE : Kind.CHAR_DEVICE, 0600));
      n.major = major;
      n.minor = minor;
      return this;
    }

    public Tree owner(String path, int uid, int gid) {
      node(path).uid = uid;
      node(path).gid = gid;
      return this;
    }

    public Tree mode(String path, int mode) {
      node(path).mode = mode;
      return this;
    }

    public Tree xattr(String path, String name, byte[] value) {
      node(path).xattrs.put(name, value.clone());
      return this;
    }

    /** {@code security.selinux}, stored with its trailing NUL as Android's tools do. */
    public Tree label(String path, String context) {
      return xattr(path, "security.selinux", (context + "\0").getBytes(StandardCharsets.UTF_8));
    }

    /** A {@code security.capability} (VFS_CAP_REVISION_2) granting {@code permitted} (bits 0..31). */
    public Tree capability(String path, int permitted) {
      byte[] v = new byte[20];
      v[3] = 2;
      v[4] = (byte) permitted;
      v[5] = (byte) (permitted >>> 8);
      v[6] = (byte) (permitted >>> 16);
      v[7] = (byte) (permitted >>> 24);
      return xattr(path, "security.capability", v);
    }

    /** Writes directories, files, symlinks, hard links and fifos (no owners, devices or xattrs). */
    public void materialize(Path root, boolean fifos) throws IOException {
      Files.createDirectories(root);
      for (Node n : nodes.values()) {
        Path p = root.resolve(n.path);
        switch (n.kind) {
          case DIR -> Files.createDirectories(p);
          case FILE -> writeContent(n, p);
          case SYMLINK -> Files.createSymbolicLink(p, Path.of(n.target));
          case HARDLINK -> Files.createLink(p, root.resolve(n.target));
          case FIFO -> {
            if (fifos) {
              Oracle.run(root, "mkfifo", p.toString()).assertOk("mkfifo");
            }
          }
          default -> { }
        }
      }
    }

    private static void writeContent(Node n, Path p) throws IOException {
      if (n.bytes != null) {
        Files.write(p, n.bytes);
        return;
      }
      if (n.sparse) {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
          f.setLength(n.size);
          for (long off = 0; off < n.size; off += 4096) {
            if ((off / 4096) % 97 == 3) {
              int len = (int) Math.min(4096, n.size - off);
              byte[] b = new byte[len];
              fill(b, off, n.seed, true);
              f.seek(off);
              f.write(b);
            }
          }
        }
        return;
      }
      try (OutputStream out = Files.newOutputStream(p)) {
        int chunk = 1 << 20;
        for (long off = 0; off < n.size; off += chunk) {
          byte[] b = new byte[(int) Math.min(chunk, n.size - off)];
          fill(b, off, n.seed + off, false);
          out.write(b);
        }
      }
    }

    /** Bytes of regular file content in the tree. */
    public long contentBytes() {
      long t = 0;
      for (Node n : nodes.values()) {
        if (n.kind == Kind.FILE) {
          t += n.size;
        }
      }
      return t;
    }
  }

  /** Content of a generated (non-literal) file node as written by {@link Tree#materialize}. */
  public static byte[] expectedContent(Node n) {
    if (n.bytes != null) {
      return n.bytes.clone();
    }
    if (n.sparse) {
      byte[] b = new byte[(int) n.size];
      fill(b, 0, n.seed, true);
      return b;
    }
    byte[] out = new byte[(int) n.size];
    int chunk = 1 << 20;
    for (long off = 0; off < n.size; off += chunk) {
      byte[] b = new byte[(int) Math.min(chunk, n.size - off)];
      fill(b, off, n.seed + off, false);
      System.arraycopy(b, 0, out, (int) off, b.length);
    }
    return out;
  }

  /** The type bits of {@code st_mode} for a node kind. */
  public static int typeBits(Kind k) {
    return switch (k) {
      case DIR -> 0040000;
      case FILE, HARDLINK -> 0100000;
      case SYMLINK -> 0120000;
      case FIFO -> 0010000;
      case CHAR_DEVICE -> 0020000;
      case BLOCK_DEVICE -> 0060000;
    };
  }

  /**
   * A tree with what Android partitions hold: labelled apps, capabilities, setuid, owners, empty, one-block,
   * multi-block, large (when {@code large}) and sparse files, nested and many-entry directories, short and
   * long symlinks, a hard link, a fifo and device nodes.
   */
  public static Tree sampleTree(boolean large) {
    Tree t = new Tree()
        .dir("system")
        .file("system/app/Foo/Foo.apk", 300_000, 1)
        .file("system/bin/tool", 12_345, 2)
        .file("system/empty", new byte[0])
        .file("system/tiny.txt", "tiny file\n".getBytes(StandardCharsets.UTF_8))
        .file("system/onepage", 4096, 3)
        .file("system/twopages", 8191, 4)
        .sparseFile("system/sparse.img", 5047L * 4096 + 1000, 5) // ends in data: mke2fs -O inline_data drops trailing holes
        .file("system/a/b/c/d/e/f/deep.txt", "deep\n".getBytes(StandardCharsets.UTF_8))
        .symlink("system/lib", "/system/lib64")
        .symlink("system/longlink", "/" + "x".repeat(120) + "/" + "y".repeat(80))
        .hardlink("system/bin/tool-hardlink", "system/bin/tool")
        .fifo("dev/fifo")
        .device("dev/null", false, 1, 3)
        .device("dev/loop0", true, 7, 0)
        .dir("data");
    if (large) {
      t.file("system/framework/large.jar", 6L << 20, 6);
    }
    for (int i = 0; i < 300; i++) {
      t.file(String.format("system/etc/many/entry_with_a_fairly_long_name_%04d.xml", i),
          ("<entry id=\"" + i + "\"/>\n").getBytes(StandardCharsets.UTF_8));
    }
    t.label("system", "u:object_r:system_file:s0")
        .label("system/app/Foo/Foo.apk", "u:object_r:system_file:s0")
        .label("system/bin/tool", "u:object_r:system_exec:s0")
        .owner("system/bin/tool", 0, 2000).mode("system/bin/tool", 0750).capability("system/bin/tool", 1 << 12)
        .mode("system/onepage", 04755)
        .owner("data", 1000, 1000).mode("data", 0771).label("data", "u:object_r:system_data_file:s0")
        .owner("system/twopages", 70000, 70001)
        .xattr("system/tiny.txt", "user.comment", "hello".getBytes(StandardCharsets.UTF_8))
        .xattr("system/tiny.txt", "trusted.note", new byte[] {1, 2, 3, 0, 4})
        .label("system/lib", "u:object_r:system_lib_file:s0")
        .label("dev/null", "u:object_r:null_device:s0");
    return t;
  }

  /** Options for {@link #ext4}. */
  public record Ext4Options(List<String> features, int blockSize, long sizeBytes, String label,
      String mountPoint, boolean forceHtree, boolean sharedBlocks) {
    public static Ext4Options defaults() {
      return new Ext4Options(List.of(), 4096, 0, "", "/system", false, false);
    }

    public Ext4Options withFeatures(String... f) {
      return new Ext4Options(List.of(f), blockSize, sizeBytes, label, mountPoint, forceHtree, sharedBlocks);
    }

    public Ext4Options withHtree() {
      return new Ext4Options(features, blockSize, sizeBytes, label, mountPoint, true, sharedBlocks);
    }

    public Ext4Options withSharedBlocks() {
      return new Ext4Options(features, blockSize, sizeBytes, label, mountPoint, forceHtree, true);
    }

    public Ext4Options withBlockSize(int bs) {
      return new Ext4Options(features, bs, sizeBytes, label, mountPoint, forceHtree, sharedBlocks);
    }

    public Ext4Options withLabel(String l) {
      return new Ext4Options(features, blockSize, sizeBytes, l, mountPoint, forceHtree, sharedBlocks);
    }
  }

  /** Builds {@code work/NAME.ext4} from the tree; the materialized tree stays in {@code work/NAME.tree}. */
  public static Path ext4(Tree tree, Path work, String name, Ext4Options o) throws IOException {
    return ext4(tree, work, name, o, List.of());
  }

  /** As {@link #ext4(Tree, Path, String, Ext4Options)}, with more mke2fs arguments (e.g. {@code -I 128}). */
  public static Path ext4(Tree tree, Path work, String name, Ext4Options o, List<String> mke2fsArgs)
      throws IOException {
    Oracle.require("mke2fs", "e2fsprogs");
    Oracle.require("debugfs", "e2fsprogs");
    Path src = work.resolve(name + ".tree");
    tree.materialize(src, true);
    Path image = work.resolve(name + ".ext4");
    Files.deleteIfExists(image);
    long size = o.sizeBytes() > 0 ? o.sizeBytes()
        : Math.max(8L << 20, tree.contentBytes() * 13 / 10 + (4L << 20) + tree.nodes().size() * 16384L);
    size = (size + 65535) & ~65535L;
    List<String> cmd = new ArrayList<>(List.of("mke2fs", "-q", "-F", "-t", "ext4", "-b",
        Integer.toString(o.blockSize()), "-E", "root_owner=0:0", "-M", o.mountPoint(), "-d", src.toString()));
    if (!o.label().isEmpty()) {
      cmd.addAll(List.of("-L", o.label()));
    }
    if (!o.features().isEmpty()) {
      cmd.addAll(List.of("-O", String.join(",", o.features())));
    }
    cmd.addAll(mke2fsArgs);
    cmd.add(image.toString());
    cmd.add(Long.toString(size / 1024) + "k");
    Oracle.run(work, Duration.ofMinutes(10), Map.of("E2FSPROGS_FAKE_TIME", "1700000000"), cmd)
        .assertOk("mke2fs");
    StringBuilder script = new StringBuilder();
    int valueNo = 0;
    for (Node n : tree.nodes()) {
      String p = "/" + n.path;
      if (n.kind == Kind.CHAR_DEVICE || n.kind == Kind.BLOCK_DEVICE) {
        // debugfs mknod links the name into its current directory
        int slash = p.lastIndexOf('/');
        script.append("cd ").append(slash == 0 ? "/" : p.substring(0, slash)).append('\n');
        script.append("mknod ").append(p.substring(slash + 1)).append(n.kind == Kind.CHAR_DEVICE ? " c " : " b ")
            .append(n.major).append(' ').append(n.minor).append('\n');
        script.append("cd /\n");
      }
      if (n.kind == Kind.HARDLINK) {
        continue;
      }
      script.append("sif ").append(p).append(" uid ").append(n.uid).append('\n');
      script.append("sif ").append(p).append(" gid ").append(n.gid).append('\n');
      if (n.kind != Kind.SYMLINK) {
        script.append("sif ").append(p).append(" mode 0").append(Integer.toOctalString(typeBits(n.kind) | n.mode))
            .append('\n');
      }
      for (Map.Entry<String, byte[]> x : n.xattrs.entrySet()) {
        Path v = work.resolve(name + ".xattr" + valueNo++);
        Files.write(v, x.getValue());
        script.append("ea_set -f ").append(v).append(' ').append(p).append(' ').append(x.getKey()).append('\n');
      }
    }
    if (o.sharedBlocks()) {
      script.append("feature shared_blocks\n");
    }
    Path scriptFile = work.resolve(name + ".debugfs");
    Files.writeString(scriptFile, script.toString());
    Oracle.Result r = Oracle.run(work, Duration.ofMinutes(10), List.of("debugfs", "-w", "-f",
        scriptFile.toString(), image.toString())).assertOk("debugfs");
    if (r.stderr().lines().anyMatch(l -> !l.isBlank() && !l.startsWith("debugfs "))) {
      throw new AssertionError("debugfs script failed:\n" + r.stderr());
    }
    if (o.forceHtree()) {
      Oracle.Result f = Oracle.run(work, Duration.ofMinutes(10), List.of("e2fsck", "-fyD", image.toString()));
      if (f.exitCode() > 1) {
        throw new AssertionError("e2fsck -fyD exited " + f.exitCode() + ":\n" + f.stdout() + f.stderr());
      }
    }
    return image;
  }

  /**
   * Builds {@code work/NAME.erofs} with {@code mkfs.erofs OPTIONS} inside one fakeroot session that first
   * applies owners, modes, device nodes and xattrs.
   */
  public static Path erofs(Tree tree, Path work, String name, List<String> mkfsOptions) throws IOException {
    Oracle.require("mkfs.erofs", "erofs-utils");
    Oracle.require("fakeroot", "fakeroot");
    Oracle.require("setfattr", "attr");
    Path src = work.resolve(name + ".tree");
    tree.materialize(src, true);
    Path image = work.resolve(name + ".erofs");
    Files.deleteIfExists(image);
    StringBuilder dump = new StringBuilder();
    StringBuilder sh = new StringBuilder("set -e\ncd '").append(src).append("'\n");
    for (Node n : tree.nodes()) {
      String p = "./" + n.path;
      switch (n.kind) {
        case CHAR_DEVICE, BLOCK_DEVICE -> sh.append("mknod '").append(p).append("' ")
            .append(n.kind == Kind.CHAR_DEVICE ? "c " : "b ").append(n.major).append(' ').append(n.minor)
            .append('\n');
        default -> { }
      }
      if (n.kind == Kind.HARDLINK) {
        continue;
      }
      sh.append("chown -h ").append(n.uid).append(':').append(n.gid).append(" '").append(p).append("'\n");
      if (n.kind != Kind.SYMLINK) {
        sh.append("chmod ").append(Integer.toOctalString(n.mode)).append(" '").append(p).append("'\n");
      }
      if (!n.xattrs.isEmpty()) {
        dump.append("# file: ").append(n.path).append('\n');
        for (Map.Entry<String, byte[]> x : n.xattrs.entrySet()) {
          dump.append(x.getKey()).append("=0x").append(HexFormat.of().formatHex(x.getValue())).append('\n');
        }
        dump.append('\n');
      }
    }
    Path dumpFile = work.resolve(name + ".xattrs");
    Files.writeString(dumpFile, dump.toString());
    if (dump.length() > 0) {
      sh.append("setfattr -h --restore='").append(dumpFile).append("'\n");
    }
    sh.append("mkfs.erofs --quiet");
    for (String opt : mkfsOptions) {
      sh.append(" '").append(opt).append('\'');
    }
    sh.append(" '").append(image).append("' .\n");
    Path script = work.resolve(name + ".sh");
    Files.writeString(script, sh.toString());
    Oracle.run(work, Duration.ofMinutes(10), List.of("fakeroot", "sh", script.toString()))
        .assertOk("fakeroot mkfs.erofs " + mkfsOptions);
    return image;
  }

  /** Whether the installed mkfs.erofs accepts {@code options} (e.g. -Efragments needs erofs-utils 1.6+). */
  public static boolean erofsSupports(Path work, List<String> options) throws IOException {
    Oracle.require("mkfs.erofs", "erofs-utils");
    Path dir = Files.createTempDirectory(work, "probe");
    Files.writeString(dir.resolve("f"), "probe probe probe");
    List<String> cmd = new ArrayList<>(List.of("mkfs.erofs", "--quiet"));
    cmd.addAll(options);
    cmd.add(work.resolve("probe.erofs").toString());
    cmd.add(dir.toString());
    Oracle.Result r = Oracle.run(work, Duration.ofMinutes(1), cmd);
    Files.deleteIfExists(work.resolve("probe.erofs"));
    return r.exitCode() == 0;
  }
}
