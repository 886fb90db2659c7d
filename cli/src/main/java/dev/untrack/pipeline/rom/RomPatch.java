package dev.untrack.pipeline.rom;

import dev.untrack.checker.input.FirmwareScanSource;
import dev.untrack.pipeline.ParallelApps;
import dev.untrack.pipeline.Progress;
import dev.untrack.pipeline.SingleAppPatch;
import dev.untrack.pipeline.TempTree;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.sparse.SparseImage;
import dev.untrack.rom.firmware.Firmware;
import dev.untrack.rom.firmware.FirmwareFiles;
import dev.untrack.rom.firmware.FirmwareKind;
import dev.untrack.rom.firmware.FirmwareReader;
import dev.untrack.rom.firmware.Partition;
import dev.untrack.rom.fs.EditPlan;
import dev.untrack.rom.fs.EditResult;
import dev.untrack.rom.fs.FileSystemEditor;
import dev.untrack.rom.fs.FileSystemImage;
import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.fs.FsEditException;
import dev.untrack.signing.avb.AvbDescriptor;
import dev.untrack.signing.keys.SigningKey;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code untrack patch ROM -o OUT}: patch every app the patch set applies to, write the changed files back into
 * their filesystems surgically, put AVB footers back, update vbmeta, write a container of the same kind, and
 * let the checker judge the written output against the input. Temporary files live in a work directory beside
 * the output and are deleted at the end; the output appears atomically or not at all; the input is only read.
 */
public final class RomPatch {
  private RomPatch() {}

  /** True when {@code input} is firmware (anything the firmware reader knows except a single APK or JAR). */
  public static boolean isFirmware(Path input) throws IOException {
    FirmwareKind k = FirmwareReader.detect(input);
    return k != FirmwareKind.APK && k != FirmwareKind.JAR;
  }

  public static RomPatchReport run(RomPatchRequest r, Progress progress) throws IOException {
    if (SingleAppPatch.sameFile(r.input(), r.output())) {
      throw new IllegalArgumentException("the output must not be the input file: " + r.output());
    }
    FirmwareKind kind = FirmwareReader.detect(r.input());
    SigningKey avbKey = r.avbKey() == null ? null : r.avbKey().load();
    SigningKey otaKey = r.otaKey() == null ? null : r.otaKey().load();
    ContainerOutput writer = ContainerOutput.forKind(kind, isSparse(r.input()), otaKey);
    Path out = r.output().toAbsolutePath();
    // Ctrl-C: the temporary images go too (the output is atomic on its own). The hook is in place before the
    // directory exists, and it runs while the pipeline's threads still write, so it deletes until the
    // directory itself is gone: nothing can be created in it after that.
    AtomicReference<Path> work = new AtomicReference<>();
    Thread cleanup = new Thread(() -> deleteUntilGone(work.get()), "rom-patch-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    Path workDir;
    try {
      workDir = Files.createTempDirectory(out.getParent(), "." + out.getFileName() + ".untrack-work-");
    } catch (IOException e) {
      Runtime.getRuntime().removeShutdownHook(cleanup);
      throw e;
    }
    work.set(workDir);
    try {
      return run(r, progress, kind, writer, avbKey, workDir);
    } finally {
      TempTree.delete(workDir);
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException ignored) {
        // already shutting down: the hook runs anyway
      }
    }
  }

