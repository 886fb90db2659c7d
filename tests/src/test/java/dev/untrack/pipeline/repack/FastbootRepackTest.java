package dev.untrack.pipeline.repack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.cli.UserException;
import dev.untrack.rom.firmware.Firmware;
import dev.untrack.rom.firmware.FirmwareReader;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.lp.LpFormat;
import dev.untrack.rom.lp.SuperWriter;
import dev.untrack.rom.sparse.FastbootSplit;
import dev.untrack.rom.sparse.SparseImage;
import dev.untrack.rom.sparse.SparseWriter;
import dev.untrack.rom.tar.CrcList;
import dev.untrack.rom.tar.FastbootPackage;
import dev.untrack.rom.tar.SparseCrcList;
import dev.untrack.testkit.FastbootPackageBuilder;
import dev.untrack.testkit.Oracle;
import dev.untrack.testkit.OracleImages;
import dev.untrack.testkit.PayloadFixtures;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FastbootRepackTest {
  @TempDir
  Path dir;

  byte[] system;
  byte[] product;
  byte[] boot;
  byte[] vbmeta;
  Path superSparse;
  Path newProduct;
  Path newVbmeta;

  @BeforeEach
  void fixtures() throws IOException {
    system = PayloadFixtures.image(768, 4096, 1); // 3 MiB
    product = PayloadFixtures.image(256, 4096, 2); // 1 MiB
    boot = new byte[16384];
    System.arraycopy("ANDROID!".getBytes(StandardCharsets.US_ASCII), 0, boot, 0, 8);
    vbmeta = new byte[8192];
    System.arraycopy("AVB0".getBytes(StandardCharsets.US_ASCII), 0, vbmeta, 0, 4);
    Path sys = Files.write(dir.resolve("system.raw"), system);
    Path prod = Files.write(dir.resolve("product.raw"), product);
    superSparse = dir.resolve("super.img");
    try (FileByteSource s = FileByteSource.open(sys); FileByteSource p = FileByteSource.open(prod)) {
      SuperWriter.create(12L << 20, 65536, 3).virtualAb()
          .group("main_a", 6L << 20).group("main_b", 6L << 20)
          .addPartition("system_a", "main_a", LpFormat.PARTITION_ATTR_READONLY, s)
          .addPartition("system_b", "main_b", LpFormat.PARTITION_ATTR_READONLY, 0, null)
          .addPartition("product_a", "main_a", LpFormat.PARTITION_ATTR_READONLY, p)
          .addPartition("product_b", "main_b", LpFormat.PARTITION_ATTR_READONLY, 0, null)
          .layout().writeSparseTo(superSparse, SparseWriter.Options.DEFAULT);
    }
    newProduct = Files.write(dir.resolve("product.new"), PayloadFixtures.image(257, 4096, 3)); // grows one block
    byte[] vb = vbmeta.clone();
    vb[123] = 1;
    newVbmeta = Files.write(dir.resolve("vbmeta.new"), vb);
  }

  FastbootPackageBuilder builder() throws IOException {
    return new FastbootPackageBuilder().root("dev_images_V1").image("super.img", superSparse)
        .image("boot.img", boot).image("vbmeta.img", vbmeta).flashAllScript()
        .xiaomiCrcLists(FastbootSplit.DEFAULT_MAX_DOWNLOAD_SIZE);
  }

  RepackResult repack(Path in, Map<String, Path> changed, Path out) throws IOException {
    Path work = Files.createDirectories(dir.resolve("work"));
    try (Firmware fw = FirmwareReader.open(in, FirmwareReader.Options.in(work))) {
      return Repackers.forKind(fw.kind()).repack(new RepackRequest(fw, changed, out, RepackOptions.defaults(work)));
    }
  }

  static byte[] bytes(ByteSource s) throws IOException {
    return s.readFully(0, (int) s.size());
  }

  void verify(Path out, FastbootPackage.Format format, Path original) throws IOException {
    Path work = Files.createDirectories(dir.resolve("verify"));
    try (Firmware fw = FirmwareReader.open(out, FirmwareReader.Options.in(work));
        Firmware orig = FirmwareReader.open(original, FirmwareReader.Options.in(work))) {
      FastbootPackage pkg = fw.fastbootPackage().orElseThrow();
      assertEquals(format, pkg.format());
      assertArrayEquals(Files.readAllBytes(newProduct), bytes(fw.partition("product_a").orElseThrow().content()));
      assertArrayEquals(system, bytes(fw.partition("system_a").orElseThrow().content()));
      assertArrayEquals(boot, bytes(fw.partition("boot").orElseThrow().content()));
      assertArrayEquals(Files.readAllBytes(newVbmeta), bytes(fw.partition("vbmeta").orElseThrow().content()));
      assertEquals(0, fw.partition("product_b").orElseThrow().size());
      // CRC lists match the new files
      CrcList crc = pkg.crcList().orElseThrow();
      for (CrcList.Entry e : crc.entries()) {
        CRC32 c = new CRC32();
        c.update(bytes(pkg.open(pkg.file("images/" + e.partition() + ".img").orElseThrow())));
        assertEquals(c.getValue(), e.crc32(), e.partition());
      }
      SparseCrcList scrc = pkg.sparseCrcList().orElseThrow();
      ByteSource sup = pkg.open(pkg.file("images/super.img").orElseThrow());
      SparseImage s = SparseImage.open(sup);
      assertEquals(FastbootSplit.partCrcs(s, FastbootSplit.DEFAULT_MAX_DOWNLOAD_SIZE),
          scrc.entry("super").orElseThrow().crcs());
      // flash scripts byte-identical
      FastbootPackage op = orig.fastbootPackage().orElseThrow();
      assertEquals(op.flashScripts(), pkg.flashScripts());
      // boot member byte-identical
      assertArrayEquals(bytes(op.open(op.file("images/boot.img").orElseThrow())),
          bytes(pkg.open(pkg.file("images/boot.img").orElseThrow())));
    }
  }

  @Test
  void tgzTarZipAndDirectory() throws IOException {
    Map<String, Path> changed = Map.of("product_a", newProduct, "vbmeta", newVbmeta);
    for (FastbootPackageBuilder.Format f : FastbootPackageBuilder.Format.values()) {
      String ext = f.name().toLowerCase();
      Path in = builder().build(f == FastbootPackageBuilder.Format.DIRECTORY
          ? Files.createDirectories(dir.resolve("in-dir")) : dir.resolve("in." + ext), f);
      byte[] before = f == FastbootPackageBuilder.Format.DIRECTORY ? null : Files.readAllBytes(in);
      Path out = dir.resolve("out." + ext);
      RepackResult r = repack(in, changed, out);
      assertTrue(r.notes().stream().anyMatch(n -> n.contains("re-laid out") && n.contains("product_a grew 4096")),
          r.notes().toString());
      assertTrue(r.notes().stream().anyMatch(n -> n.contains("crclist.txt regenerated")), r.notes().toString());
      FastbootPackage.Format want = FastbootPackage.Format.valueOf(f.name());
      verify(out, want, in);
      if (before != null) {
        assertArrayEquals(before, Files.readAllBytes(in), "input untouched");
        Path again = dir.resolve("again." + ext);
        repack(in, changed, again);
        assertArrayEquals(Files.readAllBytes(out), Files.readAllBytes(again), "deterministic " + f);
      }
    }
    try (Stream<Path> s = Files.list(dir.resolve("work"))) {
      assertEquals(0, s.count(), "no temporary files left");
    }
  }

  @Test
  void gnuTarGzipKeepsEntryHeaders() throws IOException {
    Path tree = builder().build(Files.createDirectories(dir.resolve("tree")), FastbootPackageBuilder.Format.DIRECTORY);
    Path tar = Oracle.require("tar", "tar");
    Path in = dir.resolve("dev_images_V1.tgz");
    Oracle.run(tree, Duration.ofMinutes(2), List.of(tar.toString(), "-czf",
        in.toString(), "--mtime=2024-01-01 00:00:00", "dev_images_V1")).assertOk("tar czf");
    Path out = dir.resolve("out.tgz");
    repack(in, Map.of("product_a", newProduct, "vbmeta", newVbmeta), out);
    verify(out, FastbootPackage.Format.TGZ, in);
    List<String> before = listing(tar, in);
    List<String> after = listing(tar, out);
    assertEquals(before.size(), after.size());
    for (int i = 0; i < before.size(); i++) {
      String line = before.get(i);
      if (line.contains("super.img") || line.contains("vbmeta.img") || line.contains("crclist.txt")) {
        assertEquals(line.replaceAll("\\s+\\d+\\s+2024", " 2024"), after.get(i).replaceAll("\\s+\\d+\\s+2024", " 2024"),
            "only the size differs");
      } else {
        assertEquals(line, after.get(i), "entry header kept");
      }
    }
    Path x = Files.createDirectories(dir.resolve("x"));
    Oracle.run(x, Duration.ofMinutes(2), List.of(tar.toString(), "xzf", out.toString())).assertOk("tar xzf");
    assertArrayEquals(Files.readAllBytes(newVbmeta), Files.readAllBytes(x.resolve("dev_images_V1/images/vbmeta.img")));
  }

  static List<String> listing(Path tar, Path archive) throws IOException {
    Oracle.Result r = Oracle.run(archive.getParent(), Duration.ofMinutes(2),
        List.of(tar.toString(), "--full-time", "-tzvf", archive.toString()));
    r.assertOk("tar tzvf");
    return List.of(r.stdout().split("\n"));
  }

  @Test
  void sparseSuperAgreesWithSimg2img() throws IOException {
    Path in = builder().build(dir.resolve("in.tar"), FastbootPackageBuilder.Format.TAR);
    Path out = dir.resolve("out.tar");
    repack(in, Map.of("product_a", newProduct), out);
    Path work = Files.createDirectories(dir.resolve("w2"));
    try (Firmware fw = FirmwareReader.open(out, FirmwareReader.Options.in(work))) {
      FastbootPackage pkg = fw.fastbootPackage().orElseThrow();
      Path sparse = dir.resolve("extracted-super.img");
      Files.write(sparse, bytes(pkg.open(pkg.file("images/super.img").orElseThrow())));
      Path raw = OracleImages.simg2img(dir.resolve("super.raw"), sparse);
      assertArrayEquals(bytes(fw.partition("super").orElseThrow().content()), Files.readAllBytes(raw));
    }
  }

  @Test
  void splitSuperIsSplitAgain() throws IOException {
    Path p1 = dir.resolve("super_1.img");
    Path p2 = dir.resolve("super_2.img");
    try (FileByteSource src = FileByteSource.open(superSparse)) {
      SparseImage s = SparseImage.open(src);
      List<FastbootSplit.Part> two = FastbootRepacker.split(s, 2);
      for (int i = 0; i < 2; i++) {
        try (FileChannel ch = FileChannel.open(i == 0 ? p1 : p2, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE)) {
          FastbootSplit.writePart(s, two.get(i), ch);
        }
      }
    }
    Path in = new FastbootPackageBuilder().image("super_1.img", p1).image("super_2.img", p2)
        .image("vbmeta.img", vbmeta).flashAllScript().xiaomiCrcLists(FastbootSplit.DEFAULT_MAX_DOWNLOAD_SIZE)
        .build(dir.resolve("split.tgz"), FastbootPackageBuilder.Format.TGZ);
    Path out = dir.resolve("split-out.tgz");
    RepackResult r = repack(in, Map.of("product_a", newProduct), out);
    assertTrue(r.notes().stream().anyMatch(n -> n.contains("split again into 2 files")), r.notes().toString());
    Path work = Files.createDirectories(dir.resolve("w3"));
    try (Firmware fw = FirmwareReader.open(out, FirmwareReader.Options.in(work))) {
      assertArrayEquals(Files.readAllBytes(newProduct), bytes(fw.partition("product_a").orElseThrow().content()));
      assertArrayEquals(system, bytes(fw.partition("system_a").orElseThrow().content()));
      FastbootPackage pkg = fw.fastbootPackage().orElseThrow();
      assertEquals(List.of("images/super_1.img", "images/super_2.img"), pkg.images().stream()
          .map(FastbootPackage.Member::path).filter(p -> p.contains("super")).sorted().toList());
      SparseCrcList scrc = pkg.sparseCrcList().orElseThrow();
      for (String part : List.of("super_1", "super_2")) {
        SparseImage s = SparseImage.open(pkg.open(pkg.file("images/" + part + ".img").orElseThrow()));
        assertEquals(FastbootSplit.partCrcs(s, FastbootSplit.DEFAULT_MAX_DOWNLOAD_SIZE),
            scrc.entry(part).orElseThrow().crcs());
      }
    }
  }

  @Test
  void emptyChangeIsAByteIdenticalCopy() throws IOException {
    Path in = builder().build(dir.resolve("in.tgz"), FastbootPackageBuilder.Format.TGZ);
    Path out = dir.resolve("out.tgz");
    RepackResult r = repack(in, Map.of(), out);
    assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(out));
    assertEquals(List.of(RepackSupport.NOTHING_CHANGED), r.notes());
  }

  @Test
  void partitionThatDoesNotFitSaysHowMuchIsMissing() throws IOException {
    Path in = builder().build(dir.resolve("in.tgz"), FastbootPackageBuilder.Format.TGZ);
    Path big = Files.write(dir.resolve("big.img"), new byte[4 << 20]); // 3 MiB + 4 MiB > 6 MiB group
    Path out = dir.resolve("out.tgz");
    UserException e = assertThrows(UserException.class, () -> repack(in, Map.of("product_a", big), out));
    assertTrue(e.getMessage().contains("bytes missing"), e.getMessage());
    assertTrue(e.getMessage().contains("main_a"), e.getMessage());
    assertFalse(Files.exists(out));
    try (Stream<Path> s = Files.list(dir)) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().contains("untrack-tmp")));
    }
  }

  @Test
  void singleImages() throws IOException {
    Path raw = Files.write(dir.resolve("vbmeta.img"), vbmeta);
    Path out = dir.resolve("vbmeta-out.img");
    repack(raw, Map.of("vbmeta", newVbmeta), out);
    assertArrayEquals(Files.readAllBytes(newVbmeta), Files.readAllBytes(out));
    Path sparseIn = dir.resolve("odm.img");
    byte[] odm = PayloadFixtures.image(64, 4096, 5);
    try (FileChannel ch = FileChannel.open(sparseIn, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      SparseWriter.write(new dev.untrack.rom.io.ArrayByteSource(odm, "odm"), ch, SparseWriter.Options.DEFAULT);
    }
    byte[] newOdm = PayloadFixtures.image(64, 4096, 6);
    Path sparseOut = dir.resolve("odm-out.img");
    repack(sparseIn, Map.of("odm", Files.write(dir.resolve("odm.new"), newOdm)), sparseOut);
    try (FileByteSource src = FileByteSource.open(sparseOut)) {
      assertTrue(SparseImage.isSparse(src));
      assertArrayEquals(newOdm, bytes(SparseImage.open(src)));
    }
    Path superOut = dir.resolve("super-out.img");
    RepackResult r = repack(superSparse, Map.of("product_a", newProduct), superOut);
    assertTrue(r.notes().toString().contains("re-sparsed"), r.notes().toString());
    Path work = Files.createDirectories(dir.resolve("w4"));
    try (FileByteSource src = FileByteSource.open(superOut);
        Firmware fw = FirmwareReader.open(superOut, FirmwareReader.Options.in(work))) {
      assertTrue(SparseImage.isSparse(src));
      assertArrayEquals(Files.readAllBytes(newProduct), bytes(fw.partition("product_a").orElseThrow().content()));
      assertArrayEquals(system, bytes(fw.partition("system_a").orElseThrow().content()));
    }
  }
}
