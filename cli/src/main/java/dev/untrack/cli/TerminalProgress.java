package dev.untrack.cli;

import dev.untrack.pipeline.Progress;
import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Draws pipeline progress on stderr, only when stderr is a terminal (never in --json or piped runs). */
final class TerminalProgress implements Progress {
  private ProgressBar bar;

  private TerminalProgress() {}

  /** A progress bar when there is a terminal and the output is for people; otherwise nothing. */
  static Progress forHumans(boolean json) {
    return !json && System.console() != null ? new TerminalProgress() : Progress.NONE;
  }

  @Override
  public synchronized void begin(String phase, long total) {
    end();
    bar = new ProgressBarBuilder()
        .setTaskName(phase)
        .setInitialMax(total)
        .setStyle(ProgressBarStyle.ASCII)
        .setConsumer(new ConsoleProgressBarConsumer(new PrintStream(System.err, true)))
        .continuousUpdate()
        .build();
  }

  @Override
  public synchronized void advance(long n) {
    if (bar != null) {
      bar.stepBy(n);
    }
  }

  @Override
  public synchronized void end() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
