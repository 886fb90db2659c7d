package dev.untrack.checker;

import static dev.untrack.testkit.CliRun.untrack;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.checker.input.FirmwareScanSource;
import dev.untrack.checker.report.AppReport;
import dev.untrack.checker.report.Comparison;
import dev.untrack.checker.report.FileDigest;
import dev.untrack.checker.report.ScanReport;
import dev.untrack.cli.Main;
import dev.untrack.patcher.PatchResult;
import dev.untrack.patcher.Patcher;
import dev.untrack.patcher.Policy;
import dev.untrack.patcher.app.App;
import dev.untrack.patcher.write.AppWriter;
import dev.untrack.patches.BuiltinPatches;
import dev.untrack.rom.firmware.Firmware;
import dev.untrack.rom.firmware.FirmwareKind;
import dev.untrack.rom.firmware.FirmwareReader;
import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.lp.LpFormat;
import dev.untrack.rom.lp.SuperWriter;
import dev.untrack.rom.payload.Manifest;
import dev.untrack.rom.payload.PartitionInput;
import dev.untrack.rom.payload.PartitionUpdate;
import dev.untrack.testkit.ApkBuilder;
import dev.untrack.testkit.CliRun;
import dev.untrack.testkit.DexCompiler;
import dev.untrack.testkit.FastbootPackageBuilder;
import dev.untrack.testkit.FsFixtures;
import dev.untrack.testkit.ManifestBuilder;
import dev.untrack.testkit.OracleImages;
import dev.untrack.testkit.PayloadFixtures;
import dev.untrack.testkit.TelemetryFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code untrack scan FIRMWARE}: the checker reads apps, hosts and config files in place out of ext4 and EROFS
 * partitions, through every container the firmware reader supports, and names them {@code partition:/path}.
 */
class FirmwareScanTest {
  static final String JOYOSE = "/system/priv-app/Joyose/Joyose.apk";
  static final String CALC = "/system/app/Calc/Calc.apk";

  @TempDir static Path dir;
  static byte[] joyose;
  static byte[] joyosePatched;
  static byte[] calc;
  static Path erofs;
  static Path ext4;
  static Path sparseExt4;
  static Path fastboot;
  static Path fastbootPatched;
  static Path ota;
  static Path sdatOta;
  static Checker checker;

  static FsFixtures.Tree tree(byte[] telemetryApp) {
    FsFixtures.Tree t = new FsFixtures.Tree();
    if (telemetryApp == joyose) { // compiled code beside the original app, which patching makes stale
      t.file("system/priv-app/Joyose/oat/arm64/Joyose.odex", new byte[] {1, 2, 3});
    }
    return t
        .file("system" + JOYOSE.substring("/system".length()), telemetryApp)
        .file("system" + CALC.substring("/system".length()), calc)
        .file("system/etc/hosts", "127.0.0.1 localhost\n".getBytes(StandardCharsets.US_ASCII))
        .file("system/etc/joyose.conf", "url=https://tracking.intl.miui.com/track/v4\n"
            .getBytes(StandardCharsets.US_ASCII))
        .file("system/build.prop", "ro.build.id=TEST\n".getBytes(StandardCharsets.US_ASCII))
        .file("system/lib/libfoo.so", new byte[] {0x7f, 'E', 'L', 'F', 1, 2, 3})
        .symlink("system/bin/sh", "/system/bin/mksh");
  }

  static Path superSparse(Path systemImage, String name) throws IOException {
    Path raw = dir.resolve(name + ".raw");
    try (FileByteSource sys = FileByteSource.open(systemImage)) {
      SuperWriter.create(16L << 20, 65536, 2).virtualAb()
          .group("main_a", 12L << 20).group("main_b", 12L << 20)
          .addPartition("system_a", "main_a", LpFormat.PARTITION_ATTR_READONLY, sys)
          .addPartition("system_b", "main_b", LpFormat.PARTITION_ATTR_READONLY, 0, null)
          .layout().writeRawTo(raw);
    }
    return OracleImages.img2simg(raw, dir.resolve(name + ".img"));
  }

