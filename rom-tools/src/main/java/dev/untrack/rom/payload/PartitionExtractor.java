package dev.untrack.rom.payload;

import dev.untrack.rom.RomFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes one partition in block order while a bounded pool decodes the next operations: at most
 * {@code threads + 2} decoded operations are in memory at once. The output is hashed as it is written and
 * compared with {@code new_partition_info.hash}.
 *
 * <p>Operations are consumed in the order of their destination extents. Generators emit them that way; if a
 * payload interleaves one operation's extents with another's, the partition is instead streamed through the
 * random-access view (correct, just not parallel).
 */
final class PartitionExtractor {
  private static final int ZERO_CHUNK = 1 << 20;

  private final Payload payload;
  private final Payload.PartitionIndex index;
  private final int threads;

  PartitionExtractor(Payload payload, Payload.PartitionIndex index, int threads) {
    this.payload = payload;
    this.index = index;
    this.threads = Math.max(1, threads);
  }

  byte[] run(WritableByteChannel out) throws IOException {
    MessageDigest md = OperationDecoder.sha256();
    List<Integer> order = opOrder();
    if (order == null) {
      streamSequentially(out, md);
    } else {
      extractParallel(order, out, md);
    }
    byte[] actual = md.digest();
    byte[] expected = index.partition.newHash();
    if (!MessageDigest.isEqual(expected, actual)) {
      throw RomFormatException.corrupt(payload.source().name(), "payload", RomFormatException.NO_OFFSET,
          "partition '" + index.partition.name() + "' SHA-256 mismatch (expected " + OperationDecoder.hex(expected)
              + ", found " + OperationDecoder.hex(actual) + ")");
    }
    return actual;
  }

  /** Operations in output order, or null if their extents interleave. */
  private List<Integer> opOrder() {
    List<Integer> order = new ArrayList<>();
    boolean[] seen = new boolean[index.partition.operations().size()];
    int last = -1;
    for (int i = 0; i < index.op.length; i++) {
      int op = index.op[i];
      if (op == last) {
        continue;
      }
      // an operation must own one contiguous run of sorted ranges, with its extents in ascending order
      if (seen[op]) {
        return null;
      }
      seen[op] = true;
      order.add(op);
      last = op;
    }
    for (int i = 0; i < index.op.length; i++) {
      if (i > 0 && index.op[i] == index.op[i - 1] && index.blocksBefore[i] < index.blocksBefore[i - 1]) {
        return null;
      }
    }
    return order;
  }

  private void streamSequentially(WritableByteChannel out, MessageDigest md) throws IOException {
    try (InputStream in = payload.partitionImage(index.partition.name()).openStream()) {
      byte[] buf = new byte[1 << 20];
      int n;
      while ((n = in.read(buf)) > 0) {
        write(out, md, ByteBuffer.wrap(buf, 0, n));
      }
    }
  }

  private void extractParallel(List<Integer> order, WritableByteChannel out, MessageDigest md) throws IOException {
    OperationDecoder decoder = payload.decoder();
    List<InstallOperation> ops = index.partition.operations();
    String name = index.partition.name();
    long size = index.partition.newSize();
    int bs = index.blockSize;
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "payload-extract");
      t.setDaemon(true);
      return t;
    });
    try {
      ArrayDeque<Future<byte[]>> window = new ArrayDeque<>();
      int submitted = 0;
      long written = 0;
      int range = 0;
      for (int k = 0; k < order.size(); k++) {
        while (submitted < order.size() && window.size() < threads + 2) {
          int opIndex = order.get(submitted++);
          InstallOperation op = ops.get(opIndex);
          boolean inMemory = decoder.outputSize(op) <= OperationDecoder.IN_MEMORY_LIMIT
              && op.type() != OperationType.ZERO && op.type() != OperationType.DISCARD;
          window.add(inMemory ? pool.submit(() -> decoder.decode(op, name, opIndex))
              : java.util.concurrent.CompletableFuture.completedFuture(null));
        }
        int opIndex = order.get(k);
        InstallOperation op = ops.get(opIndex);
        byte[] data = Futures.await(window.poll(), "extracting");
        InputStream stream = null;
        if (data == null && op.type() != OperationType.ZERO && op.type() != OperationType.DISCARD) {
          stream = decoder.open(op, name, opIndex);
        }
        try {
          for (; range < index.op.length && index.op[range] == opIndex; range++) {
            long start = Math.min(index.startBlock[range] * bs, size);
            long end = Math.min(index.endBlock[range] * bs, size);
            written = zeros(out, md, written, start);
            long len = end - start;
            long from = index.blocksBefore[range] * bs;
            if (data != null) {
              write(out, md, ByteBuffer.wrap(data, (int) from, (int) len));
            } else if (stream != null) {
              copy(stream, out, md, len, op, opIndex);
            } else {
              zeros(out, md, start, end);
            }
            written = end;
          }
        } finally {
          if (stream != null) {
            stream.close();
          }
        }
      }
      zeros(out, md, written, size);
    } finally {
      pool.shutdownNow();
    }
  }

  private void copy(InputStream in, WritableByteChannel out, MessageDigest md, long len, InstallOperation op,
      int opIndex) throws IOException {
    byte[] buf = new byte[1 << 20];
    long left = len;
    try {
      while (left > 0) {
        int n = in.readNBytes(buf, 0, (int) Math.min(buf.length, left));
        if (n <= 0) {
          throw new java.io.EOFException("short operation output");
        }
        write(out, md, ByteBuffer.wrap(buf, 0, n));
        left -= n;
      }
    } catch (RomFormatException e) {
      throw e;
    } catch (IOException e) {
      throw RomFormatException.corrupt(payload.source().name(), "payload",
          payload.header().blobOffset() + op.dataOffset(),
          "partition '" + index.partition.name() + "' operation " + opIndex + ": " + e.getMessage(), e);
    }
  }

  private static long zeros(WritableByteChannel out, MessageDigest md, long from, long to) throws IOException {
    if (to <= from) {
      return from;
    }
    byte[] z = new byte[(int) Math.min(ZERO_CHUNK, to - from)];
    long pos = from;
    while (pos < to) {
      int n = (int) Math.min(z.length, to - pos);
      write(out, md, ByteBuffer.wrap(z, 0, n));
      pos += n;
    }
    return to;
  }

  private static void write(WritableByteChannel out, MessageDigest md, ByteBuffer b) throws IOException {
    md.update(b.duplicate());
    while (b.hasRemaining()) {
      out.write(b);
    }
  }
}
