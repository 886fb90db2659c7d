package dev.untrack.pipeline.rom;

import dev.untrack.patches.hosts.TelemetryHosts;
import dev.untrack.rom.fs.FileSystemEdits;
import dev.untrack.rom.fs.FileSystemImage;
import dev.untrack.rom.fs.FsEntry;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.FileByteSource;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The filesystem edits of one partition: patched APKs and JARs replace the originals (owner, mode, label kept,
 * new mtime), the stale ahead-of-time code next to them goes ({@code oat/} beside an APK; a jar's
 * {@code framework/oat/<arch>/} files, and the boot image when the jar is part of it), app folders get the new
 * mtime (the package cache compares it), and {@code /system/etc/hosts} gets the telemetry hosts.
 */
final class PartitionEditPlanner {
  private static final Pattern BOOT_IMAGE = Pattern.compile("boot(-.*)?\\.(art|oat|vdex)");
  private static final Pattern SYSTEM = Pattern.compile("system(_[ab])?");

  /**
   * The edits, what they are in words, the paths they change (replaced, deleted, hosts), and the sources to close
   * once the image is written.
   */
  record Plan(FileSystemEdits edits, List<String> notes, List<String> paths, List<Closeable> sources) {}

  private PartitionEditPlanner() {}

  /**
   * @param apps the patched apps of this partition
   * @param hosts add the telemetry hosts when this is the system partition and it has a hosts file
   * @param mtime the time of the changed files, or null to derive it from the image
   */
  static Plan plan(String partition, FileSystemImage fs, List<AppPatchJob.Result> apps, boolean hosts, Long mtime)
      throws IOException {
    if (apps.isEmpty() && !(hosts && SYSTEM.matcher(partition).matches())) {
      return new Plan(new FileSystemEdits(0), List.of(), List.of(), List.of());
    }
    long time = mtime != null ? mtime : derivedTime(fs);
    FileSystemEdits edits = new FileSystemEdits(time);
    List<String> notes = new ArrayList<>();
    List<Closeable> sources = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    TreeSet<String> deleted = new TreeSet<>();
    TreeSet<String> touched = new TreeSet<>();
    for (AppPatchJob.Result r : apps) {
      String path = r.app().path();
      FileByteSource content = FileByteSource.open(r.patched());
      sources.add(content);
      edits.replace(path, content, time);
      notes.add("replaced " + path);
      paths.add(path);
      String dir = parent(path);
      if (r.app().isJar()) {
        staleJarArtifacts(fs, path, deleted);
      } else {
        Optional<FsEntry> oat = fs.lookup(dir + "/oat");
        if (oat.isPresent()) {
          deleted.add(oat.get().path());
        }
        touched.add(dir);
      }
    }
    for (String d : deleted) {
      edits.delete(d);
      notes.add("deleted " + d + " (stale ahead-of-time code)");
      paths.add(d);
    }
    for (String d : touched) {
      edits.touchDirectory(d, time);
    }
    if (hosts && SYSTEM.matcher(partition).matches()) {
      hostsEdit(fs, edits, time, notes, paths);
    }
    return new Plan(edits, notes, paths, sources);
  }

  /**
   * A changed jar's odex/vdex/art under {@code framework/oat/<arch>/} are stale. When the jar is compiled into
   * the boot image ({@code framework/<arch>/boot-<jar>.*}), the whole boot image is: its parts depend on each
   * other, and a stale boot image can keep the device from booting. ART compiles a new one on the device.
   */
  private static void staleJarArtifacts(FileSystemImage fs, String jar, TreeSet<String> deleted)
      throws IOException {
    String dir = parent(jar);
    String stem = jar.substring(jar.lastIndexOf('/') + 1).replaceFirst("\\.jar$", "");
    Optional<FsEntry> oat = fs.lookup(dir + "/oat");
    if (oat.isPresent() && oat.get().isDirectory()) {
      for (FsEntry arch : fs.list(oat.get())) {
        if (!arch.isDirectory()) {
          continue;
        }
        for (FsEntry f : fs.list(arch)) {
          String n = f.name();
          if (n.equals(stem + ".odex") || n.equals(stem + ".vdex") || n.equals(stem + ".art")) {
            deleted.add(f.path());
          }
        }
      }
    }
    Optional<FsEntry> frameworkDir = fs.lookup(dir);
    if (frameworkDir.isEmpty()) {
      return;
    }
    List<FsEntry> archDirs = new ArrayList<>();
    boolean inBootImage = false;
    for (FsEntry arch : fs.list(frameworkDir.get())) {
      if (!arch.isDirectory() || arch.name().equals("oat")) {
        continue;
      }
      archDirs.add(arch);
      for (FsEntry f : fs.list(arch)) {
        if (f.name().startsWith("boot-" + stem + ".")) {
          inBootImage = true;
        }
      }
    }
    if (!inBootImage) {
      return;
    }
    for (FsEntry arch : archDirs) {
      for (FsEntry f : fs.list(arch)) {
        if (BOOT_IMAGE.matcher(f.name()).matches()) {
          deleted.add(f.path());
        }
      }
    }
  }

  private static void hostsEdit(FileSystemImage fs, FileSystemEdits edits, long time, List<String> notes,
      List<String> paths) throws IOException {
    for (String path : List.of("/system/etc/hosts", "/etc/hosts")) {
      Optional<FsEntry> e = fs.lookup(path);
      if (e.isEmpty() || !e.get().isRegular()) {
        continue;
      }
      byte[] old;
      try (ByteSource s = fs.content(e.get())) {
        if (s.size() > (4 << 20)) {
          notes.add("hosts: " + path + " is larger than 4 MiB, left as it is");
          return;
        }
        old = s.readFully(0, (int) s.size());
      }
      String rendered = TelemetryHosts.builtin().renderAndroidHosts(new String(old, StandardCharsets.UTF_8));
      byte[] now = rendered.getBytes(StandardCharsets.UTF_8);
      if (java.util.Arrays.equals(old, now)) {
        notes.add("hosts: " + path + " already lists the telemetry hosts");
        return;
      }
      edits.replace(path, new dev.untrack.rom.io.ArrayByteSource(now, path), time);
      paths.add(path);
      notes.add("hosts: " + TelemetryHosts.builtin().blocked().size() + " telemetry hosts added to " + path);
      return;
    }
    notes.add("hosts: no /system/etc/hosts in this partition, none added");
  }

  /**
   * One second after the newest file of the image: newer than everything the build shipped (so the package cache
   * sees the change) and the same on every run.
   */
  static long derivedTime(FileSystemImage fs) throws IOException {
    long[] newest = {0};
    fs.walk(e -> {
      newest[0] = Math.max(newest[0], e.mtime());
      return true;
    });
    return newest[0] + 1;
  }

  private static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }
}