  static byte[] patch(byte[] apk, String name) throws Exception {
    try (App app = App.open(new ArrayByteSource(apk, name), name, false)) {
      PatchResult result = new Patcher(BuiltinPatches.load(), Policy.BLOCK).patch(app);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      AppWriter.write(app, result, out);
      return out.toByteArray();
    }
  }

  @BeforeAll
  static void firmware() throws Exception {
    checker = new Checker(ScanOptions.defaults().withThreads(2).withDigests(true));
    joyose = TelemetryFixtures.oneTrackApp().bytes();
    joyosePatched = patch(joyose, "Joyose.apk");
    calc = ApkBuilder.create()
        .manifest(ManifestBuilder.of("com.example.calc").version(3, "3.0").build())
        .dex(List.of(DexCompiler.smaliToDex(List.of(".class public Lcom/example/calc/Main;\n"
            + ".super Ljava/lang/Object;\n"
            + ".method public static add(II)I\n.registers 2\nadd-int v0, p0, p1\nreturn v0\n.end method\n"), 26)))
        .build();
    Path work = Files.createDirectories(dir.resolve("work"));
    erofs = FsFixtures.erofs(tree(joyose), work, "system", List.of("-zlz4hc"));
    Path erofsPatched = FsFixtures.erofs(tree(joyosePatched), Files.createDirectories(dir.resolve("work2")),
        "system", List.of("-zlz4hc"));
    ext4 = FsFixtures.ext4(tree(joyose), work, "vendor", FsFixtures.Ext4Options.defaults());
    sparseExt4 = OracleImages.img2simg(ext4, dir.resolve("product.img"));
    fastboot = new FastbootPackageBuilder().root("testdev_images_V1.0").image("super.img", superSparse(erofs, "super"))
        .image("vbmeta.img", vbmeta()).flashAllScript()
        .build(dir.resolve("testdev_images_V1.0.tgz"), FastbootPackageBuilder.Format.TGZ);
    fastbootPatched = new FastbootPackageBuilder().root("testdev_images_V1.0")
        .image("super.img", superSparse(erofsPatched, "super-patched")).image("vbmeta.img", vbmeta()).flashAllScript()
        .build(dir.resolve("patched_images_V1.0.tgz"), FastbootPackageBuilder.Format.TGZ);
    byte[] bin = PayloadFixtures.write(Manifest.newFull(4096, null), List.of(new PartitionInput.Changed(
        PartitionUpdate.named("system"), new ArrayByteSource(Files.readAllBytes(ext4), "system.img"))), null, work,
        1 << 20);
    ota = zip(dir.resolve("ota.zip"), Map.of("payload.bin", bin));
    PayloadFixtures.Sdat sdat = PayloadFixtures.sdat(Files.readAllBytes(erofs), true);
    sdatOta = zip(dir.resolve("ota-sdat.zip"), Map.of("system.transfer.list", sdat.list().bytes(),
        "system.new.dat.br", sdat.newData()));
  }

  static Path zip(Path target, Map<String, byte[]> entries) throws IOException {
    try (OutputStream o = Files.newOutputStream(target); ZipOutputStream z = new ZipOutputStream(o)) {
      for (Map.Entry<String, byte[]> x : new TreeMap<>(entries).entrySet()) {
        byte[] data = x.getValue();
        ZipEntry e = new ZipEntry(x.getKey());
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        e.setTime(1_600_000_000_000L);
        z.putNextEntry(e);
        z.write(data);
        z.closeEntry();
      }
    }
    return target;
  }

  /** A vbmeta-looking partition without a filesystem: digested whole, as {@code vbmeta:}. */
  static byte[] vbmeta() {
    byte[] b = new byte[4096];
    b[0] = 'A';
    b[1] = 'V';
    b[2] = 'B';
    b[3] = '0';
    return b;
  }

