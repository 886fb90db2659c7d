package dev.untrack.rom.sparse;

import java.io.IOException;

/** Where {@link SparseWriter} puts the chunks it decides on: a sparse file, or a {@link SparsePlan} in memory. */
interface ChunkSink {
  void dontCare(long n) throws IOException;

  void fill(long n, int value) throws IOException;

  /** A RAW chunk of {@code n} blocks whose bytes are {@code data[from, from + len)} then zeros up to n blocks. */
  void raw(long n, byte[] data, int from, int len) throws IOException;

  void crc(int value) throws IOException;

  long blocks();

  int chunks();

  /** Ends the file; returns its length in bytes. */
  long finish() throws IOException;
}
