package dev.untrack.pipeline.repack;

import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.lp.LpDoesNotFitException;
import dev.untrack.rom.lp.SuperImage;
import dev.untrack.rom.lp.SuperLayout;
import dev.untrack.rom.lp.SuperWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A super with some logical partitions replaced: re-laid out within its groups and device by {@link SuperWriter}
 * (unchanged partitions keep their extents where possible). The result is a lazy image over the old super and the
 * new partition files, which stay open until {@link #close()}.
 */
final class SuperRebuild implements Closeable {
  private final SuperLayout layout;
  private final List<Closeable> open;

  private SuperRebuild(SuperLayout layout, List<Closeable> open) {
    this.layout = layout;
    this.open = open;
  }

  /**
   * @param superName for messages ("images/super.img")
   * @param changed logical partition name to new raw image file
   * @throws dev.untrack.cli.UserException with the missing bytes when the partitions no longer fit
   */
  static SuperRebuild of(ByteSource superImage, String superName, Map<String, Path> changed, List<String> notes)
      throws IOException {
    SuperImage sup = SuperImage.open(superImage);
    SuperWriter w = SuperWriter.edit(sup);
    List<Closeable> open = new ArrayList<>();
    boolean ok = false;
    try {
      List<String> changes = new ArrayList<>();
      for (Map.Entry<String, Path> e : new TreeMap<>(changed).entrySet()) {
        FileByteSource src = FileByteSource.open(e.getValue());
        open.add(src);
        long old = sup.partition(e.getKey()).size();
        w.replace(e.getKey(), src);
        changes.add(RepackSupport.sizeChange(e.getKey(), old, src.size()));
      }
      SuperLayout layout;
      try {
        layout = w.layout();
      } catch (LpDoesNotFitException e) {
        throw RepackSupport.doesNotFit(e);
      }
      notes.add(superName + " re-laid out" + (layout.compacted() ? " (all partitions packed again)" : "") + ": "
          + String.join(", ", changes));
      ok = true;
      return new SuperRebuild(layout, open);
    } finally {
      if (!ok) {
        for (Closeable c : open) {
          c.close();
        }
      }
    }
  }

  /** The new raw super, lazily. */
  ByteSource image() {
    return layout.asImage();
  }

  SuperLayout layout() {
    return layout;
  }

  @Override
  public void close() throws IOException {
    for (Closeable c : open) {
      c.close();
    }
  }
}
