package dev.untrack.rom.payload;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.io.ByteSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A partition of a payload as random-access bytes. A read decodes the operation covering it; decoded
 * operations are kept in a small LRU cache bounded in bytes, so sequential reads decode each operation once.
 * Operations larger than {@link OperationDecoder#IN_MEMORY_LIMIT} are streamed from their start on each
 * read instead of being cached (AOSP never emits them; hostile payloads cannot make us allocate them).
 */
final class PartitionImage implements ByteSource {
  private final Payload payload;
  private final Payload.PartitionIndex index;
  private final long cacheBytes;
  private final String name;
  private final LinkedHashMap<Integer, byte[]> cache = new LinkedHashMap<>(16, 0.75f, true);
  private long cached;

  PartitionImage(Payload payload, Payload.PartitionIndex index, long cacheBytes) {
    this.payload = payload;
    this.index = index;
    this.cacheBytes = cacheBytes;
    this.name = payload.source().name() + " > " + index.partition.name();
  }

  @Override
  public long size() {
    return index.partition.newSize();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int read(long position, ByteBuffer dst) throws IOException {
    long size = size();
    if (position >= size) {
      return -1;
    }
    if (!dst.hasRemaining()) {
      return 0;
    }
    int bs = index.blockSize;
    long block = position / bs;
    int i = index.floor(block);
    if (i < 0 || block >= index.endBlock[i]) {
      long next = i + 1 < index.startBlock.length ? index.startBlock[i + 1] * bs : size;
      int n = (int) Math.min(dst.remaining(), Math.min(next, size) - position);
      for (int k = 0; k < n; k++) {
        dst.put((byte) 0);
      }
      return n;
    }
    long rangeEnd = Math.min(index.endBlock[i] * bs, size);
    int n = (int) Math.min(dst.remaining(), rangeEnd - position);
    long inOp = (index.blocksBefore[i] + (block - index.startBlock[i])) * bs + position % bs;
    int opIndex = index.op[i];
    InstallOperation op = index.partition.operations().get(opIndex);
    OperationDecoder decoder = payload.decoder();
    if (op.type() == OperationType.ZERO || op.type() == OperationType.DISCARD) {
      for (int k = 0; k < n; k++) {
        dst.put((byte) 0);
      }
      return n;
    }
    if (decoder.outputSize(op) <= OperationDecoder.IN_MEMORY_LIMIT) {
      byte[] data = decoded(opIndex, op);
      dst.put(data, (int) inOp, n);
      return n;
    }
    try (InputStream in = decoder.open(op, index.partition.name(), opIndex)) {
      in.skipNBytes(inOp);
      byte[] buf = in.readNBytes(n);
      dst.put(buf);
      return n;
    } catch (RomFormatException e) {
      throw e;
    } catch (IOException e) {
      throw RomFormatException.corrupt(payload.source().name(), "payload",
          payload.header().blobOffset() + op.dataOffset(),
          "partition '" + index.partition.name() + "' operation " + opIndex + ": " + e.getMessage(), e);
    }
  }

  private byte[] decoded(int opIndex, InstallOperation op) throws IOException {
    synchronized (cache) {
      byte[] hit = cache.get(opIndex);
      if (hit != null) {
        return hit;
      }
    }
    byte[] data = payload.decoder().decode(op, index.partition.name(), opIndex);
    synchronized (cache) {
      if (!cache.containsKey(opIndex) && data.length <= cacheBytes) {
        cache.put(opIndex, data);
        cached += data.length;
        Iterator<Map.Entry<Integer, byte[]>> it = cache.entrySet().iterator();
        while (cached > cacheBytes && it.hasNext()) {
          Map.Entry<Integer, byte[]> e = it.next();
          if (e.getKey() == opIndex) {
            continue;
          }
          cached -= e.getValue().length;
          it.remove();
        }
      }
    }
    return data;
  }
}
