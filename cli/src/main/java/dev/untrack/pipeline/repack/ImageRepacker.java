package dev.untrack.pipeline.repack;

import dev.untrack.cli.ExitCode;
import dev.untrack.cli.UserException;
import dev.untrack.rom.firmware.Firmware;
import dev.untrack.rom.firmware.Partition;
import dev.untrack.rom.io.AtomicOutput;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.sparse.SparseImage;
import dev.untrack.rom.sparse.SparseWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A single image (raw, sparse, or a super holding logical partitions) written back in the same form. */
final class ImageRepacker implements Repacker {
  @Override
  public RepackResult repack(RepackRequest r) throws IOException {
    Firmware fw = r.input();
    Partition top = fw.partitions().get(0);
    ByteSource file = fw.source().orElseThrow();
    boolean sparse = SparseImage.isSparse(file);
    List<String> notes = new ArrayList<>();
    Path whole = r.changedPartitions().get(top.name());
    if (whole != null && r.changedPartitions().size() > 1) {
      throw new UserException(ExitCode.USAGE, fw.path() + ": replace either the whole image '" + top.name()
          + "' or partitions inside it, not both");
    }
    String fileName = String.valueOf(fw.path().getFileName());
    if (whole != null) {
      try (FileByteSource src = FileByteSource.open(whole)) {
        write(src, sparse ? SparseImage.open(file).blockSize() : 0, r.output());
        notes.add(fileName + ": " + RepackSupport.sizeChange(top.name(), top.size(), src.size())
            + (sparse ? ", written sparse as the original" : ""));
      }
      return new RepackResult(notes);
    }
    Map<String, Path> logical = new HashMap<>(r.changedPartitions());
    try (SuperRebuild sup = SuperRebuild.of(top.content(), fileName, logical, notes)) {
      if (sparse) {
        sup.layout().writeSparseTo(r.output(), sparseOptions(SparseImage.open(file).blockSize()));
        notes.add(fileName + " re-sparsed");
      } else {
        sup.layout().writeRawTo(r.output());
      }
    }
    return new RepackResult(notes);
  }

  static SparseWriter.Options sparseOptions(int blockSize) {
    return new SparseWriter.Options(blockSize, false, false);
  }

  /** {@code image} to {@code target}: sparse with that block size, or raw when {@code sparseBlockSize} is 0. */
  static void write(ByteSource image, int sparseBlockSize, Path target) throws IOException {
    try (AtomicOutput out = AtomicOutput.create(target)) {
      if (sparseBlockSize > 0) {
        SparseWriter.write(image, out.channel(), sparseOptions(sparseBlockSize));
      } else {
        RepackSupport.copy(image, out.stream());
      }
      out.commit();
    }
  }
}
