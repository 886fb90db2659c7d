package dev.untrack.rom.firmware;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * Partitions read out of a container format implemented elsewhere (payload.bin, sdat). The partitions' byte
 * sources stay valid until this is closed.
 */
public interface PartitionSource extends Closeable {
  List<Partition> partitions() throws IOException;

  @Override
  default void close() throws IOException {}
}
