package dev.untrack.rom.zip;

/**
 * Bounds applied while reading an archive, so a hostile file cannot make us allocate or inflate without end.
 *
 * @param maxEntries more central directory records than this is refused
 * @param maxEntrySize an entry that claims or inflates to more than this many bytes is refused
 * @param maxRatio an entry inflating to more than this many times its compressed size (and more than 1 MiB) is
 *     treated as a bomb
 */
public record ZipLimits(int maxEntries, long maxEntrySize, long maxRatio) {
  /** Generous enough for any real APK or firmware zip (payload.bin can be many GiB). */
  public static final ZipLimits DEFAULT = new ZipLimits(500_000, 64L << 30, 1_000);
}
