package dev.untrack.rom.firmware;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.lp.LpFormat;
import dev.untrack.rom.lp.SuperWriter;
import dev.untrack.rom.sparse.FastbootSplit;
import dev.untrack.rom.sparse.SparseImage;
import dev.untrack.rom.sparse.SparseWriter;
import dev.untrack.rom.tar.FastbootPackage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FirmwareReaderTest {
  static final int MIB = 1 << 20;

  @TempDir
  Path dir;

  Path work() throws IOException {
    return Files.createDirectories(dir.resolve("work"));
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Bytes that look like an ext4 image (superblock magic at 1080). */
  static byte[] fakeExt4(int size, long seed) {
    byte[] b = random(size, seed);
    Arrays2.zero(b, 0, 2048);
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(1080, (short) 0xEF53);
    return b;
  }

  static byte[] fakeErofs(int size, long seed) {
    byte[] b = random(size, seed);
    Arrays2.zero(b, 0, 2048);
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(1024, 0xE0F5E1E2);
    return b;
  }

  static final class Arrays2 {
    static void zero(byte[] b, int from, int to) {
      java.util.Arrays.fill(b, from, to, (byte) 0);
    }
  }

  static byte[] superImage(byte[] system, byte[] vendor) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SuperWriter.create(16L * MIB, 65536, 2).virtualAb().group("main_a", 0).group("main_b", 0)
        .addPartition("system_a", "main_a", LpFormat.PARTITION_ATTR_READONLY, new ArrayByteSource(system, "system.img"))
        .addPartition("vendor_a", "main_a", LpFormat.PARTITION_ATTR_READONLY, new ArrayByteSource(vendor, "vendor.img"))
        .addPartition("system_b", "main_b", LpFormat.PARTITION_ATTR_READONLY, 0, null)
        .layout().writeRaw(out);
    return out.toByteArray();
  }

  Path sparseOf(byte[] raw, String name) throws IOException {
    Path p = dir.resolve(name);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      SparseWriter.write(new ArrayByteSource(raw, name), ch, SparseWriter.Options.DEFAULT);
    }
    return p;
  }

  Path file(String name, byte[] data) throws IOException {
    return Files.write(dir.resolve(name), data);
  }

  static byte[] all(ByteSource s) throws IOException {
    return s.readFully(0, Math.toIntExact(s.size()));
  }

  @Test
  void rawAndSparsePartitionImages() throws IOException {
    byte[] ext4 = fakeExt4(64 * 1024, 1);
    try (Firmware f = FirmwareReader.open(file("system.img", ext4), FirmwareReader.Options.in(work()))) {
      assertEquals(FirmwareKind.PARTITION_IMAGE, f.kind());
      assertEquals(ImageType.EXT4, f.partitions().get(0).type());
      assertEquals("system", f.partitions().get(0).name());
    }
    byte[] erofs = fakeErofs(64 * 1024, 2);
    Path sparse = sparseOf(erofs, "product.img");
    assertEquals(FirmwareKind.SPARSE_IMAGE, FirmwareReader.detect(sparse));
    try (Firmware f = FirmwareReader.open(sparse, FirmwareReader.Options.in(work()))) {
      Partition p = f.partitions().get(0);
      assertEquals(ImageType.EROFS, p.type());
      assertEquals("product.img (sparse)", p.origin());
      assertArrayEquals(erofs, all(p.content()));
    }
  }

  @Test
  void superRawAndSparse() throws IOException {
    byte[] system = fakeExt4(2 * MIB, 3);
    byte[] vendor = fakeErofs(MIB, 4);
    byte[] sup = superImage(system, vendor);
    for (Path p : List.of(file("super.img", sup), sparseOf(sup, "super.simg"))) {
      assertEquals(FirmwareKind.SUPER_IMAGE, FirmwareReader.detect(p));
      try (Firmware f = FirmwareReader.open(p, FirmwareReader.Options.in(work()))) {
        assertEquals(List.of("super", "system_a", "vendor_a", "system_b"),
            f.partitions().stream().map(Partition::name).toList());
        Partition sys = f.partition("system_a").orElseThrow();
        assertEquals("super", sys.parent());
        assertEquals(ImageType.EXT4, sys.type());
        assertArrayEquals(system, all(sys.content()));
        assertEquals(ImageType.EROFS, f.partition("vendor_a").orElseThrow().type());
        assertEquals(ImageType.EMPTY, f.partition("system_b").orElseThrow().type());
        assertTrue(sys.origin().endsWith("> system_a"), sys.origin());
      }
    }
  }

  static void tar(OutputStream out, Object... nameThenContent) throws IOException {
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
      for (int i = 0; i < nameThenContent.length; i += 2) {
        byte[] data = (byte[]) nameThenContent[i + 1];
        TarArchiveEntry e = new TarArchiveEntry((String) nameThenContent[i]);
        e.setSize(data.length);
        t.putArchiveEntry(e);
        t.write(data);
        t.closeArchiveEntry();
      }
    }
  }

  @Test
  void fastbootTgzNestsLazily() throws IOException {
    byte[] system = fakeExt4(2 * MIB, 5);
    byte[] vendor = fakeErofs(MIB, 6);
    byte[] sup = superImage(system, vendor);
    byte[] sparseSuper = Files.readAllBytes(sparseOf(sup, "tmp-super.img"));
    byte[] boot = random(8192, 7);
    System.arraycopy("ANDROID!".getBytes(StandardCharsets.US_ASCII), 0, boot, 0, 8);
    CRC32 crc = new CRC32();
    crc.update(boot);
    String crclist = "CRC-LIST\nboot 0x" + Long.toHexString(crc.getValue()) + "\n";
    String script = "fastboot $* flash boot_ab `dirname $0`/images/boot.img\n"
        + "fastboot $* flash super `dirname $0`/images/super.img\n";
    Path tgz = dir.resolve("rom.tgz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tgz))) {
      tar(out, "dev_images_1.0/images/super.img", sparseSuper, "dev_images_1.0/images/boot.img", boot,
          "dev_images_1.0/images/crclist.txt", crclist.getBytes(StandardCharsets.US_ASCII),
          "dev_images_1.0/flash_all.sh", script.getBytes(StandardCharsets.US_ASCII));
    }
    assertEquals(FirmwareKind.FASTBOOT_PACKAGE, FirmwareReader.detect(tgz));
    Path work = work();
    try (Firmware f = FirmwareReader.open(tgz, FirmwareReader.Options.in(work))) {
      assertEquals(FirmwareKind.FASTBOOT_PACKAGE, f.kind());
      FastbootPackage pkg = f.fastbootPackage().orElseThrow();
      assertEquals(FastbootPackage.Format.TGZ, pkg.format());
      assertEquals("dev_images_1.0", pkg.root());
      assertEquals(List.of("boot", "super", "system_a", "vendor_a", "system_b"),
          f.partitions().stream().map(Partition::name).toList());
      Partition sys = f.partition("system_a").orElseThrow();
      assertEquals("images/super.img (sparse) > system_a", sys.origin());
      assertArrayEquals(system, all(sys.content()));
      assertEquals(ImageType.BOOT, f.partition("boot").orElseThrow().type());
      assertEquals(crc.getValue(), pkg.crcList().orElseThrow().entry("boot").orElseThrow().crc32());
      assertEquals("images/super.img", pkg.flashScripts().get(0).flashCommands().get(1).image());
      assertEquals(sparseSuper.length, pkg.spooledBytes(), "small members stay in memory");
      try (Stream<Path> s = Files.list(work)) {
        assertEquals(0, s.count(), "no spooled file is visible in the work directory");
      }
    }
  }

  @Test
  void splitSuperIsJoined() throws IOException {
    byte[] sup = superImage(fakeExt4(3 * MIB, 8), fakeErofs(2 * MIB, 9));
    SparseImage whole = SparseImage.open(new ArrayByteSource(Files.readAllBytes(sparseOf(sup, "s.img")), "s.img"));
    List<FastbootSplit.Part> parts = FastbootSplit.plan(whole, 2 * MIB);
    assertTrue(parts.size() >= 3);
    Path pkg = Files.createDirectories(dir.resolve("pkg/images"));
    for (FastbootSplit.Part p : parts) {
      try (FileChannel ch = FileChannel.open(pkg.resolve("super_" + (p.index() + 1) + ".img"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE)) {
        FastbootSplit.writePart(whole, p, ch);
      }
    }
    try (Firmware f = FirmwareReader.open(dir.resolve("pkg"), FirmwareReader.Options.in(work()))) {
      Partition s = f.partition("super").orElseThrow();
      assertTrue(s.origin().startsWith("images/super_1.img + images/super_2.img"), s.origin());
      assertArrayEquals(sup, all(s.content()));
      assertEquals(ImageType.EXT4, f.partition("system_a").orElseThrow().type());
    }
  }

  static byte[] zip(boolean stored, Object... nameThenContent) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bo)) {
      for (int i = 0; i < nameThenContent.length; i += 2) {
        byte[] data = (byte[]) nameThenContent[i + 1];
        java.util.zip.ZipEntry e = new java.util.zip.ZipEntry((String) nameThenContent[i]);
        if (stored) {
          e.setMethod(java.util.zip.ZipEntry.STORED);
          e.setSize(data.length);
          CRC32 c = new CRC32();
          c.update(data);
          e.setCrc(c.getValue());
        }
        z.putNextEntry(e);
        z.write(data);
        z.closeEntry();
      }
    }
    return bo.toByteArray();
  }

  @Test
  void zipOfImagesDeflatedIsSpooled() throws IOException {
    byte[] ext4 = fakeExt4(300_000, 10);
    Path z = file("rom.zip", zip(false, "images/system.img", ext4, "flash_all.bat",
        "fastboot %* flash system %~dp0images\\system.img\r\n".getBytes(StandardCharsets.US_ASCII)));
    try (Firmware f = FirmwareReader.open(z, FirmwareReader.Options.in(work()))) {
      assertEquals(FirmwareKind.FASTBOOT_PACKAGE, f.kind());
      assertArrayEquals(ext4, all(f.partition("system").orElseThrow().content()));
      FastbootPackage pkg = f.fastbootPackage().orElseThrow();
      assertEquals(FastbootPackage.Format.ZIP, pkg.format());
      assertEquals("images/system.img", pkg.flashScripts().get(0).flashCommands().get(0).image());
    }
  }

  @Test
  void otaPayloadIsHandedOverStored() throws IOException {
    byte[] payload = random(5000, 11);
    System.arraycopy("CrAU".getBytes(StandardCharsets.US_ASCII), 0, payload, 0, 4);
    Path z = file("ota.zip", zip(true, "payload_properties.txt", "FILE_HASH=x\n".getBytes(StandardCharsets.US_ASCII),
        "payload.bin", payload));
    assertEquals(FirmwareKind.OTA_PAYLOAD, FirmwareReader.detect(z));
    RomFormatException e = assertThrows(RomFormatException.class,
        () -> FirmwareReader.open(z, FirmwareReader.Options.in(work())));
    assertTrue(e.isUnsupported() && e.getMessage().contains("payload.bin"), e.getMessage());
    List<ByteSource> seen = new ArrayList<>();
    PayloadProvider provider = (bytes, ota, ctx) -> {
      seen.add(bytes);
      assertEquals(z.toString() + " > payload.bin", ctx.origin());
      return () -> List.of(new Partition("system", bytes.size(), bytes, ctx.origin() + " > system", ImageType.OTHER, ""));
    };
    try (Firmware f = FirmwareReader.open(z, FirmwareReader.Options.in(work()).withPayloadProvider(provider))) {
      assertEquals(FirmwareKind.OTA_PAYLOAD, f.kind());
      assertArrayEquals(payload, all(seen.get(0)));
      assertSame(seen.get(0), f.partitions().get(0).content());
    }
  }

  @Test
  void otaSdatIsHandedOver() throws IOException {
    Path z = file("old.zip", zip(false, "system.transfer.list", "4\n".getBytes(StandardCharsets.US_ASCII),
        "system.new.dat.br", new byte[10], "vendor.transfer.list", new byte[1], "vendor.new.dat", new byte[4096],
        "META-INF/com/google/android/updater-script", new byte[1]));
    assertEquals(FirmwareKind.OTA_SDAT, FirmwareReader.detect(z));
    List<SdatImage> got = new ArrayList<>();
    SdatProvider provider = (zip, images, ctx) -> {
      got.addAll(images);
      return List::of;
    };
    try (Firmware f = FirmwareReader.open(z, FirmwareReader.Options.in(work()).withSdatProvider(provider))) {
      assertEquals(FirmwareKind.OTA_SDAT, f.kind());
    }
    assertEquals(List.of("system", "vendor"), got.stream().map(SdatImage::name).toList());
    assertTrue(got.get(0).brotli());
    assertTrue(!got.get(1).brotli());
  }

  @Test
  void appsAndUnknownFiles() throws IOException {
    assertEquals(FirmwareKind.APK, FirmwareReader.detect(file("a.zip", zip(false, "AndroidManifest.xml", new byte[8],
        "classes.dex", new byte[8]))));
    assertEquals(FirmwareKind.JAR, FirmwareReader.detect(file("b.apk", zip(false, "classes.dex", new byte[8]))));
    Path text = file("readme.img", "hello, this is not firmware".repeat(100).getBytes(StandardCharsets.US_ASCII));
    RomFormatException e = assertThrows(RomFormatException.class, () -> FirmwareReader.detect(text));
    assertTrue(e.getMessage().startsWith(text.toString()), e.getMessage());
    assertThrows(RomFormatException.class, () -> FirmwareReader.open(text, FirmwareReader.Options.in(work())));
    assertThrows(RomFormatException.class, () -> FirmwareReader.detect(file("z.zip", zip(false, "notes.txt", new byte[3]))));
  }
}
