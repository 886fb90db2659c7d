package dev.untrack.patcher;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.untrack.patcher.app.Dex;
import dev.untrack.patcher.patch.PatchLoader;
import dev.untrack.patcher.patch.PatchSource;
import dev.untrack.rom.RomFormatException;
import dev.untrack.testkit.FixtureApps;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import java.util.zip.Adler32;
import org.jf.dexlib2.dexbacked.DexBackedClassDef;
import org.jf.dexlib2.dexbacked.DexBackedMethod;
import org.jf.dexlib2.iface.MethodImplementation;
import org.jf.dexlib2.iface.instruction.Instruction;
import org.jf.dexlib2.iface.instruction.ReferenceInstruction;
import org.junit.jupiter.api.Test;

/**
 * Fuzz targets for the two parsers of untrusted input in the patcher: patch files and dex files. Only the
 * module's own exception types may escape. In normal runs the {@code @FuzzTest}s run their (empty) seed, and the
 * {@code @Test}s replay deterministic mutations of real fixtures through the same harnesses.
 */
class PatcherFuzzTest {
  /** Loads patch text; only {@link PatchException} may escape. */
  static void patchText(String text) {
    try {
      PatchLoader.load(new PatchLoader.Request(List.of(), List.of(new PatchSource("fuzz.smalipatch", text)), false,
          false));
    } catch (PatchException expected) {
      // the only acceptable failure
    }
  }

  /**
   * Opens a dex (after fixing its size and checksum fields, so mutations reach the structures behind them) and
   * walks it as the matcher does; only {@link RomFormatException} may escape.
   */
  static void dexBytes(byte[] data) {
    if (data.length >= 0x70) {
      ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
      b.putInt(0x20, data.length);
      Adler32 a = new Adler32();
      a.update(data, 12, data.length - 12);
      b.putInt(8, (int) a.getValue());
    }
    try {
      Dex dex = Dex.of("fuzz.dex", data);
      dex.definedClasses();
      dex.hasString("Lcom/example/track/Tracker;");
      dex.hasStringWithPrefix("Lcom/");
      dex.guard(() -> {
        int n = 0;
        for (DexBackedClassDef c : dex.file().getClasses()) {
          c.getSuperclass();
          c.getInterfaces().size();
          for (DexBackedMethod m : c.getMethods()) {
            m.getName();
            m.getParameterTypes().size();
            MethodImplementation impl = m.getImplementation();
            if (impl == null) {
              continue;
            }
            for (Instruction i : impl.getInstructions()) {
              if (i instanceof ReferenceInstruction r) {
                r.getReference().toString();
              }
              if (++n > 200_000) {
                return null;
              }
            }
          }
        }
        return null;
      });
    } catch (RomFormatException expected) {
      // the only acceptable failure
    }
  }

  @FuzzTest(maxDuration = "60s")
  void fuzzPatchText(FuzzedDataProvider data) {
    patchText(data.consumeRemainingAsString());
  }

  @FuzzTest(maxDuration = "60s")
  void fuzzDex(byte[] data) {
    dexBytes(data);
  }

  @Test
  void mutatedPatchFilesOnlyFailWithPatchErrors() {
    String base = CliPatchTest.TRACK + ActionsTest.CONSENT + ActionsTest.GATE;
    Random r = new Random(42);
    String[] inserts = {"\"", "\\", "end", "\n", " ", "L", ";", "->", "(", ")", "#", "@", "replace\n", ".locals 99999",
        "count at-most -1", "\u0000", "\uD800"};
    for (int k = 0; k < 400; k++) {
      StringBuilder sb = new StringBuilder(base);
      for (int j = 0; j < 1 + r.nextInt(4); j++) {
        int at = r.nextInt(sb.length());
        if (r.nextBoolean()) {
          sb.insert(at, inserts[r.nextInt(inserts.length)]);
        } else {
          sb.delete(at, Math.min(sb.length(), at + 1 + r.nextInt(8)));
        }
      }
      patchText(sb.toString());
    }
  }

  @Test
  void mutatedDexFilesOnlyFailWithFormatErrors() {
    byte[] base = FixtureApps.dexFiles().get(0);
    Random r = new Random(7);
    for (int k = 0; k < 300; k++) {
      byte[] d = base.clone();
      for (int j = 0; j < 1 + r.nextInt(6); j++) {
        d[0x70 + r.nextInt(d.length - 0x70)] = (byte) r.nextInt();
      }
      dexBytes(d);
    }
    dexBytes(new byte[0]);
    dexBytes(java.util.Arrays.copyOf(base, 0x70));
  }
}
