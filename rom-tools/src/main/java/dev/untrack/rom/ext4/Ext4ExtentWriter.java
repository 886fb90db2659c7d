package dev.untrack.rom.ext4;

import dev.untrack.rom.io.LittleEndian;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a file's extent tree from its block runs: up to four extents live in the inode; more go to leaf blocks
 * under index entries in the inode (and further index levels when the inode's four entries are not enough).
 */
final class Ext4ExtentWriter {
  static final int MAGIC = 0xF30A;
  static final int MAX_LEN = 32768;

  /** A built tree: the 60-byte {@code i_block}, and the node blocks to write at the blocks given. */
  record Tree(byte[] iBlock, List<long[]> nodeBlockNumbers, List<byte[]> nodes) {}

  private Ext4ExtentWriter() {}

  /** Leaf extents {@code [logical, physical, length]} for runs of blocks laid out from logical block 0. */
  static List<long[]> extents(List<long[]> runs) {
    List<long[]> out = new ArrayList<>();
    long logical = 0;
    for (long[] r : runs) {
      long done = 0;
      while (done < r[1]) {
        long n = Math.min(MAX_LEN, r[1] - done);
        out.add(new long[] {logical + done, r[0] + done, n});
        done += n;
      }
      logical += r[1];
    }
    return out;
  }

  static int perNode(int bs) {
    return (bs - 12) / 12;
  }

  /** How many tree blocks {@code extents} leaf entries need. */
  static int nodesNeeded(int extents, int bs) {
    int n = extents;
    int total = 0;
    while (n > 4) {
      n = (n + perNode(bs) - 1) / perNode(bs);
      total += n;
    }
    return total;
  }

  /** Builds the tree; {@code nodeBlocks} holds exactly {@link #nodesNeeded} block numbers. */
  static Tree build(List<long[]> extents, List<Long> nodeBlocks, int bs) {
    List<long[]> entries = extents;
    int depth = 0;
    int next = 0;
    List<long[]> numbers = new ArrayList<>();
    List<byte[]> nodes = new ArrayList<>();
    int per = perNode(bs);
    while (entries.size() > 4) {
      List<long[]> up = new ArrayList<>();
      for (int i = 0; i < entries.size(); i += per) {
        List<long[]> chunk = entries.subList(i, Math.min(entries.size(), i + per));
        long blockNo = nodeBlocks.get(next++);
        byte[] b = new byte[bs];
        node(b, 0, chunk, per, depth);
        numbers.add(new long[] {blockNo});
        nodes.add(b);
        up.add(new long[] {chunk.get(0)[0], blockNo});
      }
      entries = up;
      depth++;
    }
    byte[] iBlock = new byte[60];
    node(iBlock, 0, entries, 4, depth);
    return new Tree(iBlock, numbers, nodes);
  }

  private static void node(byte[] b, int off, List<long[]> entries, int max, int depth) {
    Ext4Checksums.put16(b, off, MAGIC);
    Ext4Checksums.put16(b, off + 2, entries.size());
    Ext4Checksums.put16(b, off + 4, max);
    Ext4Checksums.put16(b, off + 6, depth);
    for (int i = 0; i < entries.size(); i++) {
      long[] e = entries.get(i);
      int p = off + 12 + 12 * i;
      LittleEndian.put32(b, p, (int) e[0]);
      if (depth == 0) {
        Ext4Checksums.put16(b, p + 4, (int) e[2]);
        Ext4Checksums.put16(b, p + 6, (int) (e[1] >>> 32));
        LittleEndian.put32(b, p + 8, (int) e[1]);
      } else {
        LittleEndian.put32(b, p + 4, (int) e[1]);
        Ext4Checksums.put16(b, p + 8, (int) (e[1] >>> 32));
      }
    }
  }
}
