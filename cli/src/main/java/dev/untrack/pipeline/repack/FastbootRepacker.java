package dev.untrack.pipeline.repack;

import dev.untrack.cli.ExitCode;
import dev.untrack.cli.UserException;
import dev.untrack.rom.firmware.Firmware;
import dev.untrack.rom.firmware.Partition;
import dev.untrack.rom.io.AtomicOutput;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.lp.SuperLayout;
import dev.untrack.rom.sparse.FastbootSplit;
import dev.untrack.rom.sparse.ImageRegion;
import dev.untrack.rom.sparse.SparseImage;
import dev.untrack.rom.sparse.SparsePlan;
import dev.untrack.rom.sparse.SparseWriter;
import dev.untrack.rom.tar.CrcList;
import dev.untrack.rom.tar.FastbootPackage;
import dev.untrack.rom.tar.SparseCrcList;
import dev.untrack.rom.zip.ZipArchive;
import dev.untrack.rom.zip.ZipEntry;
import dev.untrack.rom.zip.ZipWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fastboot package (tgz, tar, zip or directory) with some images replaced: a changed logical partition
 * rebuilds its super (re-laid out, re-sparsed, re-split into as many files as before), a changed top-level image
 * is written sparse if it was sparse; the CRC lists are regenerated for what changed; every other member,
 * the flash scripts included, is copied byte for byte.
 */
final class FastbootRepacker implements Repacker {
  /** Replaced deflated zip members up to this size are deflated again in memory; larger ones are stored. */
  private static final long MAX_DEFLATE_IN_MEMORY = 64L << 20;

  @Override
  public RepackResult repack(RepackRequest r) throws IOException {
    Firmware fw = r.input();
    FastbootPackage pkg = fw.fastbootPackage().orElseThrow();
    Path work = r.options().workDir();
    List<String> notes = new ArrayList<>();
    Map<String, Map<String, Path>> logicalByParent = new LinkedHashMap<>();
    Map<String, Path> direct = new LinkedHashMap<>();
    for (Partition p : RepackSupport.changed(fw, r.changedPartitions())) {
      Path img = r.changedPartitions().get(p.name());
      if (p.isLogical()) {
        logicalByParent.computeIfAbsent(p.parent(), k -> new LinkedHashMap<>()).put(p.name(), img);
      } else {
        direct.put(p.name(), img);
      }
    }
    for (String parent : logicalByParent.keySet()) {
      if (direct.containsKey(parent)) {
        throw new UserException(ExitCode.USAGE, fw.path() + ": replace either '" + parent
            + "' as a whole or partitions inside it, not both");
      }
    }
    Map<String, Replacement> replaced = new LinkedHashMap<>();
    boolean stream = pkg.format() == FastbootPackage.Format.TAR || pkg.format() == FastbootPackage.Format.TGZ;
    // the scratch holds what streamed replacements read from until the container is written
    try (Scratch scratch = new Scratch(work)) {
      for (Partition top : fw.partitions()) {
        if (top.isLogical() || (!direct.containsKey(top.name()) && !logicalByParent.containsKey(top.name()))) {
          continue;
        }
        List<String> members = membersOf(top);
        boolean sparse = top.origin().endsWith(" (sparse)");
        if (direct.containsKey(top.name())) {
          Path img = direct.get(top.name());
          FileByteSource src = scratch.hold(FileByteSource.open(img));
          notes.add(String.join(" + ", members) + ": " + RepackSupport.sizeChange(top.name(), top.size(), src.size()));
          writeImage(pkg, members, sparse, stream, src, null, img, replaced, scratch, notes);
        } else {
          SuperRebuild sup = scratch.hold(SuperRebuild.of(top.content(), String.join(" + ", members),
              logicalByParent.get(top.name()), notes));
          writeImage(pkg, members, sparse, stream, sup.image(), sup.layout(), null, replaced, scratch, notes);
        }
      }
      regenerateCrcLists(pkg, replaced, notes);
      notes.add(flashScriptNote(pkg));
      writeContainer(fw, pkg, replaced, r.output());
      notes.add(switch (pkg.format()) {
        case TGZ -> "every other tar entry copied byte for byte (headers and mtimes kept), gzip made again without a "
            + "timestamp";
        case TAR -> "every other tar entry copied byte for byte (headers and mtimes kept)";
        case ZIP -> "every other zip entry copied as its raw record";
        case DIRECTORY -> "every other file copied byte for byte";
      });
    }
    return new RepackResult(notes);
  }

