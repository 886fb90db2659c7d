package dev.untrack.pipeline.rom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.firmware.Firmware;
import dev.untrack.rom.firmware.FirmwareKind;
import dev.untrack.rom.firmware.FirmwareReader;
import dev.untrack.rom.zip.ZipEntry;
import dev.untrack.rom.zip.ZipWriter;
import dev.untrack.testkit.CliRun;
import dev.untrack.testkit.OracleImages;
import dev.untrack.testkit.PayloadFixtures;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A non-A/B OTA zip ({@code system.new.dat.br} with an ext4 system, a vendor) through {@code untrack patch}. */
class SdatRomPatchTest {
  @TempDir Path dir;

  static final byte[] VENDOR = PayloadFixtures.image(64, 4096, 12);
  static final String SCRIPT = "block_image_update(map_partition(\"system\"), "
      + "package_extract_file(\"system.transfer.list\"), \"system.new.dat.br\", \"system.patch.dat\");\n";

  Path ota(byte[] system) throws Exception {
    PayloadFixtures.Sdat sys = PayloadFixtures.sdat(system, true);
    PayloadFixtures.Sdat ven = PayloadFixtures.sdat(VENDOR, false);
    String ops = "remove_all_groups\nadd_group main " + (64 << 20) + "\nadd system main\nadd vendor main\n"
        + "resize system " + system.length + "\nresize vendor " + VENDOR.length + "\n";
    Path out = dir.resolve("ota.zip");
    try (OutputStream o = Files.newOutputStream(out); ZipWriter w = new ZipWriter(o)) {
      w.add(ZipWriter.EntrySpec.of("META-INF/com/google/android/updater-script", ZipEntry.DEFLATED, 1),
          SCRIPT.getBytes(StandardCharsets.UTF_8));
      w.add(ZipWriter.EntrySpec.of("dynamic_partitions_op_list", ZipEntry.DEFLATED, 1),
          ops.getBytes(StandardCharsets.UTF_8));
      w.add(ZipWriter.EntrySpec.of("system.new.dat.br", ZipEntry.STORED, 1), sys.newData());
      w.add(ZipWriter.EntrySpec.of("system.patch.dat", ZipEntry.STORED, 1), new byte[0]);
      w.add(ZipWriter.EntrySpec.of("system.transfer.list", ZipEntry.DEFLATED, 1), sys.list().bytes());
      w.add(ZipWriter.EntrySpec.of("vendor.new.dat", ZipEntry.DEFLATED, 1), ven.newData());
      w.add(ZipWriter.EntrySpec.of("vendor.transfer.list", ZipEntry.DEFLATED, 1), ven.list().bytes());
      w.finish(null, new byte[0]);
    }
    return out;
  }

  @Test
  void patchesTheExt4SystemInsideTheSdatZip() throws Exception {
    Path in = ota(Files.readAllBytes(RomImages.ext4(dir)));
    byte[] before = Files.readAllBytes(in);
    Path out = dir.resolve("out.zip");
    CliRun r = CliRun.untrack("patch", in.toString(), "-o", out.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("patched system:" + RomImages.TELEMETRY_APK), r.out());
    assertTrue(r.out().contains("checker: live call sites: 0 (input: 2)"), r.out());
    assertFalse(r.out().contains("unexpected"), r.out());
    assertArrayEquals(before, Files.readAllBytes(in));
    Path work = Files.createDirectories(dir.resolve("verify"));
    try (Firmware fw = FirmwareReader.open(out, FirmwareReader.Options.in(work))) {
      assertEquals(FirmwareKind.OTA_SDAT, fw.kind());
      var vendor = fw.partition("vendor").orElseThrow().content();
      assertArrayEquals(VENDOR, vendor.readFully(0, (int) vendor.size()));
      var system = fw.partition("system").orElseThrow().content();
      Path img = Files.write(dir.resolve("system-out.img"), system.readFully(0, (int) system.size()));
      OracleImages.e2fsck(img);
      assertTrue(RomImages.read(img, RomImages.TELEMETRY_OAT).isEmpty());
    }
    Path again = dir.resolve("again.zip");
    assertEquals(0, CliRun.untrack("patch", in.toString(), "-o", again.toString()).code());
    assertArrayEquals(Files.readAllBytes(out), Files.readAllBytes(again), "deterministic");
  }
}
