package dev.untrack.rom.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;

/** Only {@code RomFormatException} may escape the tar/tgz/zip package reader; seeds: {@link FuzzSeeds}. */
class TarFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void tar(byte[] data) throws IOException {
    FuzzTargets.tar(data);
  }
}
