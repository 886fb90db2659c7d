package dev.untrack.pipeline.demo;

import dev.untrack.rom.erofs.ErofsBuilder;
import dev.untrack.rom.fs.FsEntry;
import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.lp.LpFormat;
import dev.untrack.rom.lp.SuperWriter;
import dev.untrack.rom.sparse.FastbootSplit;
import dev.untrack.rom.sparse.SparseImage;
import dev.untrack.rom.sparse.SparseWriter;
import dev.untrack.rom.tar.CrcList;
import dev.untrack.rom.tar.SparseCrcList;
import dev.untrack.signing.SigningException;
import dev.untrack.signing.avb.AvbAlgorithm;
import dev.untrack.signing.avb.AvbDescriptor;
import dev.untrack.signing.avb.AvbFooter;
import dev.untrack.signing.avb.AvbPublicKey;
import dev.untrack.signing.avb.HashTree;
import dev.untrack.signing.avb.VbMeta;
import dev.untrack.signing.keys.SigningKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A small synthetic Xiaomi-like fastboot package, made in code: {@code images/super.img} (sparse; LP metadata for
 * virtual A/B with {@code system_a} and {@code product_a} as EROFS, each with an AVB hashtree footer as
 * {@code avbtool add_hashtree_footer} writes it), {@code vbmeta.img} (signed; chains to vbmeta_system),
 * {@code vbmeta_system.img} (signed; the hashtree descriptors of system and product), {@code crclist.txt},
 * {@code sparsecrclist.txt} and a {@code flash_all.sh} that checks the product first. Same inputs, same bytes.
 */
public final class DemoFirmware {
  /** The device name the flash script checks. */
  public static final String PRODUCT = "untrackdemo";
  /** The package's top-level directory, as Xiaomi names it ({@code <device>_images_<version>_<region>}). */
  public static final String ROOT = PRODUCT + "_images_V1.0.0.DEMO_global";
  public static final String FILE_NAME = ROOT + ".tgz";

  /** AOSP build time stamp used for every file (2009-01-01). */
  static final long MTIME = 1230768000L;
  static final String SYSTEM_FILE = "u:object_r:system_file:s0";
  static final String HOSTS = "127.0.0.1       localhost\n::1             ip6-localhost\n";
  private static final int BLOCK = 4096;
  /** Room left in each partition for edits (patched files are written after the existing data). */
  private static final long SLACK = 2L << 20;
  private static final long MAX_DOWNLOAD_SIZE = 256L << 20;

  /**
   * What the package holds.
   *
   * @param file the package
   * @param partitions partition name → its size in super (bytes)
   * @param files partition → paths of the files in its filesystem
   */
  public record Built(Path file, Map<String, Long> partitions, Map<String, List<String>> files) {}

  private DemoFirmware() {}

  /**
   * Builds the package into {@code dir}.
   *
   * @param apps the apps and jars to put in (their {@link DemoApp#romPath()}), with the file holding each
   * @param avbKey signs vbmeta and vbmeta_system (RSA 2048)
   */
  public static Built build(Path dir, Map<DemoApp, Path> apps, SigningKey avbKey) throws IOException, SigningException {
    Map<String, ErofsBuilder> trees = new LinkedHashMap<>();
    Map<String, List<String>> listing = new LinkedHashMap<>();
    for (String p : List.of("system", "product")) {
      ErofsBuilder b = new ErofsBuilder().buildTime(MTIME).volumeName(p).uuid(uuid(p));
      b.directory("/", 0, 0, 0755, MTIME, label());
      trees.put(p, b);
      listing.put(p, new ArrayList<>());
    }
    ErofsBuilder system = trees.get("system");
    addFile(system, listing.get("system"), "/system/build.prop", buildProp("system").getBytes(StandardCharsets.UTF_8));
    addFile(system, listing.get("system"), "/system/etc/hosts", HOSTS.getBytes(StandardCharsets.US_ASCII));
    addFile(trees.get("product"), listing.get("product"), "/etc/build.prop",
        buildProp("product").getBytes(StandardCharsets.UTF_8));
    for (Map.Entry<DemoApp, Path> e : apps.entrySet()) {
      DemoApp a = e.getKey();
      addFile(trees.get(a.partition()), listing.get(a.partition()), a.pathInPartition(), Files.readAllBytes(e.getValue()));
    }

    Map<String, byte[]> partitions = new LinkedHashMap<>();
    List<AvbDescriptor> hashtrees = new ArrayList<>();
    for (Map.Entry<String, ErofsBuilder> e : trees.entrySet()) {
      ByteArrayOutputStream image = new ByteArrayOutputStream();
      e.getValue().writeTo(image);
      Sealed s = withHashtreeFooter(e.getKey(), pad(image.toByteArray()));
      partitions.put(e.getKey(), s.partition());
      hashtrees.add(s.descriptor());
    }

    AvbAlgorithm alg = AvbAlgorithm.SHA256_RSA2048;
    byte[] vbmetaSystem = VbMeta.create(hashtrees, 0, 0, "untrack demo", avbKey, alg).encode();
    byte[] vbmeta = VbMeta.create(List.of(new AvbDescriptor.ChainPartition(1, "vbmeta_system",
        AvbPublicKey.encode((RSAPublicKey) avbKey.publicKey()), 0, null)), 0, 0, "untrack demo", avbKey, alg).encode();

    long used = 0;
    for (byte[] p : partitions.values()) {
      used += p.length;
    }
    // Room for the metadata and for the edited partitions to grow; the unused part costs nothing when sparse.
    long deviceSize = roundUp(used * 2 + (8L << 20), 1L << 20);
    long groupMax = deviceSize - (2L << 20);
    SuperWriter sw = SuperWriter.create(deviceSize, 65536, 2).virtualAb()
        .group("main_a", groupMax).group("main_b", groupMax);
    Map<String, Long> sizes = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> e : partitions.entrySet()) {
      byte[] bytes = e.getValue();
      sw.addPartition(e.getKey() + "_a", "main_a", LpFormat.PARTITION_ATTR_READONLY, bytes.length,
          new ArrayByteSource(bytes, e.getKey() + ".img"));
      sw.addPartition(e.getKey() + "_b", "main_b", LpFormat.PARTITION_ATTR_READONLY, 0, null);
      sizes.put(e.getKey() + "_a", (long) bytes.length);
    }
    Path work = Files.createDirectories(dir.resolve(".images"));
    Path superImg = work.resolve("super.img");
    sw.layout().writeSparseTo(superImg, SparseWriter.Options.DEFAULT);

