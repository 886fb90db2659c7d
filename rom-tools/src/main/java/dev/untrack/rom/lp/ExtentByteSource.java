package dev.untrack.rom.lp;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.SegmentedByteSource;
import dev.untrack.rom.io.Zeros;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/** A logical partition: its extents laid end to end, LINEAR ones read from the super, ZERO ones as zeros. */
final class ExtentByteSource extends SegmentedByteSource {
  private final ByteSource device;
  private final String name;
  private final long[] logicalStart;
  private final long[] length;
  private final long[] physical; // -1 for ZERO
  private final long size;

  ExtentByteSource(ByteSource device, List<LpExtent> extents, String name) {
    this.device = device;
    this.name = name;
    int n = extents.size();
    logicalStart = new long[n];
    length = new long[n];
    physical = new long[n];
    long pos = 0;
    for (int i = 0; i < n; i++) {
      LpExtent e = extents.get(i);
      logicalStart[i] = pos;
      length[i] = e.bytes();
      physical[i] = e.isLinear() ? e.targetData() * LpFormat.SECTOR_SIZE : -1;
      pos += length[i];
    }
    size = pos;
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
    long within = pos - logicalStart[i];
    int n = (int) Math.min(dst.remaining(), length[i] - within);
    if (physical[i] < 0) {
      Zeros.put(dst, n);
    } else {
      readExactly(device, physical[i] + within, dst, n, at -> RomFormatException.corrupt(device.name(),
          LpFormat.NAME, at, "partition " + name + " extends past the end of the super image"));
    }
    return n;
  }

  private int find(long pos) {
    int lo = 0;
    int hi = logicalStart.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (logicalStart[mid] <= pos) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    // skip zero-length extents
    while (length[lo] == 0 || pos >= logicalStart[lo] + length[lo]) {
      lo++;
    }
    return lo;
  }
}
