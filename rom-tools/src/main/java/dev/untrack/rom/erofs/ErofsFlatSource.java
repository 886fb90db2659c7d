package dev.untrack.rom.erofs;

import static dev.untrack.rom.io.LittleEndian.u16;
import static dev.untrack.rom.io.LittleEndian.u32;

import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.Zeros;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Uncompressed content: FLAT_PLAIN, FLAT_INLINE (tail packed after the inode) and CHUNK_BASED. */
final class ErofsFlatSource implements ByteSource {
  private final ErofsImage img;
  private final ErofsInode vi;
  private final String name;
  private final int bs;
  private final long tailStart;
  private final long inlineOffset;
  private final int chunkBits;
  private final long chunkIndexBase;
  private final int chunkEntrySize;
  private final String chunkWhat;

  ErofsFlatSource(ErofsImage img, ErofsInode vi, String name) throws IOException {
    this.img = img;
    this.vi = vi;
    this.name = name;
    this.bs = img.blockSize();
    this.chunkWhat = "chunk of nid " + vi.nid();
    long size = vi.size();
    long blocks = (size + bs - 1) / bs;
    switch (vi.layout()) {
      case ErofsInode.FLAT_PLAIN:
        tailStart = size;
        inlineOffset = -1;
        chunkBits = -1;
        chunkIndexBase = -1;
        chunkEntrySize = 0;
        checkBlocks(vi.rawU(), blocks);
        break;
      case ErofsInode.FLAT_INLINE: {
        tailStart = blocks == 0 ? 0 : (blocks - 1) * bs;
        inlineOffset = vi.tailOffset();
        long tailLen = size - tailStart;
        if ((inlineOffset % bs) + tailLen > bs) {
          throw img.corrupt(inlineOffset, "inline tail of nid " + vi.nid() + " (" + tailLen
              + " bytes) crosses a block boundary");
        }
        img.checkRange(inlineOffset, tailLen, "inline data of nid " + vi.nid());
        chunkBits = -1;
        chunkIndexBase = -1;
        chunkEntrySize = 0;
        checkBlocks(vi.rawU(), blocks - 1);
        break;
      }
      case ErofsInode.CHUNK_BASED: {
        int fmt = (int) (vi.rawU() & 0xffff);
        if ((fmt & ~0x3F) != 0) {
          throw img.unsupported(vi.offset() + 16, "chunk format 0x" + Integer.toHexString(fmt) + " in nid "
              + vi.nid());
        }
        chunkBits = img.superblock().blockSizeBits() + (fmt & 0x1F);
        if (chunkBits > 40) {
          throw img.corrupt(vi.offset() + 16, "chunk size 2^" + chunkBits + " in nid " + vi.nid());
        }
        chunkEntrySize = (fmt & 0x20) != 0 ? 8 : 4;
        chunkIndexBase = (vi.tailOffset() + chunkEntrySize - 1) & ~(long) (chunkEntrySize - 1);
        long chunks = (size + (1L << chunkBits) - 1) >>> chunkBits;
        img.checkRange(chunkIndexBase, chunks * chunkEntrySize, "chunk indexes of nid " + vi.nid());
        tailStart = size;
        inlineOffset = -1;
        break;
      }
      default:
        throw img.corrupt(vi.offset(), "nid " + vi.nid() + " has unknown data layout " + vi.layout());
    }
  }

  private void checkBlocks(long start, long count) throws IOException {
    if (count > 0) {
      img.checkRange(start * bs, count * bs, "data blocks of nid " + vi.nid());
    }
  }

  @Override
  public long size() {
    return vi.size();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int read(long position, ByteBuffer dst) throws IOException {
    long size = vi.size();
    if (position >= size) {
      return -1;
    }
    if (!dst.hasRemaining()) {
      return 0;
    }
    long physical;
    long run;
    if (chunkBits >= 0) {
      long chunk = position >>> chunkBits;
      long within = position & ((1L << chunkBits) - 1);
      byte[] e = img.readAt(chunkIndexBase + chunk * chunkEntrySize, chunkEntrySize, "chunk index");
      long blk;
      if (chunkEntrySize == 8) {
        if (u16(e, 2) != 0) {
          throw img.unsupported(chunkIndexBase, "chunk on extra device " + u16(e, 2) + " in nid " + vi.nid());
        }
        blk = u32(e, 4);
      } else {
        blk = u32(e, 0);
      }
      run = (1L << chunkBits) - within;
      if (blk == 0xffffffffL) {
        physical = -1;
      } else {
        physical = blk * bs + within;
        img.checkRange(physical, Math.min(run, size - position), chunkWhat);
      }
    } else if (position < tailStart) {
      physical = vi.rawU() * bs + position;
      run = tailStart - position;
    } else {
      physical = inlineOffset + (position - tailStart);
      run = size - position;
    }
    int n = (int) Math.min(Math.min(dst.remaining(), size - position), run);
    if (physical < 0) {
      Zeros.put(dst, n);
      return n;
    }
    ByteBuffer part = dst.duplicate();
    part.limit(part.position() + n);
    img.readFullyAt(physical, part);
    dst.position(dst.position() + n);
    return n;
  }
}
