package dev.untrack.pipeline.repack;

import java.io.IOException;

/** Writes a firmware back in the container it came in, with some partitions replaced. */
public interface Repacker {
  RepackResult repack(RepackRequest request) throws IOException;
}
