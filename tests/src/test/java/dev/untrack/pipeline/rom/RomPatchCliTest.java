package dev.untrack.pipeline.rom;

import static dev.untrack.testkit.CliRun.untrack;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.untrack.cli.Main;
import dev.untrack.testkit.CliRun;
import dev.untrack.testkit.OracleImages;
import dev.untrack.testkit.TelemetryFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code untrack patch system.img -o out.img} through {@link Main#run} on synthetic EROFS and ext4 images. */
class RomPatchCliTest {
  @TempDir Path dir;

  static String sha(Path p) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }

  @Test
  void erofsImageIsPatchedSurgicallyAndCertified() throws Exception {
    Path in = RomImages.erofs(dir);
    patchesAndChecks(in, true);
  }

  @Test
  void ext4ImageIsPatchedSurgicallyAndCertified() throws Exception {
    Path in = RomImages.ext4(dir);
    patchesAndChecks(in, false);
  }

  private void patchesAndChecks(Path in, boolean erofs) throws Exception {
    String before = sha(in);
    Path out = dir.resolve("out.img");
    CliRun r = untrack("patch", in.toString(), "-o", out.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("patched system:" + RomImages.TELEMETRY_APK + " (com.xiaomi.joyose)"), r.out());
    assertTrue(r.out().contains("signing keep-cert"), r.out());
    assertTrue(r.out().contains("checker: live call sites: 0 (input: 2)"), r.out());
    assertFalse(r.out().contains("unexpected"), r.out());
    assertTrue(r.out().contains("deleted " + RomImages.TELEMETRY_OAT), r.out());
    assertEquals(before, sha(in), "input unchanged");
    if (erofs) {
      OracleImages.fsckErofs(out);
    } else {
      OracleImages.e2fsck(out);
    }
    RomImages.Read keepIn = RomImages.read(in, RomImages.KEEP_APK).orElseThrow();
    RomImages.Read keepOut = RomImages.read(out, RomImages.KEEP_APK).orElseThrow();
    assertArrayEquals(keepIn.content(), keepOut.content());
    assertTrue(keepIn.entry().sameAttributes(keepOut.entry()));
    assertEquals(keepIn.entry().mtime(), keepOut.entry().mtime());
    RomImages.Read appIn = RomImages.read(in, RomImages.TELEMETRY_APK).orElseThrow();
    RomImages.Read appOut = RomImages.read(out, RomImages.TELEMETRY_APK).orElseThrow();
    assertFalse(java.util.Arrays.equals(appIn.content(), appOut.content()));
    assertTrue(appIn.entry().sameAttributes(appOut.entry()));
    assertTrue(appOut.entry().mtime() > appIn.entry().mtime());
    assertTrue(RomImages.read(out, RomImages.TELEMETRY_OAT).isEmpty());
    String hosts = new String(RomImages.read(out, RomImages.HOSTS).orElseThrow().content(), StandardCharsets.UTF_8);
    assertTrue(hosts.contains("0.0.0.0 tracking.intl.miui.com"), hosts);
    assertTrue(hosts.startsWith("127.0.0.1       localhost\n"), hosts);

    Path again = dir.resolve("again.img");
    assertEquals(0, untrack("patch", in.toString(), "-o", again.toString()).code());
    assertEquals(sha(out), sha(again), "deterministic");
    assertNoLeftovers();
  }

  @Test
  void noHostsAndAGivenMtime() throws Exception {
    Path in = RomImages.erofs(dir);
    Path out = dir.resolve("out.img");
    CliRun r = untrack("patch", in.toString(), "-o", out.toString(), "--no-hosts", "--mtime", "1700000000");
    assertEquals(0, r.code(), r.out() + r.err());
    assertFalse(r.out().contains("hosts:"), r.out());
    assertArrayEquals(RomImages.read(in, RomImages.HOSTS).orElseThrow().content(),
        RomImages.read(out, RomImages.HOSTS).orElseThrow().content());
    assertEquals(1700000000L, RomImages.read(out, RomImages.TELEMETRY_APK).orElseThrow().entry().mtime());
    assertEquals(1700000000L, RomImages.read(out, "/system/app/Joyose").orElseThrow().entry().mtime());
  }

  @Test
  void sparseImageComesOutSparse() throws Exception {
    Path raw = RomImages.ext4(dir);
    Path in = OracleImages.img2simg(raw, dir.resolve("system.simg"));
    Path out = dir.resolve("out.simg");
    CliRun r = untrack("patch", in.toString(), "-o", out.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("(SPARSE_IMAGE)"), r.out());
    assertTrue(r.out().contains("checker: live call sites: 0 (input: 2)"), r.out());
    assertFalse(r.out().contains("unexpected"), r.out());
    try (var src = dev.untrack.rom.io.FileByteSource.open(out)) {
      assertTrue(dev.untrack.rom.sparse.SparseImage.isSparse(src));
    }
    Path expanded = OracleImages.simg2img(dir.resolve("out.raw"), out);
    OracleImages.e2fsck(expanded);
    assertTrue(RomImages.read(expanded, RomImages.TELEMETRY_OAT).isEmpty());
  }

  @Test
  void emptyPatchSetGivesAnIdenticalImage() throws Exception {
    Path in = RomImages.erofs(dir);
    Path empty = Files.createDirectories(dir.resolve("no-patches"));
    Path out = dir.resolve("same.img");
    CliRun r = untrack("patch", in.toString(), "-o", out.toString(), "--patches", empty.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("byte-identical copy"), r.out());
    assertEquals(sha(in), sha(out));
    assertNoLeftovers();
  }

  @Test
  void tooSmallPartitionFailsWithTheMissingBytesAndWritesNothing() throws Exception {
    Path in = RomImages.erofs(dir);
    Path out = dir.resolve("big.img");
    CliRun r = untrack("patch", in.toString(), "-o", out.toString(), "--partition-size", "system=" + Files.size(in));
    assertEquals(4, r.code(), r.out() + r.err());
    assertTrue(r.err().matches("(?s).*system: the patched image does not fit the partition of \\d+ bytes "
        + "\\(--partition-size\\): \\d+ bytes missing.*"), r.err());
    assertFalse(Files.exists(out));
    assertNoLeftovers();
  }

  @Test
  void jsonListsEveryChange() throws Exception {
    Path in = RomImages.ext4(dir);
    Path out = dir.resolve("out.img");
    CliRun r = untrack("patch", in.toString(), "-o", out.toString(), "--json");
    assertEquals(0, r.code(), r.err());
    JsonObject j = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals("PARTITION_IMAGE", j.get("kind").getAsString());
    assertEquals(1, j.getAsJsonArray("apps").size());
    assertEquals(1, j.getAsJsonArray("partitions").size());
    assertEquals(0, j.getAsJsonObject("checker").get("live").getAsLong());
  }

  @Test
  void changedFrameworkJarTakesItsStaleBootImageAndOdexWithIt() throws Exception {
    Map<String, byte[]> files = RomImages.files();
    files.put("system/framework/" + TelemetryFixtures.miuiFramework().fileName(),
        TelemetryFixtures.miuiFramework().bytes());
    String stem = TelemetryFixtures.miuiFramework().fileName().replace(".jar", "");
    for (String f : List.of("arm64/boot.art", "arm64/boot.oat", "arm64/boot.vdex", "arm64/boot-" + stem + ".art",
        "arm64/boot-" + stem + ".oat", "arm64/boot-" + stem + ".vdex", "oat/arm64/" + stem + ".odex",
        "oat/arm64/" + stem + ".vdex", "oat/arm64/services.odex", "arm64/other.txt")) {
      files.put("system/framework/" + f, new byte[100]);
    }
    Path in = RomImages.erofs(dir, files);
    Path out = dir.resolve("out.img");
    CliRun r = untrack("patch", in.toString(), "-o", out.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("patched system:/system/framework/" + stem + ".jar (jar)"), r.out());
    OracleImages.fsckErofs(out);
    for (String gone : List.of("arm64/boot.art", "arm64/boot.oat", "arm64/boot-" + stem + ".vdex",
        "oat/arm64/" + stem + ".odex", "oat/arm64/" + stem + ".vdex")) {
      assertTrue(RomImages.read(out, "/system/framework/" + gone).isEmpty(), gone + "\n" + r.out());
    }
    for (String kept : List.of("oat/arm64/services.odex", "arm64/other.txt")) {
      assertTrue(RomImages.read(out, "/system/framework/" + kept).isPresent(), kept);
    }
    assertTrue(r.out().contains("checker: live call sites: 0"), r.out());
  }

  @Test
  void aBrokenAppIsReportedAndTheOthersArePatched() throws Exception {
    Map<String, byte[]> files = RomImages.files();
    files.put("system/app/Broken/Broken.apk", "not a zip at all".getBytes(StandardCharsets.US_ASCII));
    Path in = RomImages.erofs(dir, files);
    Path out = dir.resolve("out.img");
    CliRun r = untrack("patch", in.toString(), "-o", out.toString());
    assertEquals(4, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("FAILED  system:/system/app/Broken/Broken.apk"), r.out());
    assertTrue(r.out().contains("patched system:" + RomImages.TELEMETRY_APK), r.out());
    OracleImages.fsckErofs(out);
  }

  private void assertNoLeftovers() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".")), "temporary files left");
    }
  }
}
