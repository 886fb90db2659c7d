package dev.untrack.checker;

import dev.untrack.checker.input.ScanItem;
import dev.untrack.checker.input.ScanSource;
import dev.untrack.checker.match.Signatures;
import dev.untrack.checker.pack.SignaturePack;
import dev.untrack.checker.report.AppReport;
import dev.untrack.checker.report.FileDigest;
import dev.untrack.checker.report.PackInfo;
import dev.untrack.checker.report.ScanReport;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The static checker. It judges only the bytes it is given — it never reads what the patcher recorded — and
 * reports, per app: SDKs defined or only referenced, anchors, hosts and URL paths, every call site into a
 * telemetry entry point classified live, gated or neutralized, and reads of opt-out settings keys.
 *
 * <pre>{@code
 * ScanReport after = Checker.scan(PathSource.of(out), ScanOptions.defaults().withDigests(true));
 * ScanReport before = Checker.scan(PathSource.of(original), ScanOptions.defaults().withDigests(true));
 * Comparison c = after.compare(before);
 * }</pre>
 *
 * <p>Apps are scanned in parallel ({@link ScanOptions#threads()}); the report is sorted by path, so it does not
 * depend on scheduling. A malformed app becomes an error entry in its report and the scan goes on.
 */
public final class Checker {
  private final ScanOptions options;
  private final Signatures signatures;

  public Checker(ScanOptions options) {
    this.options = options;
    this.signatures = Signatures.compile(options.packs());
  }

  public static ScanReport scan(ScanSource source, ScanOptions options) throws IOException {
    return new Checker(options).scan(source);
  }

  public Signatures signatures() {
    return signatures;
  }

  /** Scans every item of {@code source}. Only failures of the source itself (an unreadable directory) throw. */
  public ScanReport scan(ScanSource source) throws IOException {
    return scan(source, item -> {});
  }

  /** Told about each item once it has been scanned, from the scanning threads (for a progress display). */
  @FunctionalInterface
  public interface Listener {
    void scanned(ScanItem item);
  }

  /** As {@link #scan(ScanSource)}, telling {@code listener} about each item as it is done. */
  public ScanReport scan(ScanSource source, Listener listener) throws IOException {
    AppScanner scanner = new AppScanner(signatures, options);
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(options.threads(), r -> {
      Thread t = new Thread(r, "untrack-scan-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    Semaphore inFlight = new Semaphore(options.threads() * 2);
    List<Future<AppScanner.Outcome>> futures = new ArrayList<>();
    try {
      source.forEach(item -> {
        try {
          inFlight.acquire();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("scan interrupted");
        }
        futures.add(pool.submit(() -> {
          try {
            return scanner.scan(item);
          } finally {
            inFlight.release();
            listener.scanned(item);
          }
        }));
      });
      List<AppReport> apps = new ArrayList<>();
      List<FileDigest> files = new ArrayList<>();
      for (Future<AppScanner.Outcome> f : futures) {
        AppScanner.Outcome o = get(f);
        if (o.report() != null) {
          apps.add(o.report());
        }
        if (o.digest() != null) {
          files.add(o.digest());
        }
      }
      apps.sort(Comparator.comparing(AppReport::path));
      files.sort(Comparator.comparing(FileDigest::path));
      List<PackInfo> packs = new ArrayList<>();
      for (SignaturePack p : options.packs()) {
        packs.add(new PackInfo(p.id(), p.title(), p.license(), p.sdks().size()));
      }
      return new ScanReport(source.describe(), packs, apps, files, null);
    } finally {
      pool.shutdownNow();
    }
  }

  private static AppScanner.Outcome get(Future<AppScanner.Outcome> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("scan interrupted");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof Error) {
        throw (Error) c;
      }
      throw new IllegalStateException("scanner failed: " + c, c); // AppScanner turns input problems into reports
    }
  }

  /** Scans one item directly (for pipelines that already hold an app). */
  public AppReport scanApp(ScanItem item) {
    return new AppScanner(signatures, options).scan(item).report();
  }
}
