package dev.untrack.pipeline.repack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.cli.UserException;
import dev.untrack.rom.firmware.Firmware;
import dev.untrack.rom.firmware.FirmwareKind;
import dev.untrack.rom.firmware.FirmwareReader;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.zip.ZipArchive;
import dev.untrack.rom.zip.ZipEntry;
import dev.untrack.rom.zip.ZipWriter;
import dev.untrack.signing.keys.KeyGenOptions;
import dev.untrack.signing.keys.KeyGenerator;
import dev.untrack.signing.keys.SigningKey;
import dev.untrack.signing.ota.OtaSignature;
import dev.untrack.signing.ota.OtaZipVerifier;
import dev.untrack.testkit.PayloadFixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SdatOtaRepackTest {
  static SigningKey otaKey;

  @TempDir
  Path dir;

  static final byte[] SYSTEM = PayloadFixtures.image(300, 4096, 21);
  static final byte[] VENDOR = PayloadFixtures.image(100, 4096, 22);
  static final String SCRIPT = "block_image_update(map_partition(\"system\"), package_extract_file(\"system.transfer.list\"), "
      + "\"system.new.dat.br\", \"system.patch.dat\");\n";

  @BeforeAll
  static void key() throws IOException {
    otaKey = KeyGenerator.generate(KeyGenOptions.defaults(Instant.parse("2025-01-01T00:00:00Z")).withBits(2048)
        .withDeterministicSerial(true));
  }

  Path ota(String name) throws IOException {
    PayloadFixtures.Sdat sys = PayloadFixtures.sdat(SYSTEM, true);
    PayloadFixtures.Sdat ven = PayloadFixtures.sdat(VENDOR, false);
    String ops = "remove_all_groups\nadd_group main 2097152\nadd system main\nadd vendor main\n"
        + "resize system " + SYSTEM.length + "\nresize vendor " + VENDOR.length + "\n";
    Path out = dir.resolve(name);
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

  RepackResult repack(Path in, Map<String, Path> changed, Path out, SigningKey key) throws IOException {
    Path work = Files.createDirectories(dir.resolve("work"));
    try (Firmware fw = FirmwareReader.open(in, FirmwareReader.Options.in(work))) {
      assertEquals(FirmwareKind.OTA_SDAT, fw.kind());
      return Repackers.forKind(fw.kind()).repack(
          new RepackRequest(fw, changed, out, RepackOptions.defaults(work).withOtaKey(key)));
    }
  }

  static byte[] bytes(ByteSource s) throws IOException {
    return s.readFully(0, (int) s.size());
  }

  @Test
  void changedPartitionIsWrittenAsAFullImage() throws IOException {
    Path in = ota("in.zip");
    byte[] before = Files.readAllBytes(in);
    byte[] newSystem = PayloadFixtures.image(320, 4096, 77);
    Path img = Files.write(dir.resolve("system.new"), newSystem);
    Path out = dir.resolve("out.zip");
    RepackResult r = repack(in, Map.of("system", img), out, otaKey);
    assertTrue(r.notes().stream().anyMatch(n -> n.contains("system grew 81920 bytes")), r.notes().toString());
    Path work = Files.createDirectories(dir.resolve("verify"));
    try (Firmware fw = FirmwareReader.open(out, FirmwareReader.Options.in(work))) {
      assertArrayEquals(newSystem, bytes(fw.partition("system").orElseThrow().content()));
      assertArrayEquals(VENDOR, bytes(fw.partition("vendor").orElseThrow().content()));
      ZipArchive zip = fw.zip().orElseThrow();
      String ops = new String(zip.readAll(zip.entry("dynamic_partitions_op_list").orElseThrow(), 1 << 16),
          StandardCharsets.UTF_8);
      assertTrue(ops.contains("resize system " + newSystem.length + "\n"), ops);
      assertTrue(ops.contains("resize vendor " + VENDOR.length + "\n"), ops);
      assertEquals(SCRIPT, new String(zip.readAll(
          zip.entry("META-INF/com/google/android/updater-script").orElseThrow(), 1 << 16), StandardCharsets.UTF_8));
      assertEquals(0, zip.entry("system.patch.dat").orElseThrow().size());
    }
    OtaSignature sig = OtaZipVerifier.verify(out, List.of(otaKey.certificate()));
    assertTrue(sig.verifies(), sig.detail());
    assertArrayEquals(before, Files.readAllBytes(in));
    Path again = dir.resolve("again.zip");
    repack(in, Map.of("system", img), again, otaKey);
    assertArrayEquals(Files.readAllBytes(out), Files.readAllBytes(again), "deterministic");
  }

  @Test
  void groupOverflowSaysHowMuchIsMissing() throws IOException {
    Path in = ota("in.zip");
    Path img = Files.write(dir.resolve("system.new"), new byte[2 << 20]);
    Path out = dir.resolve("out.zip");
    UserException e = assertThrows(UserException.class, () -> repack(in, Map.of("system", img), out, null));
    assertTrue(e.getMessage().contains((VENDOR.length) + " bytes missing"), e.getMessage());
    assertFalse(Files.exists(out));
  }

  @Test
  void emptyChangeCopies() throws IOException {
    Path in = ota("in.zip");
    Path out = dir.resolve("out.zip");
    RepackResult r = repack(in, Map.of(), out, otaKey);
    assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(out));
    assertEquals(List.of(RepackSupport.NOTHING_CHANGED), r.notes());
  }
}
