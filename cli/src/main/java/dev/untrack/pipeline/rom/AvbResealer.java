package dev.untrack.pipeline.rom;

import dev.untrack.rom.io.ByteSource;
import dev.untrack.signing.SigningException;
import dev.untrack.signing.avb.AvbAlgorithm;
import dev.untrack.signing.avb.AvbDescriptor;
import dev.untrack.signing.avb.AvbFooter;
import dev.untrack.signing.avb.HashTree;
import dev.untrack.signing.avb.VbMeta;
import dev.untrack.signing.keys.SigningKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A partition that carries its own vbmeta in an AVB footer (filesystem, hashtree, vbmeta, footer in the last 64
 * bytes). The filesystem editor drops everything after the filesystem; this puts it back for the edited image,
 * laid out as {@code avbtool add_hashtree_footer} does, at the original partition size: the dm-verity tree
 * recomputed with the same salt and algorithm (FEC is left out: {@code fec_num_roots = 0}), the footer's vbmeta
 * with the new hashtree descriptor, and a new footer.
 */
final class AvbResealer {
  private static final int BLOCK = 4096;

  /** What resealing produced: the descriptor (for vbmeta_system / vbmeta) and a note for the report. */
  record Sealed(AvbDescriptor.Hashtree descriptor, String note) {}

  private final String name;
  private final long partitionSize;
  private final VbMeta vbmeta;
  private final AvbDescriptor.Hashtree hashtree;

  private AvbResealer(String name, long partitionSize, VbMeta vbmeta, AvbDescriptor.Hashtree hashtree) {
    this.name = name;
    this.partitionSize = partitionSize;
    this.vbmeta = vbmeta;
    this.hashtree = hashtree;
  }

  /** The footer of {@code partition}, if it has one with a hashtree descriptor. */
  static Optional<AvbResealer> of(String name, ByteSource partition) throws IOException {
    long size = partition.size();
    if (size < BLOCK * 2L) {
      return Optional.empty();
    }
    byte[] tail = partition.readFully(size - AvbFooter.SIZE, AvbFooter.SIZE);
    if (!new String(tail, 0, 4, StandardCharsets.US_ASCII).equals("AVBf")) {
      return Optional.empty();
    }
    AvbFooter footer = AvbFooter.parse(tail, size, partition.name());
    VbMeta vb = VbMeta.parse(partition.readFully(footer.vbmetaOffset(), (int) footer.vbmetaSize()),
        partition.name() + " > footer vbmeta");
    AvbDescriptor.Hashtree ht = null;
    for (AvbDescriptor d : vb.descriptors()) {
      if (d instanceof AvbDescriptor.Hashtree h) {
        if (ht != null) {
          throw new RomPatchException(partition.name() + ": the footer vbmeta has more than one hashtree "
              + "descriptor; untrack does not know which one describes the filesystem");
        }
        ht = h;
      }
    }
    if (ht == null) {
      throw new RomPatchException(partition.name() + ": the AVB footer's vbmeta has no hashtree descriptor (a "
          + "hash footer on a filesystem image is not supported)");
    }
    return Optional.of(new AvbResealer(name, size, vb, ht));
  }

  long partitionSize() {
    return partitionSize;
  }

  AvbDescriptor.Hashtree hashtree() {
    return hashtree;
  }

