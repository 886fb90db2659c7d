package dev.untrack.pipeline.rom;

import dev.untrack.rom.firmware.FirmwareKind;
import dev.untrack.rom.zip.ZipEntry;
import dev.untrack.rom.zip.ZipWriter;
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
    RomImages.assertPatchesExt4System(dir, in, FirmwareKind.OTA_SDAT, VENDOR);
  }
}
