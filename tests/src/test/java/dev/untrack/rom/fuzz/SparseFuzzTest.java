package dev.untrack.rom.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;

/** Only {@code RomFormatException} may escape the sparse reader; reads stay bounded. Seeds: {@link FuzzSeeds}. */
class SparseFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void sparse(byte[] data) throws IOException {
    FuzzTargets.sparse(data);
  }
}
