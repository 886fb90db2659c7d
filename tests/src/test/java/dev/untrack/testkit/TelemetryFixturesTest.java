package dev.untrack.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.rom.apk.AndroidManifest;
import dev.untrack.rom.io.ArrayByteSource;
import dev.untrack.rom.zip.ZipArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jf.dexlib2.DexFileFactory;
import org.jf.dexlib2.Opcodes;
import org.jf.dexlib2.dexbacked.DexBackedDexFile;
import org.jf.dexlib2.iface.ClassDef;

/** Every fixture builds, is a valid APK/JAR, dexdump reads its dex, and it defines what it claims. */
class TelemetryFixturesTest {
  @TempDir Path tmp;

  @Test
  void everyFixtureBuildsAndDefinesItsSdks() throws IOException {
    for (TelemetryFixtures.Fixture f : TelemetryFixtures.all()) {
      try (ZipArchive z = ZipArchive.open(new ArrayByteSource(f.bytes(), f.fileName()))) {
        assertTrue(z.entry("classes.dex").isPresent(), f.name());
        if (!f.isJar()) {
          byte[] m = z.readAll(z.entry("AndroidManifest.xml").orElseThrow(), 1 << 20);
          assertEquals(f.packageName(), AndroidManifest.parse(m, "AndroidManifest.xml").packageName());
          assertTrue(z.apkSigningBlock().isPresent(), f.name() + " is signed like a vendor app");
        }
      }
      List<String> types = f.dex().stream()
          .flatMap(d -> new DexBackedDexFile(Opcodes.getDefault(), d).getClasses().stream())
          .map(ClassDef::getType).toList();
      for (TelemetryFixtures.Sdk sdk : f.sdks()) {
        assertTrue(types.stream().anyMatch(t -> t.startsWith(sdk.packagePrefix)), f.name() + " defines " + sdk);
      }
      assertFalse(types.stream().anyMatch(t -> t.startsWith("Landroid/content/") || t.startsWith("Lorg/json/")),
          f.name() + ": fake Android classes must stay out of fixture dex");
    }
  }

  @Test
  void theRealSensorsSdkDexesAndHasTheEntryPointsThePatchesName() {
    TelemetryFixtures.Fixture f = TelemetryFixtures.realSensorsSdk();
    List<ClassDef> classes = f.dex().stream()
        .flatMap(d -> new DexBackedDexFile(Opcodes.getDefault(), d).getClasses().stream()).map(c -> (ClassDef) c).toList();
    assertTrue(classes.size() > 300, "the whole SDK: " + classes.size());
    ClassDef api = classes.stream().filter(c -> c.getType().equals("Lcom/sensorsdata/analytics/android/sdk/SensorsDataAPI;"))
        .findFirst().orElseThrow();
    long publicVoid = java.util.stream.StreamSupport.stream(api.getMethods().spliterator(), false)
        .filter(m -> m.getReturnType().equals("V") && (m.getAccessFlags() & 0x1) != 0 && (m.getAccessFlags() & 0x8) == 0
            && !m.getName().startsWith("<"))
        .count();
    assertTrue(publicVoid > 80, "track*, login, identify, profile*, flush...: " + publicVoid);
    assertTrue(classes.stream().anyMatch(c -> c.getType().endsWith("/AbstractSensorsDataAPI;")));
    assertTrue(classes.stream().anyMatch(c -> c.getType().endsWith("/AnalyticsMessages;")));
  }

  @Test
  void dexdumpReadsEveryFixture() throws IOException {
    Path dexdump = Oracle.require("dexdump", "dexdump");
    for (TelemetryFixtures.Fixture f : TelemetryFixtures.all()) {
      Path d = Files.write(tmp.resolve(f.name() + ".dex"), f.dex().get(0));
      Oracle.run(tmp, dexdump.toString(), d.toString()).assertOk("dexdump " + f.name());
    }
  }
}
