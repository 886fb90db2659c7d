package dev.untrack.rom.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The committed seed corpora are exactly what {@link FuzzSeeds} generates, and the fuzz targets survive a few
 * thousand cheap mutations of them (bit flips, truncations, overwritten words) in every normal test run.
 */
class FuzzSeedsTest {
  @Test
  void committedSeedsAreGenerated() throws IOException {
    for (Map.Entry<String, Map<String, byte[]>> dir : FuzzSeeds.all().entrySet()) {
      for (Map.Entry<String, byte[]> seed : dir.getValue().entrySet()) {
        String res = dir.getKey() + "/" + seed.getKey();
        try (InputStream in = FuzzSeedsTest.class.getResourceAsStream(res)) {
          assertNotNull(in, res + " is missing: run FuzzSeeds.main");
          assertArrayEquals(seed.getValue(), in.readAllBytes(), res + " is stale: run FuzzSeeds.main");
        }
      }
    }
  }

  interface Target {
    void run(byte[] data) throws IOException;
  }

  static void mutate(Map<String, byte[]> seeds, Target target, int rounds, long seed) throws IOException {
    Random r = new Random(seed);
    for (byte[] s : seeds.values()) {
      target.run(s);
      for (int i = 0; i < rounds; i++) {
        byte[] m = s.clone();
        switch (r.nextInt(4)) {
          case 0 -> m[r.nextInt(m.length)] ^= (byte) (1 << r.nextInt(8));
          case 1 -> m = java.util.Arrays.copyOf(m, r.nextInt(m.length));
          case 2 -> {
            int at = r.nextInt(Math.max(1, m.length - 4));
            int v = r.nextBoolean() ? r.nextInt() : (r.nextBoolean() ? -1 : 0x7fffffff);
            for (int k = 0; k < 4 && at + k < m.length; k++) {
              m[at + k] = (byte) (v >>> (8 * k));
            }
          }
          default -> {
            for (int k = 0; k < 8; k++) {
              m[r.nextInt(m.length)] = (byte) r.nextInt();
            }
          }
        }
        try {
          target.run(m);
        } catch (AssertionError | RuntimeException e) {
          throw new AssertionError("mutation " + i + " of a seed broke the target", e);
        }
      }
    }
  }

  @Test
  void sparseMutations() throws IOException {
    mutate(FuzzSeeds.sparse(), FuzzTargets::sparse, 1500, 1);
  }

  @Test
  void lpMutations() throws IOException {
    mutate(FuzzSeeds.lp(), FuzzTargets::lp, 1500, 2);
  }

  @Test
  void tarMutations() throws IOException {
    mutate(FuzzSeeds.tar(), FuzzTargets::tar, 1500, 3);
  }
}
