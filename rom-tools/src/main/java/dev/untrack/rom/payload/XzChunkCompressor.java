package dev.untrack.rom.payload;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.tukaani.xz.ArrayCache;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.UnsupportedOptionsException;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZOutputStream;

/**
 * Compresses one chunk as a stand-alone xz stream the way AOSP's payload generator does
 * ({@code payload_generator/xz_android.cc}): no integrity check (update_engine's xz-embedded decoder supports
 * only CRC32 or none, and every blob is covered by its SHA-256 anyway), no BCJ filter, the dictionary shrunk
 * to the input size. Single-threaded per chunk, so the output depends only on the input and the preset.
 */
final class XzChunkCompressor {
  private static final ArrayCache CACHE = BasicArrayCache.getInstance();

  private final int preset;

  XzChunkCompressor(int preset) {
    if (preset < 0 || preset > 9) {
      throw new IllegalArgumentException("xz preset must be 0..9, got " + preset);
    }
    this.preset = preset;
  }

  byte[] compress(byte[] data, int off, int len) {
    try {
      LZMA2Options options = new LZMA2Options(preset);
      options.setDictSize(Math.max(LZMA2Options.DICT_SIZE_MIN, Math.min(options.getDictSize(), len)));
      ByteArrayOutputStream bo = new ByteArrayOutputStream(Math.max(256, len / 4));
      try (XZOutputStream xz = new XZOutputStream(bo, options, XZ.CHECK_NONE, CACHE)) {
        xz.write(data, off, len);
      }
      return bo.toByteArray();
    } catch (UnsupportedOptionsException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
