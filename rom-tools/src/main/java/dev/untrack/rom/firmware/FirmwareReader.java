package dev.untrack.rom.firmware;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.lp.LpPartition;
import dev.untrack.rom.lp.SuperImage;
import dev.untrack.rom.sparse.SparseImage;
import dev.untrack.rom.tar.FastbootPackage;
import dev.untrack.rom.tar.Spool;
import dev.untrack.rom.tar.TarArchive;
import dev.untrack.rom.zip.ZipArchive;
import dev.untrack.rom.zip.ZipEntry;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opens any supported firmware input, deciding what it is from its bytes: a directory or a tgz/tar/zip of
 * fastboot images, an OTA zip with {@code payload.bin} or with {@code *.new.dat[.br]}, a sparse image, an LP super
 * (raw or sparse), a raw partition image (ext4, EROFS, boot, vbmeta), or a single APK/JAR.
 *
 * <p>Everything stays lazy: a sparse image is indexed, not expanded; a super's logical partitions are views of
 * its extents. The one exception is a gzip-compressed package, whose images are spooled once into
 * {@link Options#workDir()} (see {@link FastbootPackage}). payload.bin and sdat are read by the built-in
 * {@link PayloadProvider} / {@link SdatProvider} unless the options supply others.
 */
public final class FirmwareReader {
  private static final Pattern SPLIT = Pattern.compile("^(.+?)(?:_(\\d+)|\\.img_sparsechunk\\.(\\d+))(\\.img)?$");
  private static final Set<String> NOT_IMAGES = Set.of("txt", "ini", "xml", "cfg", "md5", "sha1", "sha256");

  private FirmwareReader() {}

  /** Options for {@link #open}; immutable, change with the {@code with} methods. */
  public static final class Options {
    private final Path workDir;
    private final long maxSpoolBytes;
    private final int superSlot;
    private final boolean expandSuper;
    private final PayloadProvider payload;
    private final SdatProvider sdat;

    private Options(Path workDir, long maxSpoolBytes, int superSlot, boolean expandSuper, PayloadProvider payload,
        SdatProvider sdat) {
      this.workDir = workDir;
      this.maxSpoolBytes = maxSpoolBytes;
      this.superSlot = superSlot;
      this.expandSuper = expandSuper;
      this.payload = payload;
      this.sdat = sdat;
    }

    /** Spools into {@code workDir}, up to 256 GiB; super slot 0; logical partitions listed. */
    public static Options in(Path workDir) {
      return new Options(workDir, 256L << 30, 0, true, null, null);
    }

    /** As {@link #in} with the JVM's temporary directory. */
    public static Options defaults() {
      return in(Path.of(System.getProperty("java.io.tmpdir")));
    }

    public Path workDir() {
      return workDir;
    }

    public long maxSpoolBytes() {
      return maxSpoolBytes;
    }

    public int superSlot() {
      return superSlot;
    }

    public boolean expandSuper() {
      return expandSuper;
    }

    public Options withWorkDir(Path dir) {
      return new Options(dir, maxSpoolBytes, superSlot, expandSuper, payload, sdat);
    }

    public Options withMaxSpoolBytes(long n) {
      return new Options(workDir, n, superSlot, expandSuper, payload, sdat);
    }

    /** Which LP metadata slot to read (0 = the one {@code _a} partitions are laid out with). */
    public Options withSuperSlot(int slot) {
      return new Options(workDir, maxSpoolBytes, slot, expandSuper, payload, sdat);
    }

    /** Whether a super's logical partitions are listed after it. */
    public Options withExpandSuper(boolean expand) {
      return new Options(workDir, maxSpoolBytes, superSlot, expand, payload, sdat);
    }

    public Options withPayloadProvider(PayloadProvider p) {
      return new Options(workDir, maxSpoolBytes, superSlot, expandSuper, p, sdat);
    }

    public Options withSdatProvider(SdatProvider p) {
      return new Options(workDir, maxSpoolBytes, superSlot, expandSuper, payload, p);
    }

    Optional<PayloadProvider> payload() {
      return Optional.of(payload != null ? payload : new PayloadPartitions());
    }

    Optional<SdatProvider> sdat() {
      return Optional.of(sdat != null ? sdat : new SdatPartitions());
    }
  }

  /** What {@code path} is, from a look at its first bytes (and a zip's central directory); opens nothing lasting. */
  public static FirmwareKind detect(Path path) throws IOException {
    if (Files.isDirectory(path)) {
      return FirmwareKind.FASTBOOT_PACKAGE;
    }
    try (FileByteSource src = FileByteSource.open(path)) {
      return detect(src);
    }
  }

  static FirmwareKind detect(ByteSource src) throws IOException {
    byte[] head = src.readFully(0, (int) Math.min(512, src.size()));
    if (TarArchive.isGzip(head) || TarArchive.isTar(head)) {
      return FirmwareKind.FASTBOOT_PACKAGE;
    }
    if (isZip(head)) {
      return zipKind(ZipArchive.open(src), src.name());
    }
    if (SparseImage.isSparse(src)) {
      return SuperImage.isSuper(SparseImage.open(src)) ? FirmwareKind.SUPER_IMAGE : FirmwareKind.SPARSE_IMAGE;
    }
    return rawKind(src);
  }

  private static FirmwareKind rawKind(ByteSource src) throws IOException {
    ImageType t = ImageType.of(src);
    switch (t) {
      case SUPER:
        return FirmwareKind.SUPER_IMAGE;
      case EXT4:
      case EROFS:
      case BOOT:
      case VENDOR_BOOT:
      case VBMETA:
        return FirmwareKind.PARTITION_IMAGE;
      default:
        throw RomFormatException.unsupported(src.name(), "firmware", 0,
            "not a recognized firmware: no fastboot package, OTA zip, sparse image, super, ext4, EROFS, boot or "
                + "vbmeta image, APK or JAR was found in its content");
    }
  }

  private static boolean isZip(byte[] head) {
    return head.length >= 4 && head[0] == 'P' && head[1] == 'K'
        && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6));
  }

  private static FirmwareKind zipKind(ZipArchive zip, String name) throws RomFormatException {
    if (zip.entry("payload.bin").isPresent()) {
      return FirmwareKind.OTA_PAYLOAD;
    }
    if (!sdatImages(zip).isEmpty()) {
      return FirmwareKind.OTA_SDAT;
    }
    if (zip.entry("AndroidManifest.xml").isPresent()) {
      return FirmwareKind.APK;
    }
    if (zip.entry("classes.dex").isPresent()) {
      return FirmwareKind.JAR;
    }
    for (ZipEntry e : zip.entries()) {
      String n = e.name();
      if (n.startsWith("images/") || n.contains("/images/")) {
        return FirmwareKind.FASTBOOT_PACKAGE;
      }
    }
    throw RomFormatException.unsupported(name, "firmware", zip.centralDirectoryOffset(),
        "a zip without payload.bin, *.new.dat, images/, AndroidManifest.xml or classes.dex");
  }

  static List<SdatImage> sdatImages(ZipArchive zip) {
    List<SdatImage> out = new ArrayList<>();
    for (ZipEntry e : zip.entries()) {
      String n = e.name();
      if (!n.endsWith(".transfer.list")) {
        continue;
      }
      String base = n.substring(0, n.length() - ".transfer.list".length());
      Optional<ZipEntry> br = zip.entry(base + ".new.dat.br");
      Optional<ZipEntry> plain = zip.entry(base + ".new.dat");
      if (br.isEmpty() && plain.isEmpty()) {
        continue;
      }
      String part = base.substring(base.lastIndexOf('/') + 1);
      out.add(new SdatImage(part, e, br.orElseGet(plain::get), br.isPresent(), zip.entry(base + ".patch.dat")));
    }
    out.sort(Comparator.comparing(SdatImage::name));
    return out;
  }

  /** Opens {@code path} for reading; the result must be closed. */
  public static Firmware open(Path path, Options options) throws IOException {
    List<Closeable> resources = new ArrayList<>();
    boolean ok = false;
    try {
      Firmware f = openInto(path, options, resources);
      ok = true;
      return f;
    } finally {
      if (!ok) {
        for (int i = resources.size() - 1; i >= 0; i--) {
          try {
            resources.get(i).close();
          } catch (IOException ignored) {
            // the original failure matters more
          }
        }
      }
    }
  }

  private static Firmware openInto(Path path, Options options, List<Closeable> resources) throws IOException {
    if (Files.isDirectory(path)) {
      FastbootPackage pkg = FastbootPackage.open(path, packageOptions(options));
      resources.add(pkg);
      return new Firmware(path, FirmwareKind.FASTBOOT_PACKAGE, packagePartitions(pkg, options), null, pkg, null,
          resources);
    }
    FileByteSource src = FileByteSource.open(path);
    resources.add(src);
    byte[] head = src.readFully(0, (int) Math.min(512, src.size()));
    if (TarArchive.isGzip(head) || TarArchive.isTar(head)) {
      FastbootPackage pkg = FastbootPackage.open(src, packageOptions(options));
      resources.add(pkg);
      return new Firmware(path, FirmwareKind.FASTBOOT_PACKAGE, packagePartitions(pkg, options), src, pkg, null,
          resources);
    }
    if (isZip(head)) {
      ZipArchive zip = ZipArchive.open(src);
      FirmwareKind kind = zipKind(zip, src.name());
      switch (kind) {
        case OTA_PAYLOAD:
          return new Firmware(path, kind, payloadPartitions(zip, src, options, resources), src, null, zip, resources);
        case OTA_SDAT:
          return new Firmware(path, kind, sdatPartitions(zip, src, options, resources), src, null, zip, resources);
        case APK:
        case JAR:
          return new Firmware(path, kind, List.of(), src, null, zip, resources);
        default:
          FastbootPackage pkg = FastbootPackage.open(src, packageOptions(options));
          resources.add(pkg);
          return new Firmware(path, kind, packagePartitions(pkg, options), src, pkg, zip, resources);
      }
    }
    String file = path.getFileName() == null ? path.toString() : path.getFileName().toString();
    List<Partition> parts = new ArrayList<>();
    FirmwareKind kind;
    if (SparseImage.isSparse(src)) {
      SparseImage s = SparseImage.open(src);
      boolean isSuper = SuperImage.isSuper(s);
      kind = isSuper ? FirmwareKind.SUPER_IMAGE : FirmwareKind.SPARSE_IMAGE;
      addImage(parts, stem(file), s, file + " (sparse)", options);
    } else {
      kind = rawKind(src);
      addImage(parts, stem(file), src, file, options);
    }
    return new Firmware(path, kind, parts, src, null, null, resources);
  }

  private static FastbootPackage.Options packageOptions(Options o) {
    return new FastbootPackage.Options(o.workDir(), o.maxSpoolBytes(), TarArchive.Limits.DEFAULT,
        p -> p.startsWith("images/"));
  }

  /**
   * The images of a package in path order, sparse ones expanded, split ones joined, supers followed by their
   * partitions.
   */
  private static List<Partition> packagePartitions(FastbootPackage pkg, Options options) throws IOException {
    List<Partition> out = new ArrayList<>();
    List<FastbootPackage.Member> images = new ArrayList<>();
    for (FastbootPackage.Member m : pkg.images()) {
      String ext = extension(m.fileName());
      if (!NOT_IMAGES.contains(ext) && m.size() > 0) {
        images.add(m);
      }
    }
    images.sort(Comparator.comparing(FastbootPackage.Member::path));
    // Split sparse images: several sparse members whose names differ only by a number, joined by content.
    Map<String, List<FastbootPackage.Member>> splits = new LinkedHashMap<>();
    Map<FastbootPackage.Member, ByteSource> sparse = new LinkedHashMap<>();
    for (FastbootPackage.Member m : images) {
      ByteSource s = pkg.open(m);
      if (SparseImage.isSparse(s)) {
        sparse.put(m, s);
        Matcher k = SPLIT.matcher(m.fileName());
        if (k.matches()) {
          splits.computeIfAbsent(k.group(1), x -> new ArrayList<>()).add(m);
        }
      }
    }
    Set<FastbootPackage.Member> joined = new HashSet<>();
    Set<String> names = new HashSet<>();
    for (FastbootPackage.Member m : images) {
      if (joined.contains(m)) {
        continue;
      }
      Matcher k = SPLIT.matcher(m.fileName());
      List<FastbootPackage.Member> group = k.matches() ? splits.get(k.group(1)) : null;
      if (group != null && group.size() > 1 && sparse.containsKey(m)) {
        group.sort(Comparator.comparingInt(FirmwareReader::splitIndex));
        List<SparseImage> pieces = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        for (FastbootPackage.Member g : group) {
          pieces.add(SparseImage.open(sparse.get(g)));
          paths.add(g.path());
        }
        SparseImage combined = SparseImage.combine(pieces, pkg.name() + " > " + String.join(" + ", paths));
        joined.addAll(group);
        addImage(out, unique(k.group(1), names), combined, String.join(" + ", paths) + " (sparse)", options);
        continue;
      }
      ByteSource content = sparse.containsKey(m) ? SparseImage.open(sparse.get(m)) : pkg.open(m);
      String origin = m.path() + (sparse.containsKey(m) ? " (sparse)" : "");
      addImage(out, unique(stem(m.fileName()), names), content, origin, options);
    }
    return out;
  }

  private static int splitIndex(FastbootPackage.Member m) {
    Matcher k = SPLIT.matcher(m.fileName());
    if (!k.matches()) {
      return 0;
    }
    String n = k.group(2) != null ? k.group(2) : k.group(3);
    return n.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(n);
  }

  private static String unique(String name, Set<String> names) {
    String n = name;
    for (int i = 2; !names.add(n); i++) {
      n = name + "#" + i;
    }
    return n;
  }

  /** Adds an image and, for a super, its logical partitions. */
  private static void addImage(List<Partition> out, String name, ByteSource content, String origin, Options options)
      throws IOException {
    ImageType type = ImageType.of(content);
    out.add(new Partition(name, content.size(), content, origin, type, ""));
    if (type == ImageType.SUPER && options.expandSuper()) {
      SuperImage sup = SuperImage.open(content, options.superSlot());
      for (LpPartition p : sup.partitions()) {
        ByteSource view;
        try {
          view = sup.partition(p);
        } catch (RomFormatException e) {
          continue; // on another block device (retrofit): not in this image
        }
        out.add(new Partition(p.name(), view.size(), view, origin + " > " + p.name(), ImageType.of(view), name));
      }
    }
  }

  private static List<Partition> payloadPartitions(ZipArchive zip, ByteSource src, Options options,
      List<Closeable> resources) throws IOException {
    ZipEntry e = zip.entry("payload.bin").orElseThrow();
    PayloadProvider provider = options.payload().orElseThrow(() -> RomFormatException.unsupported(src.name(), "OTA",
        e.localHeaderOffset(), "an A/B OTA with payload.bin, but no payload.bin reader is available"));
    ByteSource payload;
    if (e.isStored()) {
      payload = zip.rawData(e);
    } else {
      Spool spool = new Spool(options.workDir(), options.maxSpoolBytes());
      resources.add(spool);
      try (InputStream in = zip.open(e)) {
        payload = spool.spool(in, e.size(), src.name() + " > payload.bin");
      }
    }
    PartitionSource ps = provider.open(payload, zip,
        new ProviderContext(src.name() + " > payload.bin", options.workDir(), options.maxSpoolBytes()));
    resources.add(ps);
    return ps.partitions();
  }

  private static List<Partition> sdatPartitions(ZipArchive zip, ByteSource src, Options options,
      List<Closeable> resources) throws IOException {
    SdatProvider provider = options.sdat().orElseThrow(() -> RomFormatException.unsupported(src.name(), "OTA",
        RomFormatException.NO_OFFSET, "a non-A/B OTA with *.new.dat, but no sdat reader is available"));
    PartitionSource ps = provider.open(zip, sdatImages(zip),
        new ProviderContext(src.name(), options.workDir(), options.maxSpoolBytes()));
    resources.add(ps);
    return ps.partitions();
  }

  private static String extension(String file) {
    int dot = file.lastIndexOf('.');
    return dot < 0 ? "" : file.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  private static String stem(String file) {
    int dot = file.lastIndexOf('.');
    return dot <= 0 ? file : file.substring(0, dot);
  }

}
