package dev.untrack.bench;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The anchor the benches compare against: a synced plain copy of an image. */
final class PlainCopy {
  private PlainCopy() {}

  /** Best wall seconds of three copies of {@code from} to {@code to}; the last copy is left in place. */
  static double bestOfThree(Path from, Path to) throws IOException {
    double best = Double.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      Files.deleteIfExists(to);
      long t = System.nanoTime();
      try (FileChannel in = FileChannel.open(from); FileChannel out = FileChannel.open(to,
          StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        long pos = 0;
        while (pos < in.size()) {
          pos += in.transferTo(pos, in.size() - pos, out);
        }
        out.force(true);
      }
      best = Math.min(best, (System.nanoTime() - t) / 1e9);
    }
    return best;
  }
}