  /** The package members behind a top-level partition, from its origin ("images/a.img + images/b.img (sparse)"). */
  static List<String> membersOf(Partition top) {
    String o = top.origin();
    if (o.endsWith(" (sparse)")) {
      o = o.substring(0, o.length() - " (sparse)".length());
    }
    return Arrays.asList(o.split(" \\+ "));
  }

  /**
   * Writes {@code image} in the form the original members had; records the new members in {@code replaced}. With
   * {@code stream} (a tar being rewritten) a single sparse member is only planned here, its size and CRCs known in
   * advance, and written straight into the archive later: no temporary copy.
   */
  private static void writeImage(FastbootPackage pkg, List<String> members, boolean sparse, boolean stream,
      ByteSource image, SuperLayout layout, Path imageFile, Map<String, Replacement> replaced, Scratch scratch,
      List<String> notes) throws IOException {
    if (!sparse) {
      if (imageFile != null) {
        replaced.put(members.get(0), Replacement.file(imageFile));
      } else {
        Path t = scratch.file("raw");
        try (var out = Files.newOutputStream(t)) {
          RepackSupport.copy(image, out);
        }
        replaced.put(members.get(0), Replacement.file(t));
      }
      return;
    }
    int blockSize = SparseImage.open(pkg.open(pkg.file(members.get(0)).orElseThrow())).blockSize();
    if (stream && members.size() == 1) {
      SparseWriter.Options options = ImageRepacker.sparseOptions(blockSize);
      SparsePlan plan = layout != null
          ? SparseWriter.plan(layout.regions(), layout.deviceSize(), options) // free space as DONT_CARE
          : SparseWriter.plan(List.of(ImageRegion.data(0, image)), image.size(), options);
      replaced.put(members.get(0), Replacement.sparse(plan, layout != null ? layout.asImage() : image));
      notes.add(members.get(0) + " re-sparsed");
      return;
    }
    Path whole = scratch.file("sparse");
    try (FileChannel ch = FileChannel.open(whole, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      if (layout != null) {
        layout.writeSparse(ch, ImageRepacker.sparseOptions(blockSize)); // free space as DONT_CARE
      } else {
        SparseWriter.write(image, ch, ImageRepacker.sparseOptions(blockSize));
      }
    }
    if (members.size() == 1) {
      replaced.put(members.get(0), Replacement.file(whole));
      notes.add(members.get(0) + " re-sparsed");
      return;
    }
    try (FileByteSource src = FileByteSource.open(whole)) {
      SparseImage s = SparseImage.open(src);
      List<FastbootSplit.Part> parts = split(s, members.size());
      for (int i = 0; i < parts.size(); i++) {
        Path t = scratch.file("part" + i);
        try (FileChannel ch = FileChannel.open(t, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
          FastbootSplit.writePart(s, parts.get(i), ch);
        }
        replaced.put(members.get(i), Replacement.file(t));
      }
    }
    Files.delete(whole);
    notes.add(String.join(" + ", members) + " re-sparsed and split again into " + members.size() + " files");
  }

  /**
   * Cuts the data chunks into {@code n} parts of about equal data size, each part a standalone sparse file
   * over the whole image (DONT_CARE elsewhere), so the files can be flashed one after the other as before.
   */
  static List<FastbootSplit.Part> split(SparseImage s, int n) {
    List<SparseImage.Chunk> chunks = s.dataChunks();
    long total = 0;
    for (SparseImage.Chunk c : chunks) {
      total += dataBytes(c, s.blockSize());
    }
    List<FastbootSplit.Part> parts = new ArrayList<>();
    List<FastbootSplit.Piece> current = new ArrayList<>();
    long done = 0;
    for (SparseImage.Chunk c : chunks) {
      if (parts.size() < n - 1 && !current.isEmpty() && done >= total * (parts.size() + 1) / n) {
        parts.add(new FastbootSplit.Part(parts.size(), List.copyOf(current), 0, 0));
        current.clear();
      }
      current.add(new FastbootSplit.Piece(c.type(), c.startBlock(), c.blocks(), c.source(), c.fileOffset(),
          c.fillValue()));
      done += dataBytes(c, s.blockSize());
    }
    parts.add(new FastbootSplit.Part(parts.size(), List.copyOf(current), 0, 0));
    while (parts.size() < n) {
      parts.add(new FastbootSplit.Part(parts.size(), List.of(), 0, 0));
    }
    return parts;
  }

  private static long dataBytes(SparseImage.Chunk c, int blockSize) {
    return c.type() == SparseImage.ChunkType.RAW ? c.blocks() * blockSize : 4;
  }

  /** Recomputes the entries of the CRC lists whose image was replaced; other entries stay as they were. */
  private static void regenerateCrcLists(FastbootPackage pkg, Map<String, Replacement> replaced, List<String> notes)
      throws IOException {
    var crc = pkg.crcList();
    if (crc.isPresent()) {
      List<CrcList.Entry> entries = new ArrayList<>();
      int changed = 0;
      for (CrcList.Entry e : crc.get().entries()) {
        Replacement rep = replaced.get("images/" + e.partition() + ".img");
        if (rep != null && rep.plan() != null) {
          entries.add(new CrcList.Entry(e.partition(), rep.plan().fileCrc32()));
          changed++;
        } else if (rep != null) {
          try (ByteSource s = rep.open(e.partition())) {
            entries.add(new CrcList.Entry(e.partition(), RepackSupport.crc32(s)));
          }
          changed++;
        } else {
          entries.add(e);
        }
      }
      if (changed > 0) {
        replaced.put("images/crclist.txt",
            Replacement.bytes(new CrcList(entries).format().getBytes(StandardCharsets.US_ASCII)));
        notes.add("images/crclist.txt regenerated (" + changed + " entr" + (changed == 1 ? "y" : "ies") + ")");
      }
    }
    var sparse = pkg.sparseCrcList();
    if (sparse.isPresent()) {
      List<SparseCrcList.Entry> entries = new ArrayList<>();
      List<String> sizes = new ArrayList<>();
      int changed = 0;
      for (SparseCrcList.Entry e : sparse.get().entries()) {
        String member = "images/" + e.partition() + ".img";
        Replacement rep = replaced.get(member);
        if (rep != null) {
          long maxDownload = maxDownloadSize(pkg, member, e);
          List<Long> crcs;
          if (rep.plan() != null) {
            crcs = rep.plan().partCrcs(rep.image(), maxDownload);
          } else {
            try (ByteSource s = rep.open(e.partition())) {
              crcs = FastbootSplit.partCrcs(SparseImage.open(s), maxDownload);
            }
          }
          entries.add(new SparseCrcList.Entry(e.partition(), crcs.size(), crcs, false));
          if (maxDownload != FastbootSplit.DEFAULT_MAX_DOWNLOAD_SIZE) {
            sizes.add(e.partition() + ": " + (maxDownload >> 20) + " MiB");
          }
          if (e.legacy()) {
            sizes.add(e.partition() + ": was a single CRC (old form), now one per part");
          }
          changed++;
        } else {
          entries.add(e);
        }
      }
      if (changed > 0) {
        replaced.put("images/sparsecrclist.txt",
            Replacement.bytes(new SparseCrcList(entries).format().getBytes(StandardCharsets.US_ASCII)));
        notes.add("images/sparsecrclist.txt regenerated (" + changed + " entr" + (changed == 1 ? "y" : "ies")
            + ", parts for max-download-size " + (sizes.isEmpty() ? "768 MiB" : "768 MiB except " + sizes) + ")");
      }
    }
  }

  /** Max-download-sizes the original lists may have been made for, most likely first. */
  private static final long[] CANDIDATE_SIZES = {768L << 20, 512L << 20, 1024L << 20, 256L << 20, 1536L << 20,
      2048L << 20, 128L << 20, 4095L << 20};

  /**
   * The max-download-size the original entry was computed for: the first candidate whose split of the original
   * image gives the listed CRCs (one pass over the original per candidate tried; the first usually matches).
   * Xiaomi's default when none matches.
   */
  static long maxDownloadSize(FastbootPackage pkg, String member, SparseCrcList.Entry original) throws IOException {
    var m = pkg.file(member);
    if (m.isEmpty() || original.legacy()) {
      return FastbootSplit.DEFAULT_MAX_DOWNLOAD_SIZE;
    }
    if (original.parts() == 1 && m.get().size() <= FastbootSplit.DEFAULT_MAX_DOWNLOAD_SIZE) {
      return FastbootSplit.DEFAULT_MAX_DOWNLOAD_SIZE; // one part at the default: nothing to learn
    }
    SparseImage image = SparseImage.open(pkg.open(m.get()));
    for (long candidate : CANDIDATE_SIZES) {
      if (FastbootSplit.partCrcs(image, candidate).equals(original.crcs())) {
        return candidate;
      }
    }
    return FastbootSplit.DEFAULT_MAX_DOWNLOAD_SIZE;
  }

  private static String flashScriptNote(FastbootPackage pkg) throws IOException {
    var scripts = pkg.flashScripts();
    if (scripts.isEmpty()) {
      return "no flash scripts in the package";
    }
    StringBuilder sb = new StringBuilder("flash scripts kept unchanged (their product and anti-rollback checks stay):");
    for (var s : scripts) {
      sb.append(' ').append(s.path());
      if (s.locksBootloader()) {
        sb.append(" [relocks the bootloader: never run it with modified images]");
      }
    }
    return sb.toString();
  }

  private static void writeContainer(Firmware fw, FastbootPackage pkg, Map<String, Replacement> replaced, Path output)
      throws IOException {
    switch (pkg.format()) {
      case DIRECTORY -> RepackSupport.writeDirectory(output, temp -> {
        for (FastbootPackage.Member m : pkg.files()) {
          Path dest = temp.resolve(m.storedName());
          Files.createDirectories(dest.getParent());
          Replacement rep = replaced.get(m.path());
          if (rep == null) {
            Files.copy(fw.path().resolve(m.storedName()), dest, StandardCopyOption.COPY_ATTRIBUTES);
          } else if (rep.file() != null) {
            Files.copy(rep.file(), dest);
          } else {
            Files.write(dest, rep.data());
          }
        }
      });
      case TAR, TGZ -> {
        try (AtomicOutput out = AtomicOutput.create(output)) {
          TarRewriter.rewrite(fw.source().orElseThrow(), pkg.format() == FastbootPackage.Format.TGZ, replaced,
              pkg::pathOf, out.stream());
          out.commit();
        }
      }
      case ZIP -> {
        ZipArchive zip = fw.zip().orElseThrow();
        try (AtomicOutput out = AtomicOutput.create(output)) {
          ZipWriter w = new ZipWriter(out.stream());
          for (ZipEntry e : zip.entries()) {
            Replacement rep = e.isDirectory() ? null : replaced.get(pkg.pathOf(e.name()));
            if (rep == null) {
              w.copy(zip, e, 1);
            } else {
              replaceZipEntry(w, e, rep);
            }
          }
          w.finish(null, zip.comment());
          out.stream().flush();
          out.commit();
        }
      }
      default -> throw new IllegalStateException(pkg.format().toString());
    }
  }

  /** The entry's name, time and attributes kept; deflated again if it was and is small, else stored. */
  static void replaceZipEntry(ZipWriter w, ZipEntry original, Replacement rep) throws IOException {
    ByteBuffer rec = ByteBuffer.wrap(original.centralRecord()).order(ByteOrder.LITTLE_ENDIAN);
    boolean deflate = original.method() == ZipEntry.DEFLATED && rep.size() <= MAX_DEFLATE_IN_MEMORY;
    ZipWriter.EntrySpec spec = new ZipWriter.EntrySpec(original.name(),
        deflate ? ZipEntry.DEFLATED : ZipEntry.STORED, rec.getShort(4) & 0xffff, original.flags() & ~0x08 & ~0x800,
        original.dosTime(), original.dosDate(), rec.getShort(36) & 0xffff, rec.getInt(38) & 0xffffffffL, 1);
    if (deflate) {
      try (ByteSource s = rep.open(original.name()); InputStream in = s.openStream()) {
        w.add(spec, in.readAllBytes());
      }
    } else {
      try (ByteSource s = rep.open(original.name())) {
        w.addStored(spec, s);
      }
    }
  }
}
