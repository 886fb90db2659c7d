package dev.untrack.rom.fuzz;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ByteSource;
import java.io.IOException;

/** What every fuzz target asserts: the parser either works or says the input is bad. */
final class FuzzChecks {
  private FuzzChecks() {}

  @FunctionalInterface
  interface Body {
    void run() throws IOException;
  }

  static void onlyFormatErrors(Body body) throws IOException {
    try {
      body.run();
    } catch (RomFormatException expected) {
      // a bad input, reported properly
      if (expected.getMessage() == null || expected.getMessage().isEmpty()) {
        throw new AssertionError("format error without a message", expected);
      }
    }
  }

  /** Reads a few bounded windows (start, middle, end) so views are exercised without expanding everything. */
  static void readSome(ByteSource s) throws IOException {
    long size = s.size();
    if (size < 0) {
      throw new AssertionError("negative size");
    }
    for (long at : new long[] {0, size / 2, Math.max(0, size - 4096)}) {
      int n = (int) Math.min(4096, size - at);
      if (n > 0) {
        s.readFully(at, n);
      }
    }
  }
}
