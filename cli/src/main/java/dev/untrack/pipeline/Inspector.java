package dev.untrack.pipeline;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.apk.AndroidManifest;
import dev.untrack.rom.dex.DexClassNames;
import dev.untrack.rom.firmware.AppFile;
import dev.untrack.rom.firmware.Firmware;
import dev.untrack.rom.firmware.FirmwareFiles;
import dev.untrack.rom.firmware.FirmwareKind;
import dev.untrack.rom.firmware.FirmwareReader;
import dev.untrack.rom.firmware.Partition;
import dev.untrack.rom.fs.FileSystemImage;
import dev.untrack.rom.fs.FileSystems;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.zip.ZipArchive;
import dev.untrack.rom.zip.ZipEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A quick look inside a firmware, APK or JAR: the container, its partitions, and each app's identity and which
 * telemetry SDKs it defines. The deep scan is the checker's job; this reads manifests and dex class lists only.
 */
public final class Inspector {
  private static final Pattern DEX = Pattern.compile("classes\\d*\\.dex");
  private static final int MAX_MANIFEST = 16 << 20;
  private static final int MAX_DEX = 512 << 20;

  /**
   * @param sdkPrefixes SDK id → type-descriptor prefixes ({@code Lcom/xiaomi/onetrack/}) whose classes identify it
   * @param threads apps read in parallel
   */
  public record Options(Map<String, List<String>> sdkPrefixes, Path workDir, int threads) {}

  private final Options options;

  public Inspector(Options options) {
    this.options = options;
  }

  public InspectReport inspect(Path input, Progress progress) throws IOException {
    progress.begin("opening " + input.getFileName(), -1);
    try (Firmware fw = FirmwareReader.open(input, FirmwareReader.Options.in(options.workDir()))) {
      progress.end();
      return inspect(fw, progress);
    }
  }

  /** As {@link #inspect(Path, Progress)}, on firmware the caller has open and goes on using. */
  public InspectReport inspect(Firmware fw, Progress progress) throws IOException {
    Path input = fw.path();
    List<InspectReport.PartitionInfo> parts = new ArrayList<>();
    for (Partition p : fw.partitions()) {
      parts.add(new InspectReport.PartitionInfo(p.name(), p.size(), p.type().name(), volume(p), p.origin(),
          p.parent()));
    }
    List<InspectReport.AppInfo> apps;
    if (fw.kind() == FirmwareKind.APK || fw.kind() == FirmwareKind.JAR) {
      ByteSource src = fw.source().orElseThrow();
      apps = List.of(app(input.getFileName().toString(), src, false));
    } else {
      try (FirmwareFiles files = FirmwareFiles.open(fw)) {
        apps = apps(files, progress);
      }
    }
    return new InspectReport(input.toString(), fw.kind().name(), parts, apps);
  }

  private static String volume(Partition p) {
    switch (p.type()) {
      case EXT4:
      case EROFS:
        try (FileSystemImage fs = FileSystems.open(p.content())) {
          return fs.volumeName();
        } catch (IOException e) {
          return "";
        }
      default:
        return "";
    }
  }

  private List<InspectReport.AppInfo> apps(FirmwareFiles files, Progress progress) throws IOException {
    return ParallelApps.map(files.apps(), options.threads(), "inspect", "reading apps", progress,
        (f, index) -> app(f.location(), f.content(), odexed(files, f)));
  }


  /** An app is odexed when its folder has {@code oat/<arch>/<name>.odex}. */
  private static boolean odexed(FirmwareFiles files, AppFile f) throws IOException {
    FileSystemImage fs = files.filesystems().get(f.partition());
    int slash = f.path().lastIndexOf('/');
    String dir = f.path().substring(0, slash);
    String stem = f.path().substring(slash + 1).replaceFirst("\\.(apk|jar)$", "");
    Optional<dev.untrack.rom.fs.FsEntry> oat = fs.lookup(dir + "/oat");
    if (oat.isEmpty() || !oat.get().isDirectory()) {
      return false;
    }
    for (dev.untrack.rom.fs.FsEntry arch : fs.list(oat.get())) {
      if (arch.isDirectory() && fs.lookup(arch.path() + "/" + stem + ".odex").isPresent()) {
        return true;
      }
    }
    return false;
  }

  /** Reads one app; a broken app is reported with its error, the others go on. */
  InspectReport.AppInfo app(String location, ByteSource bytes, boolean oatBeside) {
    try (ZipArchive zip = ZipArchive.open(nonClosing(bytes))) {
      AndroidManifest m = null;
      Optional<ZipEntry> manifest = zip.entry("AndroidManifest.xml");
      if (manifest.isPresent()) {
        m = AndroidManifest.parse(zip.readAll(manifest.get(), MAX_MANIFEST), location + " > AndroidManifest.xml");
      }
      int dexFiles = 0;
      TreeSet<String> sdks = new TreeSet<>();
      for (ZipEntry e : zip.entries()) {
        if (!DEX.matcher(e.name()).matches()) {
          continue;
        }
        dexFiles++;
        String where = location + " > " + e.name();
        byte[] dex = zip.readAll(e, MAX_DEX);
        if (DexClassNames.version(dex, where).compareTo("040") >= 0) {
          continue; // container dex: the checker reads it; a quick look does not
        }
        for (String cls : DexClassNames.definedClasses(dex, where)) {
          options.sdkPrefixes().forEach((id, prefixes) -> {
            for (String p : prefixes) {
              if (cls.startsWith(p)) {
                sdks.add(id);
              }
            }
          });
        }
      }
      return new InspectReport.AppInfo(location, bytes.size(), m == null ? null : m.packageName(),
          m == null ? null : m.versionCode(), m == null ? null : m.versionName(),
          m == null ? null : m.sharedUserId(), dexFiles, dexFiles == 0 && oatBeside, List.copyOf(sdks), null);
    } catch (RomFormatException e) {
      return new InspectReport.AppInfo(location, bytes.size(), null, null, null, null, 0, false, List.of(),
          e.getMessage());
    } catch (IOException e) {
      return new InspectReport.AppInfo(location, bytes.size(), null, null, null, null, 0, false, List.of(),
          location + ": " + e.getMessage());
    }
  }

  /** The firmware owns the bytes; closing an app's zip must not close them. */
  private static ByteSource nonClosing(ByteSource s) {
    return s.slice(0, s.size(), s.name());
  }
}
