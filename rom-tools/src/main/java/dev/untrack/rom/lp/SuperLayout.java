package dev.untrack.rom.lp;

import dev.untrack.rom.io.AtomicOutput;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.sparse.ImageRegion;
import dev.untrack.rom.sparse.RegionImage;
import dev.untrack.rom.sparse.SparseWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * A planned super image: its metadata and what goes where. Writing streams every partition's bytes from where
 * they come from (the old super, a new filesystem image) to the output; nothing is held in memory but the
 * metadata area. Regions not listed (gaps, the unused tail of a partition) are left unwritten in the sparse
 * output and are zeros in the raw output.
 */
public final class SuperLayout {
  private final String name;
  private final LpMetadata metadata;
  private final long deviceSize;
  private final List<ImageRegion> regions;
  private final boolean compacted;

  SuperLayout(String name, LpMetadata metadata, long deviceSize, List<ImageRegion> regions, boolean compacted) {
    this.name = name;
    this.metadata = metadata;
    this.deviceSize = deviceSize;
    this.regions = List.copyOf(regions);
    this.compacted = compacted;
  }

  public LpMetadata metadata() {
    return metadata;
  }

  /** Size of the raw super image (the block device size). */
  public long deviceSize() {
    return deviceSize;
  }

  public List<ImageRegion> regions() {
    return regions;
  }

  /** True if every partition was placed again (unchanged ones did not keep their place). */
  public boolean compacted() {
    return compacted;
  }

  /** The raw super image as a lazy view. */
  public ByteSource asImage() {
    return new RegionImage(regions, deviceSize, name);
  }

  public void writeRaw(OutputStream out) throws IOException {
    byte[] buf = new byte[1 << 20];
    try (InputStream in = asImage().openStream()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
      }
    }
  }

  public void writeRawTo(Path target) throws IOException {
    try (AtomicOutput out = AtomicOutput.create(target)) {
      writeRaw(out.stream());
      out.commit();
    }
  }

  public SparseWriter.Result writeSparse(SeekableByteChannel out, SparseWriter.Options options) throws IOException {
    return SparseWriter.write(regions, deviceSize, out, options);
  }

  public SparseWriter.Result writeSparseTo(Path target, SparseWriter.Options options) throws IOException {
    return SparseWriter.writeTo(target, regions, deviceSize, options);
  }
}