  private static RomPatchReport run(RomPatchRequest r, Progress progress, FirmwareKind kind,
      ContainerOutput writer, SigningKey avbKey, Path workDir) throws IOException {
    progress.begin("opening " + r.input().getFileName(), -1);
    try (Firmware fw = FirmwareReader.open(r.input(), FirmwareReader.Options.in(workDir));
        FirmwareFiles files = FirmwareFiles.open(fw)) {
      progress.end();
      List<AppPatchJob.Result> results = r.patches().isEmpty() ? List.of() : patchApps(r, files, workDir, progress);
      List<String> warnings = new ArrayList<>();
      Edits edits = new Edits();
      if (!r.patches().isEmpty()) {
        for (Map.Entry<String, FileSystemImage> e : files.filesystems().entrySet()) {
          editIfNeeded(fw, files, e.getKey(), e.getValue(), results, r, avbKey, workDir, edits, progress);
        }
      }
      Map<String, Path> changed = edits.images;
      Set<String> intended = edits.intended;
      List<RomPatchReport.PartitionChange> partitions = edits.partitions;
      VbmetaAction.Result vb = VbmetaAction.apply(fw, edits.sealed, r.avbFlags(), avbKey, workDir);
      List<String> avb = new ArrayList<>(vb.notes());
      if (!changed.isEmpty()) {
        for (String name : vb.images().keySet()) {
          if (fw.partition(name).isEmpty()) {
            continue;
          }
          changed.put(name, vb.images().get(name));
          intended.add(name + ":");
        }
        warnings.add(VbmetaAction.WARNING);
      }
      progress.begin("writing " + r.output().getFileName(), -1);
      List<String> container;
      try {
        container = writer.write(fw, changed, r.output(), workDir);
      } finally {
        progress.end();
      }
      List<AppChange> listed = new ArrayList<>();
      int unchanged = 0;
      java.util.TreeMap<String, Integer> unchangedBy = new java.util.TreeMap<>();
      for (AppPatchJob.Result x : results) {
        if (x.change().patched() || x.change().failed()) {
          listed.add(x.change());
        } else {
          unchanged++;
          unchangedBy.merge(x.change().outcome(), 1, Integer::sum);
        }
      }
      RomPatchReport report = new RomPatchReport(r.input().toString(), r.output().toString(), kind.name(), listed,
          results.size(), unchanged, unchangedBy, partitions, avb, container, warnings, changed.isEmpty(), null);
      progress.begin("checking " + r.output().getFileName(), -1);
      try {
        return report.withChecker(CheckerVerdict.run(fw, r.output(), workDir, r.threads(), intended));
      } finally {
        progress.end();
      }
    }
  }

  /** What the partition edits produced, collected for the vbmeta step, the container and the checker. */
  private static final class Edits {
    final Map<String, Path> images = new LinkedHashMap<>();
    final Map<String, AvbDescriptor.Hashtree> sealed = new LinkedHashMap<>();
    final List<RomPatchReport.PartitionChange> partitions = new ArrayList<>();
    final Set<String> intended = new TreeSet<>();
  }

  /** Plans the edits of one filesystem partition and, when there are any, writes its new image. */
  private static void editIfNeeded(Firmware fw, FirmwareFiles files, String name, FileSystemImage fs,
      List<AppPatchJob.Result> results, RomPatchRequest r, SigningKey avbKey, Path workDir, Edits edits,
      Progress progress) throws IOException {
    List<AppPatchJob.Result> mine = results.stream()
        .filter(x -> x.patched() != null && x.app().partition().equals(name)).toList();
    PartitionEditPlanner.Plan plan = PartitionEditPlanner.plan(name, fs, mine, r.hosts(), r.mtime());
    try {
      if (plan.edits().isEmpty()) {
        return;
      }
      progress.begin("writing " + name, -1);
      PartitionResult pr = editPartition(fw, files.partition(name), plan, r, avbKey, workDir);
      edits.images.put(name, pr.image());
      edits.sealed.put(name, pr.descriptor());
      edits.partitions.add(pr.change());
      plan.paths().forEach(x -> edits.intended.add(name + ":" + x));
      edits.intended.add(name + ":" + FirmwareScanSource.ATTRIBUTES);
    } finally {
      closeAll(plan.sources());
      progress.end();
    }
  }

  private static boolean isSparse(Path input) throws IOException {
    if (!Files.isRegularFile(input)) {
      return false;
    }
    try (FileByteSource s = FileByteSource.open(input)) {
      return SparseImage.isSparse(s);
    }
  }