  static ScanReport scan(Path firmware) throws IOException {
    try (FirmwareScanSource src = FirmwareScanSource.open(firmware, dir)) {
      return checker.scan(src);
    }
  }

  static AppReport app(ScanReport r, String path) {
    return r.apps().stream().filter(a -> a.path().equals(path)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + path + " in " + r.apps().stream().map(AppReport::path).toList()));
  }

  static void assertTelemetryFound(ScanReport r, String partition) {
    AppReport j = app(r, partition + ":" + JOYOSE);
    assertEquals("com.xiaomi.joyose", j.packageName());
    assertEquals(List.of(), j.errors());
    assertTrue(j.sdks().stream().anyMatch(s -> s.id().equals("onetrack") && s.status().equals("defined")),
        j.sdks().toString());
    assertTrue(j.count("live") > 0, "live call sites in the unpatched app");
    assertNotNull(j.signature());
    assertFalse(j.signature().status().equals("not-checked"), "verified from a temporary copy: " + j.signature());
    AppReport control = app(r, partition + ":" + CALC);
    assertEquals(List.of(), control.findings(), "negative control");
    assertEquals(List.of(), control.errors());
    AppReport hosts = app(r, partition + ":/system/etc/hosts");
    assertEquals("hosts", hosts.kind());
    AppReport conf = app(r, partition + ":/system/etc/joyose.conf");
    assertFalse(conf.hosts().isEmpty(), "telemetry host in a config file");
    assertTrue(r.otherFiles().stream().map(FileDigest::path).toList()
        .containsAll(List.of(partition + ":/system/build.prop", partition + ":/system/lib/libfoo.so",
            partition + ":/system/bin/sh", partition + ":" + FirmwareScanSource.ATTRIBUTES)),
        r.otherFiles().toString());
  }

  @Test
  void rawErofsAndExt4Images() throws IOException {
    assertTelemetryFound(scan(erofs), "system");
    assertTelemetryFound(scan(ext4), "vendor");
  }

  @Test
  void sparseImageFastbootPackageAndPayload() throws IOException {
    assertTelemetryFound(scan(sparseExt4), "product");
    ScanReport pkg = scan(fastboot);
    assertTelemetryFound(pkg, "system_a");
    assertTrue(pkg.otherFiles().stream().anyMatch(f -> f.path().equals("vbmeta:")), pkg.otherFiles().toString());
    assertTelemetryFound(scan(ota), "system");
    assertTelemetryFound(scan(sdatOta), "system");
  }

  @Test
  void kindsAreDetected() throws IOException {
    assertTrue(FirmwareScanSource.isFirmware(erofs));
    assertTrue(FirmwareScanSource.isFirmware(sparseExt4));
    assertTrue(FirmwareScanSource.isFirmware(fastboot));
    assertTrue(FirmwareScanSource.isFirmware(ota));
    Path apk = Files.write(dir.resolve("Calc.apk"), calc);
    assertFalse(FirmwareScanSource.isFirmware(apk), "an APK is scanned as a file");
    assertFalse(FirmwareScanSource.isFirmware(Files.createDirectories(dir.resolve("tree"))));
    try (FirmwareScanSource src = FirmwareScanSource.open(ota, dir)) {
      assertEquals(FirmwareKind.OTA_PAYLOAD, src.kind());
    }
    // a firmware the pipeline already holds: scanned, and still open afterwards
    try (Firmware fw = FirmwareReader.open(fastboot, FirmwareReader.Options.in(dir))) {
      ScanReport r;
      try (FirmwareScanSource src = FirmwareScanSource.of(fw)) {
        r = checker.scan(src);
      }
      assertTelemetryFound(r, "system_a");
      assertTrue(fw.partition("system_a").orElseThrow().content().readFully(1024, 4).length == 4, "still open");
    }
  }

  @Test
  void baselineShowsTheLiveSitesRemovedAndNothingElseChanged() throws IOException {
    ScanReport before = scan(fastboot);
    ScanReport after = scan(fastbootPatched);
    ScanReport report = after.comparedWith(before);
    Comparison c = report.comparison();
    String where = "system_a:" + JOYOSE;
    Comparison.AppDelta d = c.apps().stream().filter(x -> x.path().equals(where)).findFirst().orElseThrow();
    assertEquals("changed", d.change());
    assertTrue(d.liveBefore() > 0);
    assertEquals(0, d.liveAfter(), d.remainingLive().toString());
    assertEquals(d.liveBefore(), d.removedLive().size());
    assertEquals(0, c.liveAfter());
    assertEquals(0, c.liveAdded());
    for (Comparison.AppDelta other : c.apps()) {
      if (!other.path().equals(where)) {
        assertEquals("unchanged", other.change(), other.path());
      }
    }
    assertEquals(List.of(new Comparison.FileDelta("system_a:/system/priv-app/Joyose/oat/arm64/Joyose.odex",
        "removed")), c.files(), "no other file changed, the stale odex is gone");
    assertTrue(c.unexpected().stream().allMatch(u -> u.path().equals(where)), c.unexpected().toString());
  }

  @Test
  void baselineNamesOtherFilesAndAttributesThatChanged() throws IOException {
    FsFixtures.Tree t = tree(joyose).file("system/build.prop", "ro.build.id=OTHER\n".getBytes(StandardCharsets.US_ASCII))
        .label("system/lib/libfoo.so", "u:object_r:system_lib_file:s0");
    Path variant = FsFixtures.erofs(t, Files.createDirectories(dir.resolve("work3")), "system", List.of("-zlz4hc"));
    Comparison c = scan(variant).compare(scan(erofs));
    assertEquals(List.of(new Comparison.FileDelta("system:" + FirmwareScanSource.ATTRIBUTES, "changed"),
        new Comparison.FileDelta("system:/system/build.prop", "changed")), c.files());
    assertEquals(List.of("system:" + FirmwareScanSource.ATTRIBUTES, "system:/system/build.prop"),
        c.unexpected().stream().map(Comparison.Unexpected::path).toList());
    assertTrue(c.apps().stream().allMatch(d -> d.change().equals("unchanged")), c.apps().toString());
  }

  @Test
  void cliScansFirmwareWithABaseline() throws IOException {
    CliRun r = untrack("scan", fastbootPatched.toString(), "--baseline", fastboot.toString(), "--work-dir",
        dir.toString(), "--fail-on", "high");
    assertEquals(0, r.code(), r.err() + r.out());
    assertTrue(r.out().contains("system_a:" + JOYOSE), r.out());
    assertTrue(r.out().matches("(?s).*live call sites: \\d+ before, 0 after \\(\\d+ removed, 0 new\\).*"), r.out());
    CliRun json = untrack("scan", fastboot.toString(), "--format", "json", "--work-dir", dir.toString(),
        "--fail-on", "high", "--no-signatures");
    assertEquals(1, json.code(), "live telemetry in the original fails --fail-on high");
    assertTrue(json.out().contains("\"path\": \"system_a:" + JOYOSE + "\""), json.out());
    // two loose images with different file names are paired as one partition
    Path copy = Files.copy(erofs, dir.resolve("system-copy.img"));
    CliRun loose = untrack("scan", copy.toString(), "--baseline", erofs.toString(), "--no-signatures");
    assertEquals(0, loose.code(), loose.err());
    assertTrue(loose.out().contains("system:" + JOYOSE), loose.out());
    assertTrue(loose.out().contains("nothing changed outside the apps whose telemetry changed"), loose.out());
    assertFalse(loose.out().contains("added"), loose.out());
  }

  /** A payload OTA whose {@code system} is the very EROFS image the fastboot super holds as {@code system_a}. */
  static Path erofsOta(String name) throws IOException {
    byte[] bin = PayloadFixtures.write(Manifest.newFull(4096, null), List.of(new PartitionInput.Changed(
        PartitionUpdate.named("system"), new ArrayByteSource(Files.readAllBytes(erofs), "system.img"))), null,
        Files.createDirectories(dir.resolve("work-" + name)), 1 << 20);
    return zip(dir.resolve(name + ".zip"), Map.of("payload.bin", bin));
  }

  @Test
  void baselinePairsSlotSuffixedPartitionsWithUnsuffixedOnes() throws IOException {
    // the same build as a fastboot super (system_a; system_b empty) and as a payload OTA (system)
    Path superOnly = new FastbootPackageBuilder().root("testdev_images_V1.0").image("super.img",
        dir.resolve("super.img")).build(dir.resolve("super_only.tgz"), FastbootPackageBuilder.Format.TGZ);
    ScanReport pkg = scan(superOnly);
    ScanReport payload = scan(erofsOta("ota-erofs"));
    for (Comparison c : List.of(pkg.comparedWith(payload).comparison(), payload.comparedWith(pkg).comparison())) {
      assertEquals(List.of(), c.unexpected(), c.unexpected().toString());
      assertEquals(List.of(), c.files());
      assertTrue(c.apps().size() >= 4 && c.apps().stream().allMatch(d -> d.change().equals("unchanged")),
          c.apps().toString());
    }
    Comparison c = pkg.comparedWith(payload).comparison();
    assertEquals(List.of("system_a = system"), c.slotPairs());
    assertTrue(c.apps().stream().anyMatch(d -> d.path().equals("system_a:" + JOYOSE)), "the real names kept");
    assertEquals(List.of("system = system_a"), payload.comparedWith(pkg).comparison().slotPairs());
    // on the command line: nothing unexpected, and the pair is named
    CliRun r = untrack("scan", superOnly.toString(), "--baseline", dir.resolve("ota-erofs.zip").toString(),
        "--work-dir", dir.toString(), "--no-signatures");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("partitions paired across the slot suffix: system_a = system"), r.out());
    assertTrue(r.out().contains("nothing changed outside the apps whose telemetry changed"), r.out());
  }

  @Test
  void slotPairingIsRefusedWhenOneSideHasBothNames() throws IOException {
    // system_a in the super and a loose system.img in one package: which one the OTA's system is is a guess
    Path both = new FastbootPackageBuilder().root("testdev_images_V1.0").image("super.img", dir.resolve("super.img"))
        .image("system.img", erofs).build(dir.resolve("both.tgz"), FastbootPackageBuilder.Format.TGZ);
    ScanReport pkg = scan(both);
    assertTelemetryFound(pkg, "system_a");
    assertTelemetryFound(pkg, "system");
    Comparison c = pkg.comparedWith(scan(erofsOta("ota-erofs2"))).comparison();
    assertEquals(List.of(), c.slotPairs());
    assertTrue(c.apps().stream().anyMatch(d -> d.path().equals("system_a:" + JOYOSE) && d.change().equals("added")),
        c.apps().toString());
    assertTrue(c.apps().stream().anyMatch(d -> d.path().equals("system:" + JOYOSE) && d.change().equals("unchanged")),
        c.apps().toString());
  }

  /** A report holding one digested file per name, all with the same bytes. */
  static ScanReport files(String... paths) {
    return new ScanReport(List.of("x"), List.of(), List.of(),
        java.util.Arrays.stream(paths).map(p -> new FileDigest(p, 1, "00")).toList(), null);
  }

  @Test
  void slotPairsAreMadeOnlyWhenUnambiguous() {
    // _a is preferred over _b; _b pairs when it is alone; unsuffixed names on both sides pair as they are
    assertEquals(List.of("system_a = system"), files("system_a:/f", "system_b:/f").compare(files("system:/f"))
        .slotPairs());
    assertEquals(List.of("vbmeta = vbmeta_b"), files("vbmeta:").compare(files("vbmeta_b:")).slotPairs());
    assertEquals(List.of(), files("system:/f").compare(files("system:/f")).slotPairs());
    // a side with both system_a and system: nothing is paired across the suffix
    Comparison c = files("system_a:/f", "system:/f").compare(files("system:/f"));
    assertEquals(List.of(), c.slotPairs());
    assertEquals(List.of(new Comparison.FileDelta("system_a:/f", "added")), c.files());
    assertEquals(List.of(), files("system_a:/f").compare(files("system:/f", "system_a:/g")).slotPairs());
    // a removed file keeps the baseline's real name
    Comparison r = files("system_a:/f").compare(files("system:/f", "system:/gone"));
    assertEquals(List.of(new Comparison.FileDelta("system:/gone", "removed")), r.files());
  }

  @Test
  void corruptFileInsideAnImageIsAnErrorEntryAndTheRestIsScanned() throws IOException {
    byte[] img = Files.readAllBytes(ext4);
    int at = indexOf(img, calc);
    assertTrue(at > 0, "the control app is stored in place in the ext4 image");
    // wipe its end of central directory: that app cannot be read, the others can
    for (int i = calc.length - 22; i < calc.length; i++) {
      img[at + i] = 0;
    }
    Path bad = Files.write(dir.resolve("vendor-bad.img"), img);
    ScanReport r = scan(bad);
    AppReport broken = app(r, "vendor-bad:" + CALC);
    assertFalse(broken.errors().isEmpty());
    assertTrue(broken.errors().get(0).fatal());
    assertEquals(List.of(), app(r, "vendor-bad:" + JOYOSE).errors());
    assertTrue(app(r, "vendor-bad:" + JOYOSE).count("live") > 0);
  }

  @Test
  void truncatedOrGarbageImagesGiveClearErrors() throws IOException {
    byte[] img = Files.readAllBytes(erofs);
    Path truncated = Files.write(dir.resolve("system-cut.img"), java.util.Arrays.copyOf(img, 8192));
    ScanReport r;
    try (FirmwareScanSource src = FirmwareScanSource.open(truncated, dir)) {
      r = checker.scan(src);
    } catch (dev.untrack.rom.RomFormatException e) {
      r = null; // a container too broken to open at all is one clear error naming the file
      assertTrue(e.getMessage().contains("system-cut"), e.getMessage());
    }
    if (r != null) {
      assertTrue(r.apps().stream().anyMatch(a -> !a.errors().isEmpty()), "the loss is reported");
    }
    CliRun cli = untrack("scan", truncated.toString(), "--work-dir", dir.toString());
    assertTrue(cli.code() == 0 || cli.code() == 3, cli.err());
    assertTrue(cli.code() == 0 ? cli.out().contains("system-cut:") : cli.err().lines().count() == 1,
        cli.out() + cli.err());
    Path garbage = Files.write(dir.resolve("garbage.img"), new byte[8192]);
    CliRun g = untrack("scan", garbage.toString());
    assertEquals(3, g.code());
    assertEquals(1, g.err().strip().lines().count(), g.err());
  }

  @Test
  void unreadableFilesystemIsOneErrorEntryAndTheOtherPartitionsAreScanned() throws IOException {
    byte[] img = Files.readAllBytes(ext4);
    // keep the superblock (the image is still recognised as ext4), wipe the group descriptors behind it
    java.util.Arrays.fill(img, 4096, 8 * 4096, (byte) 0xA5);
    Path bad = Files.write(dir.resolve("broken.img"), img);
    Path pkg = new FastbootPackageBuilder().image("broken.img", bad).image("system.img", erofs)
        .build(dir.resolve("two_images.tar"), FastbootPackageBuilder.Format.TAR);
    ScanReport r = scan(pkg);
    AppReport broken = app(r, "broken:/");
    assertTrue(broken.errors().get(0).fatal(), broken.errors().toString());
    assertTrue(broken.errors().get(0).message().contains("filesystem unreadable"), broken.errors().toString());
    assertTelemetryFound(r, "system");
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i += 512) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
