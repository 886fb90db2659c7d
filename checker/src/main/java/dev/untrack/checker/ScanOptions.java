package dev.untrack.checker;

import dev.untrack.checker.pack.PackLoader;
import dev.untrack.checker.pack.SignaturePack;
import java.util.List;

/**
 * How to scan.
 *
 * @param packs signature packs (the built-in Xiaomi pack, optional Exodus-format lists)
 * @param threads apps scanned in parallel
 * @param digests compute SHA-256 of every file and keep zip entry fingerprints (needed for a baseline
 *     comparison; costs one read of every byte)
 * @param signatures inspect and verify each APK's signature (costs a full verification by apksig per APK)
 * @param maxDexBytes largest single dex file analysed; larger ones are reported as errors
 * @param wrapperDepth how many levels of thin wrappers (methods that forward their parameters into a telemetry
 *     call) are followed up the call graph
 */
public record ScanOptions(List<SignaturePack> packs, int threads, boolean digests, boolean signatures, long maxDexBytes,
    int wrapperDepth) {
  public static final long DEFAULT_MAX_DEX_BYTES = 512L << 20;
  public static final int DEFAULT_WRAPPER_DEPTH = 3;

  public ScanOptions {
    packs = List.copyOf(packs);
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1");
    }
    if (maxDexBytes < 1 || maxDexBytes > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("maxDexBytes out of range");
    }
    if (wrapperDepth < 0 || wrapperDepth > 8) {
      throw new IllegalArgumentException("wrapperDepth must be 0..8");
    }
  }

  /** The built-in Xiaomi pack, one thread per processor, no digests, signatures checked. */
  public static ScanOptions defaults() {
    return new ScanOptions(List.of(PackLoader.xiaomi()), Runtime.getRuntime().availableProcessors(), false, true,
        DEFAULT_MAX_DEX_BYTES, DEFAULT_WRAPPER_DEPTH);
  }

  public ScanOptions withPacks(List<SignaturePack> p) {
    return new ScanOptions(p, threads, digests, signatures, maxDexBytes, wrapperDepth);
  }

  public ScanOptions withThreads(int t) {
    return new ScanOptions(packs, t, digests, signatures, maxDexBytes, wrapperDepth);
  }

  public ScanOptions withDigests(boolean d) {
    return new ScanOptions(packs, threads, d, signatures, maxDexBytes, wrapperDepth);
  }

  public ScanOptions withSignatures(boolean s) {
    return new ScanOptions(packs, threads, digests, s, maxDexBytes, wrapperDepth);
  }
}