  /**
   * The largest filesystem (whole blocks) that still leaves room for its tree, the vbmeta (with room for a
   * signature by any supported key) and the footer block.
   */
  long maxFilesystemSize() throws SigningException {
    long vbmetaRoom = roundUp(vbmeta.encode().length + 2048 + 1088, BLOCK);
    HashTree.Params p = hashtree.treeParams();
    long lo = 0;
    long hi = partitionSize / BLOCK;
    while (lo < hi) {
      long mid = (lo + hi + 1) / 2;
      long s = mid * BLOCK;
      if (s + HashTree.treeSize(s, p) + vbmetaRoom + BLOCK <= partitionSize) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo * BLOCK;
  }

  /**
   * Appends tree, vbmeta and footer to the filesystem image in {@code image} (which ends where the filesystem
   * ends) so that it becomes a whole partition image of the original size.
   *
   * @param key the AVB key ({@code --avb-key}), or null
   */
  Sealed reseal(Path image, Path workDir, SigningKey key) throws IOException {
    List<String> notes = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long fsSize = roundUp(ch.size(), hashtree.dataBlockSize());
      if (fsSize > ch.size()) {
        ch.write(ByteBuffer.allocate((int) (fsSize - ch.size())), ch.size());
      }
      Path treeFile = Files.createTempFile(workDir, name + ".", ".hashtree");
      HashTree.Result tree;
      try (FileChannel t = FileChannel.open(treeFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        ch.position(0);
        tree = HashTree.compute(ch, fsSize, hashtree.treeParams(), t);
        long at = fsSize;
        t.position(0);
        long left = tree.treeSize();
        while (left > 0) {
          long n = ch.transferFrom(t, at, left);
          at += n;
          left -= n;
        }
      } finally {
        Files.deleteIfExists(treeFile);
      }
      AvbDescriptor.Hashtree newTree = hashtree.withTree(fsSize, fsSize, tree);
      if (hashtree.fecNumRoots() > 0) {
        notes.add("FEC dropped (fec_num_roots 0)");
      }
      List<AvbDescriptor> ds = new ArrayList<>();
      for (AvbDescriptor d : vbmeta.descriptors()) {
        ds.add(d instanceof AvbDescriptor.Hashtree ? newTree : d);
      }
      VbMeta resealed;
      if (key != null) {
        resealed = vbmeta.withDescriptors(ds, key, vbmeta.algorithmFor(key));
        notes.add("footer vbmeta re-signed with the AVB key");
      } else {
        resealed = vbmeta.withDescriptors(ds, null, AvbAlgorithm.NONE);
        if (vbmeta.algorithm() != AvbAlgorithm.NONE) {
          notes.add("footer vbmeta was signed (" + vbmeta.algorithm() + ") and is now unsigned: without "
              + "--avb-key this partition verifies only on an unlocked bootloader");
        }
      }
      byte[] blob = resealed.encode();
      long vbmetaOffset = fsSize + tree.treeSize();
      long end = vbmetaOffset + roundUp(blob.length, BLOCK);
      if (end + BLOCK > partitionSize) {
        throw new RomPatchException(name + ": no room for the hashtree and vbmeta after the edited filesystem ("
            + (end + BLOCK - partitionSize) + " bytes missing)", end + BLOCK - partitionSize, null);
      }
      ch.write(ByteBuffer.wrap(Arrays.copyOf(blob, (int) roundUp(blob.length, BLOCK))), vbmetaOffset);
      // zeros up to the footer block, written (not a hole) so the file has the same bytes everywhere
      ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
      long pos = end;
      while (pos < partitionSize - AvbFooter.SIZE) {
        zeros.clear().limit((int) Math.min(zeros.capacity(), partitionSize - AvbFooter.SIZE - pos));
        pos += ch.write(zeros, pos);
      }
      ch.write(ByteBuffer.wrap(AvbFooter.of(fsSize, vbmetaOffset, blob.length).encode()),
          partitionSize - AvbFooter.SIZE);
      ch.truncate(partitionSize);
      ch.force(true);
      String note = "hashtree recomputed (" + hashtree.hashAlgorithm() + ", root "
          + java.util.HexFormat.of().formatHex(tree.rootDigest()).substring(0, 16) + "...), footer rewritten at "
          + partitionSize + " bytes" + (notes.isEmpty() ? "" : "; " + String.join("; ", notes));
      return new Sealed(newTree, note);
    }
  }

  private static long roundUp(long v, long m) {
    return (v + m - 1) / m * m;
  }
}
