package dev.untrack.rom.payload;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting on the worker tasks that decode or compress operations in parallel. */
final class Futures {
  private Futures() {}

  /**
   * The task's result; its IOException or RuntimeException is rethrown as is, so callers see the same error
   * as when the work runs on their own thread. {@code doing} names the work for the interruption message.
   */
  static <T> T await(Future<T> f, String doing) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while " + doing);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(c);
    }
  }
}
