package dev.untrack.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.pipeline.demo.DemoApp;
import dev.untrack.pipeline.demo.DemoApps;
import dev.untrack.pipeline.demo.DemoFirmware;
import dev.untrack.pipeline.demo.DemoKeys;
import dev.untrack.rom.firmware.Firmware;
import dev.untrack.rom.firmware.FirmwareKind;
import dev.untrack.rom.firmware.FirmwareReader;
import dev.untrack.rom.firmware.Partition;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.tar.CrcList;
import dev.untrack.rom.tar.FastbootPackage;
import dev.untrack.rom.tar.FlashScript;
import dev.untrack.signing.avb.AvbDescriptor;
import dev.untrack.signing.avb.AvbFooter;
import dev.untrack.signing.avb.HashTree;
import dev.untrack.signing.avb.VbMeta;
import dev.untrack.signing.keys.SigningKey;
import dev.untrack.testkit.Oracle;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's synthetic fastboot package, checked with the native tools and our own readers. */
class DemoFirmwareTest {
  @TempDir static Path dir;
  static DemoFirmware.Built built;
  static Map<DemoApp, Path> apps = new LinkedHashMap<>();

  @BeforeAll
  static void build() throws Exception {
    SigningKey vendor = DemoKeys.vendor();
    Path originals = Files.createDirectories(dir.resolve("apps"));
    for (DemoApp a : DemoApp.all()) {
      Path f = originals.resolve(a.fileName());
      DemoApps.build(a, vendor, f);
      apps.put(a, f);
    }
    built = DemoFirmware.build(Files.createDirectories(dir.resolve("fw")), apps, DemoKeys.avb());
  }

  static Path write(ByteSource s, Path target) throws IOException {
    try (InputStream in = s.openStream(); OutputStream out = Files.newOutputStream(target)) {
      in.transferTo(out);
    }
    return target;
  }

  static Firmware open() throws IOException {
    return FirmwareReader.open(built.file(), FirmwareReader.Options.in(Files.createTempDirectory(dir, "spool")));
  }

  @Test
  void isAFastbootPackageWithTheExpectedPartitionsAndScript() throws Exception {
    try (Firmware fw = open()) {
      assertEquals(FirmwareKind.FASTBOOT_PACKAGE, fw.kind());
      for (String p : List.of("super", "system_a", "product_a", "vbmeta", "vbmeta_system")) {
        assertTrue(fw.partition(p).isPresent(), p + " in " + fw.partitions());
      }
      FastbootPackage pkg = fw.fastbootPackage().orElseThrow();
      FlashScript script = pkg.flashScripts().get(0);
      assertEquals(List.of("crclist", "sparsecrclist", "vbmeta", "vbmeta_system", "super"),
          script.flashCommands().stream().map(FlashScript.FlashCommand::partition).toList());
      assertTrue(script.text().contains("getvar product"), script.text());
      assertTrue(!script.locksBootloader());
      CrcList crcs = pkg.crcList().orElseThrow();
      for (CrcList.Entry e : crcs.entries()) {
        CRC32 c = new CRC32();
        c.update(readAll(pkg.open(pkg.file("images/" + e.partition() + ".img").orElseThrow())));
        assertEquals(e.crc32(), c.getValue(), e.partition());
      }
      assertEquals(1, pkg.sparseCrcList().orElseThrow().entries().size());
    }
  }

  @Test
  void fsckErofsAcceptsSystemAndProductAndTheAppsAreThere() throws Exception {
    Oracle.require("fsck.erofs", "erofs-utils");
    try (Firmware fw = open()) {
      for (String name : List.of("system_a", "product_a")) {
        Partition p = fw.partition(name).orElseThrow();
        Path img = write(p.content(), dir.resolve(name + ".img"));
        Oracle.run(dir, Duration.ofMinutes(2), List.of("fsck.erofs", img.toString())).assertOk("fsck.erofs " + name);
        Path extract = dir.resolve(name + ".extract");
        Oracle.run(dir, Duration.ofMinutes(2), List.of("fsck.erofs", "--extract=" + extract, img.toString()))
            .assertOk("fsck.erofs --extract " + name);
        for (Map.Entry<DemoApp, Path> e : apps.entrySet()) {
          if (e.getKey().partition().equals(name.substring(0, name.length() - 2))) {
            Path inside = extract.resolve(e.getKey().pathInPartition().substring(1));
            assertArrayEquals(Files.readAllBytes(e.getValue()), Files.readAllBytes(inside), inside.toString());
          }
        }
        if (name.equals("system_a")) {
          assertEquals("127.0.0.1", Files.readString(extract.resolve("system/etc/hosts")).substring(0, 9));
        }
      }
    }
  }

  @Test
  void simg2imgAgreesWithOurSuper() throws Exception {
    Oracle.require("simg2img", "android-sdk-libsparse-utils");
    try (Firmware fw = open()) {
      FastbootPackage pkg = fw.fastbootPackage().orElseThrow();
      Path sparse = write(pkg.open(pkg.file("images/super.img").orElseThrow()), dir.resolve("super.sparse"));
      Path raw = dir.resolve("super.raw");
      Oracle.run(dir, Duration.ofMinutes(2), List.of("simg2img", sparse.toString(), raw.toString()))
          .assertOk("simg2img");
      assertArrayEquals(readAll(fw.partition("super").orElseThrow().content()), Files.readAllBytes(raw));
    }
  }

  @Test
  void avbChainVerifiesAndHashtreesMatchThePartitions() throws Exception {
    try (Firmware fw = open()) {
      VbMeta top = VbMeta.parse(readAll(fw.partition("vbmeta").orElseThrow().content()), "vbmeta");
      assertTrue(top.verify().verifies(), top.verify().detail());
      VbMeta sys = VbMeta.parse(readAll(fw.partition("vbmeta_system").orElseThrow().content()), "vbmeta_system");
      assertTrue(sys.verify().verifies(), sys.verify().detail());
      AvbDescriptor.ChainPartition chain = (AvbDescriptor.ChainPartition) top.descriptors().get(0);
      assertArrayEquals(sys.publicKey(), chain.publicKey());
      for (AvbDescriptor d : sys.descriptors()) {
        AvbDescriptor.Hashtree h = (AvbDescriptor.Hashtree) d;
        byte[] partition = readAll(fw.partition(h.partitionName() + "_a").orElseThrow().content());
        AvbFooter footer = AvbFooter.parse(java.util.Arrays.copyOfRange(partition, partition.length - 64,
            partition.length), partition.length, h.partitionName());
        assertEquals(h.imageSize(), footer.originalImageSize());
        byte[] fs = java.util.Arrays.copyOf(partition, (int) h.imageSize());
        HashTree.InMemory tree = HashTree.computeInMemory(fs, h.treeParams());
        assertArrayEquals(h.rootDigest(), tree.result().rootDigest(), h.partitionName());
        assertArrayEquals(tree.tree(), java.util.Arrays.copyOfRange(partition, (int) h.treeOffset(),
            (int) (h.treeOffset() + h.treeSize())), h.partitionName() + " tree");
      }
    }
  }

  @Test
  void sameInputsGiveTheSameBytes() throws Exception {
    DemoFirmware.Built again = DemoFirmware.build(Files.createDirectories(dir.resolve("fw2")), apps, DemoKeys.avb());
    assertArrayEquals(Files.readAllBytes(built.file()), Files.readAllBytes(again.file()));
  }

  static byte[] readAll(ByteSource s) throws IOException {
    return s.readFully(0, Math.toIntExact(s.size()));
  }
}
