package dev.untrack.rom.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;

/** Only {@code RomFormatException} may escape the LP reader (and re-layout); seeds: {@link FuzzSeeds}. */
class LpFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void lp(byte[] data) throws IOException {
    FuzzTargets.lp(data);
  }
}