    Map<String, byte[]> inline = new LinkedHashMap<>();
    inline.put("images/vbmeta.img", vbmeta);
    inline.put("images/vbmeta_system.img", vbmetaSystem);
    List<CrcList.Entry> plain = new ArrayList<>();
    plain.add(new CrcList.Entry("vbmeta", crc(vbmeta)));
    plain.add(new CrcList.Entry("vbmeta_system", crc(vbmetaSystem)));
    List<Long> parts;
    try (ByteSource src = FileByteSource.open(superImg)) {
      parts = FastbootSplit.partCrcs(SparseImage.open(src), MAX_DOWNLOAD_SIZE);
    }
    inline.put("images/crclist.txt", new CrcList(plain).format().getBytes(StandardCharsets.US_ASCII));
    inline.put("images/sparsecrclist.txt", new SparseCrcList(List.of(
        new SparseCrcList.Entry("super", parts.size(), parts, false))).format().getBytes(StandardCharsets.US_ASCII));
    inline.put("flash_all.sh", flashScript().getBytes(StandardCharsets.US_ASCII));

    Path target = dir.resolve(FILE_NAME);
    try (OutputStream fo = Files.newOutputStream(target);
        GZIPOutputStream gz = new GZIPOutputStream(fo, 1 << 16);
        TarArchiveOutputStream t = new TarArchiveOutputStream(gz)) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      directory(t, ROOT + "/");
      directory(t, ROOT + "/images/");
      put(t, "images/super.img", Files.size(superImg), Files.newInputStream(superImg));
      for (Map.Entry<String, byte[]> e : inline.entrySet()) {
        put(t, e.getKey(), e.getValue().length, new java.io.ByteArrayInputStream(e.getValue()));
      }
    } finally {
      Files.deleteIfExists(superImg);
      Files.deleteIfExists(work);
    }
    return new Built(target, sizes, listing);
  }

  private static void directory(TarArchiveOutputStream t, String name) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setModTime(MTIME * 1000);
    e.setMode(040755);
    t.putArchiveEntry(e);
    t.closeArchiveEntry();
  }

  private static void put(TarArchiveOutputStream t, String path, long size, InputStream content) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(ROOT + "/" + path);
    e.setModTime(MTIME * 1000);
    e.setMode(path.endsWith(".sh") ? 0100755 : 0100644);
    e.setSize(size);
    t.putArchiveEntry(e);
    try (InputStream in = content) {
      in.transferTo(t);
    }
    t.closeArchiveEntry();
  }

  /** The partition with its filesystem, dm-verity tree, footer vbmeta (unsigned: vbmeta_system vouches) and footer. */
  private record Sealed(byte[] partition, AvbDescriptor.Hashtree descriptor) {}

  private static Sealed withHashtreeFooter(String name, byte[] image) throws IOException, SigningException {
    byte[] salt = sha256(("untrack demo " + name).getBytes(StandardCharsets.UTF_8));
    HashTree.InMemory tree = HashTree.computeInMemory(image, HashTree.Params.sha256(salt));
    AvbDescriptor.Hashtree d = new AvbDescriptor.Hashtree(1, image.length, image.length, tree.tree().length, BLOCK,
        BLOCK, 0, 0, 0, "sha256", name, salt, tree.result().rootDigest(), 0, null);
    byte[] footerVbmeta = VbMeta.create(List.of(d), 0, 0, "untrack demo", null, AvbAlgorithm.NONE).encode();
    long vbmetaOffset = roundUp(image.length + (long) tree.tree().length, BLOCK);
    long size = roundUp(vbmetaOffset + footerVbmeta.length + AvbFooter.SIZE, BLOCK) + SLACK;
    byte[] p = new byte[Math.toIntExact(size)];
    System.arraycopy(image, 0, p, 0, image.length);
    System.arraycopy(tree.tree(), 0, p, image.length, tree.tree().length);
    System.arraycopy(footerVbmeta, 0, p, (int) vbmetaOffset, footerVbmeta.length);
    byte[] footer = AvbFooter.of(image.length, vbmetaOffset, footerVbmeta.length).encode();
    System.arraycopy(footer, 0, p, p.length - AvbFooter.SIZE, AvbFooter.SIZE);
    return new Sealed(p, d);
  }

  private static void addFile(ErofsBuilder b, List<String> listing, String path, byte[] content) {
    // Parent directories get the same label as Android's (system_file), not the builder's unlabeled default.
    String parent = path.substring(0, path.lastIndexOf('/'));
    List<String> parents = new ArrayList<>();
    for (String p = parent; !p.isEmpty(); p = p.substring(0, p.lastIndexOf('/'))) {
      parents.add(0, p);
    }
    for (String p : parents) {
      b.directory(p, 0, 0, 0755, MTIME, label());
    }
    b.file(path, new ArrayByteSource(content, path), 0, 0, 0644, MTIME, label());
    listing.add(path);
  }

  private static SortedMap<String, byte[]> label() {
    SortedMap<String, byte[]> x = new TreeMap<>();
    x.put(FsEntry.SELINUX, (SYSTEM_FILE + "\0").getBytes(StandardCharsets.US_ASCII));
    return x;
  }

  private static String buildProp(String partition) {
    String p = partition.equals("system") ? "ro.system" : "ro.product";
    return "# untrack demo: a synthetic Xiaomi-like build, not a real ROM\n"
        + p + ".build.version.incremental=V1.0.0.DEMO\n"
        + p + ".product.device=" + PRODUCT + "\n"
        + p + ".build.fingerprint=Xiaomi/" + PRODUCT + "/" + PRODUCT + ":14/UKQ1.0/V1.0.0.DEMO:user/release-keys\n"
        + "ro.miui.ui.version.name=V140\n";
  }

  /** Like Xiaomi's flash_all.sh: refuse another device, send the CRC lists, flash, reboot; never locks. */
  private static String flashScript() {
    StringBuilder sb = new StringBuilder();
    sb.append("fastboot $* getvar product 2>&1 | grep \"^product: *").append(PRODUCT).append("\"\n");
    sb.append("if [ $? -ne 0 ] ; then echo \"Missmatching image and device\"; exit 1; fi\n");
    sb.append("fastboot $* getvar crc 2>&1 | grep \"^crc: 1\"\nif [ $? -eq 0 ]; then\n");
    sb.append("fastboot $* flash crclist `dirname $0`/images/crclist.txt\n");
    sb.append("fastboot $* flash sparsecrclist `dirname $0`/images/sparsecrclist.txt\nfi\n");
    for (String name : List.of("vbmeta", "vbmeta_system", "super")) {
      sb.append("fastboot $* flash ").append(name).append(" `dirname $0`/images/").append(name).append(".img\n");
      sb.append("if [ $? -ne 0 ] ; then echo \"Flash ").append(name).append(" error\"; exit 1; fi\n");
    }
    sb.append("fastboot $* reboot\n");
    return sb.toString();
  }

  private static byte[] pad(byte[] image) {
    return image.length % BLOCK == 0 ? image : java.util.Arrays.copyOf(image, (int) roundUp(image.length, BLOCK));
  }

  private static long roundUp(long v, long to) {
    return (v + to - 1) / to * to;
  }

  private static long crc(byte[] b) {
    CRC32 c = new CRC32();
    c.update(b);
    return c.getValue();
  }

  private static byte[] uuid(String name) {
    return java.util.Arrays.copyOf(sha256(("untrack demo uuid " + name).getBytes(StandardCharsets.UTF_8)), 16);
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