  private record PartitionResult(Path image, AvbDescriptor.Hashtree descriptor,
      RomPatchReport.PartitionChange change) {}

  private static PartitionResult editPartition(Firmware fw, Partition p, PartitionEditPlanner.Plan plan,
      RomPatchRequest r, SigningKey avbKey, Path workDir) throws IOException {
    String name = p.name();
    Optional<AvbResealer> avb = AvbResealer.of(name, p.content());
    Optional<PartitionLimits.Limit> limit = PartitionLimits.of(fw, p, r.partitionSizes(), avb.isPresent());
    long fsLimit = Long.MAX_VALUE;
    if (avb.isPresent()) {
      fsLimit = avb.get().maxFilesystemSize();
    } else if (limit.isPresent()) {
      fsLimit = limit.get().bytes();
    }
    EditPlan ep;
    try {
      ep = FileSystemEditor.plan(p.content(), plan.edits(), FileSystemEditor.Limits.maxSize(fsLimit));
    } catch (FsEditException e) {
      if (e.reason() == FsEditException.Reason.OVER_SIZE_LIMIT
          || e.reason() == FsEditException.Reason.NOT_ENOUGH_SPACE) {
        String where = limit.map(l -> l.bytes() + " bytes (" + l.source() + ")").orElse("its size");
        throw new RomPatchException(name + ": the patched image does not fit the partition of " + where + ": "
            + e.shortfall() + " bytes missing" + (avb.isPresent() ? " (room for hashtree, vbmeta and footer "
            + "included)" : ""), e.shortfall(), e);
      }
      throw e;
    }
    Path image = workDir.resolve(name + ".img");
    try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(image), 1 << 20)) {
      ep.writeTo(o);
    } catch (RomFormatException | FsEditException e) {
      throw e;
    } catch (IOException e) {
      // a full disk says only "No space left on device": name the file being written
      throw new IOException(image + ": cannot write the patched " + name + " image: " + e.getMessage(), e);
    }
    EditResult res = ep.result();
    String avbNote = "";
    AvbDescriptor.Hashtree descriptor = null;
    if (avb.isPresent()) {
      AvbResealer.Sealed s = avb.get().reseal(image, workDir, avbKey);
      descriptor = s.descriptor();
      avbNote = s.note();
    } else if (res.droppedTailBytes() > 0) {
      avbNote = res.droppedTailBytes() + " bytes after the filesystem (no AVB footer) were not carried over";
    }
    List<String> changes = new ArrayList<>(plan.notes());
    changes.add(res.format() + ": " + res.appendedBytes() + " bytes appended, " + res.rewrittenBytes()
        + " rewritten in place");
    String lim = limit.map(l -> l.bytes() + " (" + l.source() + ")").orElse("");
    return new PartitionResult(image, descriptor, new RomPatchReport.PartitionChange(name, res.format(), p.size(),
        Files.size(image), res.outputSize(), lim, changes, avbNote));
  }

  private static List<AppPatchJob.Result> patchApps(RomPatchRequest r, FirmwareFiles files, Path workDir,
      Progress progress) throws IOException {
    AppPatchJob job = new AppPatchJob(r, workDir);
    return ParallelApps.map(files.apps(), r.threads(), "rom-patch", "patching apps", progress,
        (f, index) -> job.run(f, files.filesystems().get(f.partition()), index));
  }


  private static void closeAll(List<Closeable> sources) {
    for (Closeable c : sources) {
      try {
        c.close();
      } catch (IOException ignored) {
        // read-only sources of temporary files
      }
    }
  }

  private static void deleteUntilGone(Path dir) {
    if (dir == null) {
      return;
    }
    for (int attempt = 0; attempt < 100 && Files.exists(dir); attempt++) {
      try {
        TempTree.delete(dir);
      } catch (IOException | java.io.UncheckedIOException racedWithAWriter) {
        // a file appeared or vanished while walking: try again
      }
      if (Files.exists(dir)) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
