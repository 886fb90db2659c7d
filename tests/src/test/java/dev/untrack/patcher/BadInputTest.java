package dev.untrack.patcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.zip.ZipEntry;
import dev.untrack.rom.zip.ZipWriter;
import dev.untrack.testkit.ApkBuilder;
import dev.untrack.testkit.CliRun;
import dev.untrack.testkit.FixtureApps;
import dev.untrack.testkit.ManifestBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.Adler32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile and broken input through {@code untrack patch}: one line, the documented exit code, no output. */
class BadInputTest {
  @TempDir static Path dir;
  static Path good;
  static Path patches;

  @BeforeAll
  static void build() throws Exception {
    good = Files.write(dir.resolve("good.apk"), FixtureApps.apk("com.example.app", null, null));
    patches = Files.createDirectories(dir.resolve("patches"));
    Files.writeString(patches.resolve("track.smalipatch"), CliPatchTest.TRACK);
  }

  /** Runs patch IN -o OUT and checks the failure contract; returns stderr. */
  static String fails(Path in, Path patchDir, int code) throws Exception {
    Path outDir = Files.createTempDirectory(dir, "out");
    Path out = outDir.resolve("out.apk");
    CliRun r = CliRun.untrack("patch", in.toString(), "-o", out.toString(), "--patches", patchDir.toString());
    assertEquals(code, r.code(), r.out() + r.err());
    assertFalse(Files.exists(out), "no output on failure");
    try (Stream<Path> s = Files.list(outDir)) {
      assertEquals(List.of(), s.toList(), "nothing left behind");
    }
    String err = r.err().strip();
    assertTrue(err.startsWith("untrack: "), err);
    assertEquals(1, err.lines().count(), "one line: " + err);
    return err;
  }

  @Test
  void truncatedApk() throws Exception {
    byte[] b = Files.readAllBytes(good);
    Path in = Files.write(dir.resolve("truncated.apk"), Arrays.copyOf(b, b.length / 2));
    String err = fails(in, patches, 3);
    assertTrue(err.contains("truncated.apk") && err.contains("zip"), err);
  }

  @Test
  void corruptedEntryData() throws Exception {
    byte[] b = Files.readAllBytes(good);
    // Flip bytes in the middle of the first entry's compressed data (the manifest, then the dex files).
    for (int i = 200; i < 260; i++) {
      b[i] ^= 0x5a;
    }
    Path in = Files.write(dir.resolve("corrupt.apk"), b);
    String err = fails(in, patches, 3);
    assertTrue(err.contains("corrupt.apk"), err);
  }

  @Test
  void pathTraversalName() throws Exception {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (ZipWriter w = new ZipWriter(bo)) {
      w.add(ZipWriter.EntrySpec.of("AndroidManifest.xml", ZipEntry.DEFLATED, 1), ManifestBuilder.of("x.y").build());
      w.add(ZipWriter.EntrySpec.of("../../etc/evil", ZipEntry.STORED, 1), "x".getBytes(StandardCharsets.UTF_8));
      w.finish(null, null);
    }
    Path in = Files.write(dir.resolve("traversal.apk"), bo.toByteArray());
    String err = fails(in, patches, 3);
    assertTrue(err.contains("path traversal"), err);
  }

  static Path withDex(String name, byte[] dex) throws Exception {
    return Files.write(dir.resolve(name), ApkBuilder.create().manifest(ManifestBuilder.of("x.y").build())
        .dex(List.of(dex)).build());
  }

  @Test
  void dexWithBogusHeader() throws Exception {
    byte[] dex = FixtureApps.dexFiles().get(0).clone();
    dex[0] = 'X';
    String err = fails(withDex("badmagic.apk", dex), patches, 3);
    assertTrue(err.contains("classes.dex") && err.contains("bad magic"), err);
  }

  @Test
  void dexWithBadChecksum() throws Exception {
    byte[] dex = FixtureApps.dexFiles().get(0).clone();
    dex[dex.length - 10] ^= 1;
    String err = fails(withDex("badsum.apk", dex), patches, 3);
    assertTrue(err.contains("badsum.apk > classes.dex") && err.contains("checksum mismatch"), err);
  }

  @Test
  void dexContainerVersionIsRefusedByName() throws Exception {
    byte[] dex = FixtureApps.dexFiles().get(0).clone();
    dex[4] = '0';
    dex[5] = '4';
    dex[6] = '1';
    Adler32 a = new Adler32();
    a.update(dex, 12, dex.length - 12);
    ByteBuffer.wrap(dex).order(ByteOrder.LITTLE_ENDIAN).putInt(8, (int) a.getValue());
    String err = fails(withDex("dex41.apk", dex), patches, 3);
    assertTrue(err.contains("dex41.apk > classes.dex") && err.contains("DEX 041"), err);
  }

  @Test
  void patchSyntaxErrorHasFileLineColumn() throws Exception {
    Path d = Files.createDirectories(dir.resolve("broken"));
    Path f = Files.writeString(d.resolve("broken.smalipatch"), CliPatchTest.TRACK.replace("name   track",
        "name   track\n    clas   Lx;"));
    String err = fails(good, d, 4);
    assertTrue(err.contains(f + ":9:5: unknown directive 'clas'"), err);
  }

  @Test
  void smaliErrorIsMappedIntoThePatchFile() throws Exception {
    Path d = Files.createDirectories(dir.resolve("badsmali"));
    Path f = Files.writeString(d.resolve("bad.smalipatch"), CliPatchTest.TRACK.replace("action track return-default",
        "action track replace\n    .locals 1\n    const/4 v0, 0x0\n    retrun v0\n  end"));
    String err = fails(good, d, 4);
    assertTrue(err.contains(f + ":13:5: smali syntax error"), err);
  }

  @Test
  void ambiguousFingerprintNamesEveryCandidate() throws Exception {
    Path d = Files.createDirectories(dir.resolve("ambiguous"));
    Files.writeString(d.resolve("amb.smalipatch"), CliPatchTest.TRACK
        .replace("name   track\n", "returns Ljava/lang/String;\n")
        .replace("access public !static", "access public"));
    String err = fails(good, d, 4);
    assertTrue(err.contains("patch test.track: fingerprint track is ambiguous"), err);
    assertTrue(err.contains("Lcom/example/track/Tracker;->endpoint()Ljava/lang/String; in classes.dex"), err);
    assertTrue(err.contains("Lcom/example/track/Tracker;->host()Ljava/lang/String; in classes.dex"), err);
  }
}
