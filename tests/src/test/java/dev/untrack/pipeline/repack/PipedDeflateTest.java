package dev.untrack.pipeline.repack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Deflating on a second thread gives the bytes one GZIPOutputStream gives, and reports the target's failure. */
class PipedDeflateTest {
  @Test
  void sameBytesAsOneGzipStream() throws IOException {
    Random rnd = new Random(3);
    byte[] data = new byte[(5 << 20) + 777];
    for (int i = 0; i < data.length; i += 4096) {
      if ((i / 4096) % 3 == 0) {
        byte[] r = new byte[Math.min(4096, data.length - i)];
        rnd.nextBytes(r);
        System.arraycopy(r, 0, data, i, r.length);
      }
    }
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    try (PipedDeflate p = new PipedDeflate(got)) {
      int at = 0;
      while (at < data.length) { // uneven writes
        int k = Math.min(data.length - at, 1 + rnd.nextInt(300_000));
        p.write(data, at, k);
        at += k;
      }
      p.write(7);
      p.finish();
    }
    ByteArrayOutputStream wantPlus = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(wantPlus, 1 << 16)) {
      g.write(data);
      g.write(7);
    }
    assertArrayEquals(wantPlus.toByteArray(), got.toByteArray());
  }

  @Test
  void failingTargetIsReported() {
    OutputStream full = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("No space left on device");
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        throw new IOException("No space left on device");
      }
    };
    byte[] chunk = new byte[1 << 20];
    new Random(1).nextBytes(chunk);
    assertThrows(IOException.class, () -> {
      try (PipedDeflate p = new PipedDeflate(full)) {
        for (int i = 0; i < 64; i++) {
          p.write(chunk);
        }
        p.finish();
      }
    });
  }
}
