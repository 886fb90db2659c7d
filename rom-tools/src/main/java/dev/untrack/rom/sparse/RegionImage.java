package dev.untrack.rom.sparse;

import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.SegmentedByteSource;
import dev.untrack.rom.io.Zeros;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The raw image described by a list of {@link ImageRegion}s, as a lazy {@link ByteSource}: DATA regions read
 * through, FILL regions expand, DONT_CARE regions and gaps read as zeros.
 */
public final class RegionImage extends SegmentedByteSource {
  private final List<ImageRegion> regions;
  private final long[] starts;
  private final long size;
  private final String name;

  public RegionImage(List<ImageRegion> regions, long size, String name) {
    List<ImageRegion> list = new ArrayList<>(regions);
    list.removeIf(r -> r.length() == 0 || r.kind() == ImageRegion.Kind.DONT_CARE);
    list.sort(Comparator.comparingLong(ImageRegion::offset));
    long end = 0;
    for (ImageRegion r : list) {
      if (r.offset() < end) {
        throw new IllegalArgumentException("regions overlap at offset " + r.offset());
      }
      end = r.end();
    }
    if (end > size) {
      throw new IllegalArgumentException("regions end at " + end + ", past the image size " + size);
    }
    this.regions = List.copyOf(list);
    this.starts = new long[list.size()];
    for (int i = 0; i < starts.length; i++) {
      starts[i] = list.get(i).offset();
    }
    this.size = size;
    this.name = name;
  }

  public List<ImageRegion> regions() {
    return regions;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  protected int readPiece(long pos, ByteBuffer dst) throws IOException {
    int i = find(pos);
    ImageRegion r = i >= 0 ? regions.get(i) : null;
    if (r == null || pos >= r.end()) {
      long next = i + 1 < starts.length ? starts[i + 1] : size;
      int n = (int) Math.min(dst.remaining(), next - pos);
      Zeros.put(dst, n);
      return n;
    }
    int n = (int) Math.min(dst.remaining(), r.end() - pos);
    if (r.kind() == ImageRegion.Kind.DATA) {
      readExactly(r.data(), pos - r.offset(), dst, n,
          at -> new EOFException(r.data().name() + ": ended at offset " + at));
    } else {
      for (long j = 0; j < n; j++) {
        dst.put((byte) (r.fillValue() >>> (8 * (int) ((pos + j) & 3))));
      }
    }
    return n;
  }

  private int find(long pos) {
    int lo = 0;
    int hi = starts.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (starts[mid] <= pos) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}
