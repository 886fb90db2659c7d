package dev.untrack.rom.tar;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.zip.ZipArchive;
import dev.untrack.rom.zip.ZipEntry;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A fastboot firmware package: a {@code .tgz}, a plain {@code .tar}, a {@code .zip} or a directory holding
 * {@code images/*.img}, flash scripts ({@code flash_all*.sh/.bat}) and, on Xiaomi, {@code images/crclist.txt} and
 * {@code images/sparsecrclist.txt}. Packages usually wrap everything in one top-level directory
 * ({@code <device>_images_<version>/}); {@link #root()} is that directory and member paths are relative to it.
 *
 * <p>Members are random-access {@link ByteSource}s: slices of a plain tar or of stored zip entries, files of a
 * directory, and — for gzip members and deflated zip entries, which can only be read front to back — copies
 * spooled once into {@link Options#workDir()} (see {@link Spool}). By default a {@code .tgz} is decompressed once
 * at open and every member under {@code images/} is spooled in that pass; this needs free space in the work
 * directory about the size of the uncompressed images. The copies are removed on {@link #close()}.
 */
public final class FastbootPackage implements Closeable {
  public enum Format {
    TGZ,
    TAR,
    ZIP,
    DIRECTORY
  }

  /**
   * A regular file of the package.
   *
   * @param path relative to {@link #root()}, "/"-separated ("images/super.img")
   * @param storedName the name in the archive, or the path relative to the opened directory
   */
  public record Member(String path, long size, String storedName) {
    public String fileName() {
      return path.substring(path.lastIndexOf('/') + 1);
    }
  }

  /**
   * @param workDir where gzip members and deflated zip entries are spooled
   * @param maxSpoolBytes cap on everything spooled
   * @param spoolOnOpen which members (by path relative to the root) a {@code .tgz} spools in its first pass
   */
  public record Options(Path workDir, long maxSpoolBytes, TarArchive.Limits limits, Predicate<String> spoolOnOpen) {
    public static Options in(Path workDir) {
      return new Options(workDir, 256L << 30, TarArchive.Limits.DEFAULT, p -> p.startsWith("images/"));
    }

    public Options withSpoolOnOpen(Predicate<String> p) {
      return new Options(workDir, maxSpoolBytes, limits, p);
    }
  }

  private static final int MAX_TEXT = 1 << 20;

  private final String name;
  private final Format format;
  private final String root;
  private final Map<String, Member> members;
  private final Backend backend;
  private final Spool spool;
  private final List<Closeable> owned;

  private interface Backend {
    ByteSource open(Member m) throws IOException;
  }

  private FastbootPackage(String name, Format format, String root, List<Member> members, Backend backend, Spool spool,
      List<Closeable> owned) {
    this.name = name;
    this.format = format;
    this.root = root;
    Map<String, Member> map = new LinkedHashMap<>();
    for (Member m : members) {
      map.put(m.path(), m);
    }
    this.members = Collections.unmodifiableMap(map);
    this.backend = backend;
    this.spool = spool;
    this.owned = owned;
  }

  /** Opens a directory, or a file whose content is a tgz, tar or zip. */
  public static FastbootPackage open(Path path, Options options) throws IOException {
    if (Files.isDirectory(path)) {
      return openDirectory(path, options);
    }
    FileByteSource src = FileByteSource.open(path);
    try {
      FastbootPackage p = open(src, options);
      p.owned.add(src);
      return p;
    } catch (IOException | RuntimeException e) {
      src.close();
      throw e;
    }
  }

  /** Opens a tgz, tar or zip; {@code source} stays owned by the caller. */
  public static FastbootPackage open(ByteSource source, Options options) throws IOException {
    byte[] head = source.readFully(0, (int) Math.min(512, source.size()));
    if (TarArchive.isGzip(head) || TarArchive.isTar(head)) {
      return openTar(source, options);
    }
    if (head.length >= 4 && head[0] == 'P' && head[1] == 'K') {
      return openZip(source, options);
    }
    throw RomFormatException.unsupported(source.name(), "fastboot package", 0,
        "not a tgz, tar or zip (by content)");
  }

  private static FastbootPackage openTar(ByteSource source, Options options) throws IOException {
    Spool spool = new Spool(options.workDir(), options.maxSpoolBytes());
    try {
      // The root is not known before the scan; spool by the path below any single top-level directory.
      Predicate<TarArchive.Entry> early = e -> options.spoolOnOpen().test(stripFirst(e.name()))
          || options.spoolOnOpen().test(e.name());
      TarArchive tar = TarArchive.open(source, spool, options.limits(), early);
      List<String> names = new ArrayList<>();
      for (TarArchive.Entry e : tar.entries()) {
        names.add(e.name() + (e.type() == TarArchive.Type.DIRECTORY ? "/" : ""));
      }
      String root = commonRoot(names);
      List<Member> members = new ArrayList<>();
      Map<String, TarArchive.Entry> byPath = new LinkedHashMap<>();
      for (TarArchive.Entry e : tar.entries()) {
        if (e.isFile()) {
          String rel = relative(root, e.name());
          members.add(new Member(rel, e.size(), e.name()));
          byPath.put(rel, e);
        }
      }
      Format f = tar.isCompressed() ? Format.TGZ : Format.TAR;
      List<Closeable> owned = new ArrayList<>();
      owned.add(tar);
      return new FastbootPackage(source.name(), f, root, members, m -> tar.open(byPath.get(m.path())), spool, owned);
    } catch (IOException | RuntimeException e) {
      spool.close();
      throw e;
    }
  }

  private static FastbootPackage openZip(ByteSource source, Options options) throws IOException {
    ZipArchive zip = ZipArchive.open(source);
    Spool spool = new Spool(options.workDir(), options.maxSpoolBytes());
    List<String> names = new ArrayList<>();
    for (ZipEntry e : zip.entries()) {
      names.add(e.name());
    }
    String root = commonRoot(names);
    List<Member> members = new ArrayList<>();
    Map<String, ZipEntry> byPath = new LinkedHashMap<>();
    for (ZipEntry e : zip.entries()) {
      if (!e.isDirectory()) {
        String rel = relative(root, SafeNames.normalize(e.name()));
        members.add(new Member(rel, e.size(), e.name()));
        byPath.put(rel, e);
      }
    }
    Map<String, ByteSource> spooled = new java.util.HashMap<>();
    Backend backend = m -> {
      ZipEntry e = byPath.get(m.path());
      if (e.isStored()) {
        return zip.rawData(e);
      }
      synchronized (spooled) {
        ByteSource s = spooled.get(m.path());
        if (s == null) {
          try (InputStream in = zip.open(e)) {
            s = spool.spool(in, e.size(), source.name() + " > " + e.name());
            if (in.read() >= 0) {
              throw RomFormatException.corrupt(source.name(), "zip", e.localHeaderOffset(),
                  e.name() + " inflates past its declared size");
            }
          }
          spooled.put(m.path(), s);
        }
        return s;
      }
    };
    return new FastbootPackage(source.name(), Format.ZIP, root, members, backend, spool, new ArrayList<>());
  }

  private static FastbootPackage openDirectory(Path dir, Options options) throws IOException {
    Path base = dir.toRealPath();
    List<Member> members = new ArrayList<>();
    List<String> names = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(base, 16)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (p.equals(base)) {
          continue;
        }
        String rel = base.relativize(p).toString().replace('\\', '/');
        if (Files.isSymbolicLink(p)) {
          Path target = p.toRealPath();
          if (!target.startsWith(base)) {
            throw RomFormatException.corrupt(p.toString(), "fastboot package", RomFormatException.NO_OFFSET,
                "symlink points outside the package directory (" + target + ")");
          }
          continue; // links are not followed; their targets are listed where they are
        }
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          names.add(rel + "/");
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          names.add(rel);
          members.add(new Member(rel, Files.size(p), rel));
        }
        if (names.size() > options.limits().maxEntries()) {
          throw RomFormatException.unsupported(dir.toString(), "fastboot package", RomFormatException.NO_OFFSET,
              "more than " + options.limits().maxEntries() + " files");
        }
      }
    }
    String root = commonRoot(names);
    List<Member> relMembers = new ArrayList<>();
    for (Member m : members) {
      relMembers.add(new Member(relative(root, m.path()), m.size(), m.storedName()));
    }
    relMembers.sort(java.util.Comparator.comparing(Member::path));
    List<Closeable> owned = new ArrayList<>();
    Map<String, ByteSource> opened = new java.util.HashMap<>();
    Backend backend = m -> {
      synchronized (opened) {
        ByteSource s = opened.get(m.path());
        if (s == null) {
          FileByteSource f = FileByteSource.open(base.resolve(m.storedName()));
          owned.add(f);
          s = f;
          opened.put(m.path(), s);
        }
        return s;
      }
    };
    return new FastbootPackage(dir.toString(), Format.DIRECTORY, root, relMembers, backend,
        new Spool(options.workDir(), 0), owned);
  }

  /** The single top-level directory every name lives in (but not {@code images/} itself), or "" if none. */
  static String commonRoot(List<String> names) {
    String root = null;
    for (String n : names) {
      int slash = n.indexOf('/');
      if (slash < 0) {
        return "";
      }
      String first = n.substring(0, slash);
      if (root == null) {
        root = first;
      } else if (!root.equals(first)) {
        return "";
      }
    }
    return root == null || root.equals("images") ? "" : root;
  }

  private static String relative(String root, String name) {
    return root.isEmpty() ? name : name.substring(root.length() + 1);
  }

  private static String stripFirst(String name) {
    int slash = name.indexOf('/');
    return slash < 0 ? name : name.substring(slash + 1);
  }

  public String name() {
    return name;
  }

  public Format format() {
    return format;
  }

  /**
   * The member path an entry name of the archive stands for: "./" prefixes and a trailing "/" removed, then made
   * relative to {@link #root()}; a name outside the root is only normalized.
   */
  public String pathOf(String archiveName) {
    String name = SafeNames.normalize(archiveName);
    return root.isEmpty() || !name.startsWith(root + "/") ? name : name.substring(root.length() + 1);
  }

  /** The top-level directory everything is in ("" if none). */
  public String root() {
    return root;
  }

  /** Every regular file, by path relative to the root. */
  public List<Member> files() {
    return List.copyOf(members.values());
  }

  /** Regular files under {@code images/}. */
  public List<Member> images() {
    List<Member> out = new ArrayList<>();
    for (Member m : members.values()) {
      if (m.path().startsWith("images/") && m.path().indexOf('/', 7) < 0) {
        out.add(m);
      }
    }
    return out;
  }

  public Optional<Member> file(String path) {
    return Optional.ofNullable(members.get(path));
  }

  /** Random access to a member (spooled first if it is compressed and not spooled yet). */
  public ByteSource open(Member m) throws IOException {
    if (!m.equals(members.get(m.path()))) {
      throw new IllegalArgumentException(m.path() + " is not a member of " + name);
    }
    return backend.open(m);
  }

  /** Bytes spooled into the work directory so far. */
  public long spooledBytes() {
    return spool.used();
  }

  public Optional<CrcList> crcList() throws IOException {
    Optional<Member> m = file("images/crclist.txt");
    return m.isPresent() ? Optional.of(CrcList.parse(text(m.get()), name + " > " + m.get().storedName()))
        : Optional.empty();
  }

  public Optional<SparseCrcList> sparseCrcList() throws IOException {
    Optional<Member> m = file("images/sparsecrclist.txt");
    return m.isPresent() ? Optional.of(SparseCrcList.parse(text(m.get()), name + " > " + m.get().storedName()))
        : Optional.empty();
  }

  /** The flash scripts at the top of the package ({@code flash_*.sh}, {@code flash_*.bat}), in path order. */
  public List<FlashScript> flashScripts() throws IOException {
    List<FlashScript> out = new ArrayList<>();
    for (Member m : members.values()) {
      String lower = m.path().toLowerCase(Locale.ROOT);
      if (m.path().indexOf('/') < 0 && lower.startsWith("flash_") && (lower.endsWith(".sh") || lower.endsWith(".bat"))) {
        out.add(new FlashScript(m.path(), text(m)));
      }
    }
    out.sort(java.util.Comparator.comparing(FlashScript::path));
    return out;
  }

  /** A small text member, decoded as UTF-8. */
  public String text(Member m) throws IOException {
    if (m.size() > MAX_TEXT) {
      throw RomFormatException.unsupported(name, "fastboot package", RomFormatException.NO_OFFSET,
          m.path() + " is " + m.size() + " bytes, too large for a text file");
    }
    return new String(open(m).readFully(0, (int) m.size()), StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    try {
      spool.close();
    } catch (IOException e) {
      first = e;
    }
    for (int i = owned.size() - 1; i >= 0; i--) {
      try {
        owned.get(i).close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
