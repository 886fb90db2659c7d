package dev.untrack.pipeline;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs one task per item on a fixed pool of daemon threads, as one progress phase, and returns the results in
 * the items' order (so reports do not depend on thread timing). The first task's IOException is rethrown as
 * it is; the pool is stopped whatever happens.
 */
public final class ParallelApps {
  private ParallelApps() {}

  /** One item's work; {@code index} is the item's position in the list. */
  @FunctionalInterface
  public interface Task<T, R> {
    R run(T item, int index) throws IOException;
  }

  public static <T, R> List<R> map(List<T> items, int threads, String threadName, String phase,
      Progress progress, Task<T, R> task) throws IOException {
    progress.begin(phase, items.size());
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<R>> futures = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        T item = items.get(i);
        int index = i;
        futures.add(pool.submit(() -> {
          R result = task.run(item, index);
          progress.advance(1);
          return result;
        }));
      }
      List<R> out = new ArrayList<>();
      for (Future<R> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
      progress.end();
    }
  }
}
