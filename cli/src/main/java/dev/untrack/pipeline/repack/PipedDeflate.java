package dev.untrack.pipeline.repack;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * A gzip output whose deflating runs on its own thread: rewriting a tgz, deflate is the slowest step, and the
 * caller's work (gunzipping the input, reading the new images) can go on beside it on a second core. The bytes
 * are those of one {@link GZIPOutputStream} fed the same data: blocks are handed over in order through a small
 * bounded queue (memory fixed at {@value #BLOCKS} + 1 blocks of {@value #BLOCK} bytes, reused).
 */
final class PipedDeflate extends OutputStream {
  private static final int BLOCK = 1 << 20;
  private static final int BLOCKS = 4;
  private static final Block END = new Block(new byte[0], 0);

  /** {@code len} bytes of {@code data} to deflate; the array goes back to {@link #free} once deflated. */
  private record Block(byte[] data, int len) {}

  private final BlockingQueue<Block> queue = new ArrayBlockingQueue<>(BLOCKS);
  /** The arrays not in the queue nor being filled: reused, so no garbage follows the size of the data. */
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BLOCKS + 1);
  private final Thread worker;
  private volatile Throwable failure;
  private volatile boolean abandoned;
  private byte[] block = new byte[BLOCK];
  private int used;
  private boolean finished;

  /** @param target receives the gzip stream; it is flushed, not closed */
  PipedDeflate(OutputStream target) {
    worker = new Thread(() -> {
      try {
        GZIPOutputStream gz = new GZIPOutputStream(nonClosing(target), 1 << 16);
        while (true) {
          Block b = queue.take();
          if (abandoned) {
            return;
          }
          if (b == END) {
            break;
          }
          gz.write(b.data(), 0, b.len());
          free.offer(b.data());
        }
        gz.finish();
        gz.flush();
      } catch (Throwable t) {
        failure = t;
        queue.clear(); // unblock a producer waiting for room
      }
    }, "untrack-deflate");
    worker.setDaemon(true);
    for (int i = 0; i < BLOCKS; i++) {
      free.add(new byte[BLOCK]);
    }
    worker.start();
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      int k = Math.min(len, BLOCK - used);
      System.arraycopy(b, off, block, used, k);
      used += k;
      off += k;
      len -= k;
      if (used == BLOCK) {
        hand(new Block(block, used));
        block = take();
        used = 0;
      }
    }
  }

  private byte[] take() throws IOException {
    try {
      byte[] b;
      while ((b = free.poll(100, TimeUnit.MILLISECONDS)) == null) {
        check();
      }
      return b;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abandon();
      throw new InterruptedIOException("interrupted while compressing");
    }
  }

  private void hand(Block b) throws IOException {
    try {
      while (!queue.offer(b, 100, TimeUnit.MILLISECONDS)) {
        check();
      }
      check();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abandon();
      throw new InterruptedIOException("interrupted while compressing");
    }
  }

  private void check() throws IOException {
    Throwable t = failure;
    if (t instanceof IOException io) {
      throw io;
    }
    if (t != null) {
      throw new IOException("compressing failed: " + t, t);
    }
  }

  /** Deflates what is left, writes the gzip trailer and waits for the worker. */
  void finish() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    if (used > 0) {
      hand(new Block(block, used));
    }
    hand(END);
    try {
      worker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abandon();
      throw new InterruptedIOException("interrupted while compressing");
    }
    check();
  }

  /**
   * Stops the worker without finishing (the caller failed; the output is thrown away) and waits for it, so that
   * nothing is written to the target afterwards. {@link #finish()} is the normal end.
   */
  @Override
  public void close() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    abandon();
    try {
      worker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void abandon() {
    abandoned = true;
    queue.clear();
    queue.offer(END); // wakes a worker waiting for a block; room was just made
  }

  private static OutputStream nonClosing(OutputStream o) {
    return new java.io.FilterOutputStream(o) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    };
  }
}
