package dev.untrack.pipeline.repack;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * A gzip output whose deflating runs on its own thread: rewriting a tgz, deflate is the slowest step, and the
 * caller's work (gunzipping the input, reading the new images) can go on beside it on a second core. The bytes
 * are those of one {@link GZIPOutputStream} fed the same data: blocks are handed over in order through a small
 * bounded queue (memory fixed at {@value #BLOCKS} blocks of {@value #BLOCK} bytes).
 */
final class PipedDeflate extends OutputStream {
  private static final int BLOCK = 1 << 20;
  private static final int BLOCKS = 4;
  private static final byte[] END = new byte[0];

  private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(BLOCKS);
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
          byte[] b = queue.take();
          if (abandoned) {
            return;
          }
          if (b == END) {
            break;
          }
          gz.write(b, 0, b.length);
        }
        gz.finish();
        gz.flush();
      } catch (Throwable t) {
        failure = t;
        queue.clear(); // unblock a producer waiting for room
      }
    }, "untrack-deflate");
    worker.setDaemon(true);
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
        hand(block);
        block = new byte[BLOCK];
        used = 0;
      }
    }
  }

  private void hand(byte[] b) throws IOException {
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
      hand(Arrays.copyOf(block, used));
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
