package dev.untrack.rom.ext4;

/** Where logical block {@code lblk} lives: {@code physical < 0} means a hole (zeros); {@code count} blocks on. */
record BlockRun(long physical, long count) {
  static BlockRun hole(long count) {
    return new BlockRun(-1, count);
  }
}
