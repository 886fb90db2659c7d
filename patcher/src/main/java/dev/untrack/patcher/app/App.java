package dev.untrack.patcher.app;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.apk.AndroidManifest;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.zip.ZipArchive;
import dev.untrack.rom.zip.ZipEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An APK or JAR opened read-only: its zip directory, its manifest facts (JARs have none) and its
 * {@code classesN.dex} entries in load order. Dex files are loaded on demand, one at a time.
 */
public final class App implements AutoCloseable {
  private static final Pattern DEX_NAME = Pattern.compile("classes([1-9][0-9]{0,3})?\\.dex");
  /** A manifest larger than this is not a manifest. */
  private static final int MAX_MANIFEST = 16 << 20;

  /** Whether there is code to patch. */
  public enum CodeState {
    /** One or more classesN.dex entries. */
    DEX,
    /** No dex, with an {@code oat/} directory beside it: compiled ahead of time, nothing to patch here. */
    ODEXED,
    /** No dex at all (resource-only APK, plain Java jar). */
    NO_CODE
  }

  private final String name;
  private final ZipArchive zip;
  private final AndroidManifest manifest;
  private final List<DexEntry> dex;
  private final CodeState codeState;

  private App(String name, ZipArchive zip, AndroidManifest manifest, List<ZipEntry> dexEntries, boolean oatBeside) {
    this.name = name;
    this.zip = zip;
    this.manifest = manifest;
    List<DexEntry> d = new ArrayList<>();
    for (ZipEntry e : dexEntries) {
      d.add(new DexEntry(this, e, number(e.name())));
    }
    this.dex = List.copyOf(d);
    this.codeState = !d.isEmpty() ? CodeState.DEX : oatBeside ? CodeState.ODEXED : CodeState.NO_CODE;
  }

  /** Opens the file at {@code path}; an {@code oat/} directory beside it marks an odexed app. */
  public static App open(Path path) throws IOException {
    FileByteSource src = FileByteSource.open(path);
    try {
      Path parent = path.toAbsolutePath().getParent();
      boolean oat = parent != null && Files.isDirectory(parent.resolve("oat"));
      return open(src, path.toString(), oat);
    } catch (IOException | RuntimeException e) {
      src.close();
      throw e;
    }
  }

  /** Opens an app held by {@code source}; it is closed with the app. */
  public static App open(ByteSource source, String name, boolean oatBeside) throws IOException {
    ZipArchive zip = ZipArchive.open(source);
    AndroidManifest manifest = null;
    Optional<ZipEntry> m = zip.entry("AndroidManifest.xml");
    if (m.isPresent()) {
      byte[] bytes = zip.readAll(m.get(), MAX_MANIFEST);
      try {
        manifest = AndroidManifest.parse(bytes, name + " > AndroidManifest.xml");
      } catch (RomFormatException e) {
        throw e;
      } catch (RuntimeException e) {
        throw RomFormatException.corrupt(name + " > AndroidManifest.xml", "AndroidManifest",
            RomFormatException.NO_OFFSET, "cannot be read: " + e);
      }
    }
    List<ZipEntry> dexEntries = new ArrayList<>();
    for (ZipEntry e : zip.entries()) {
      if (DEX_NAME.matcher(e.name()).matches()) {
        dexEntries.add(e);
      }
    }
    dexEntries.sort(Comparator.comparingInt(e -> number(e.name())));
    return new App(name, zip, manifest, dexEntries, oatBeside);
  }

  private static int number(String entryName) {
    Matcher m = DEX_NAME.matcher(entryName);
    if (!m.matches()) {
      throw new IllegalArgumentException(entryName);
    }
    return m.group(1) == null ? 1 : Integer.parseInt(m.group(1));
  }

  /** The path or name used in messages. */
  public String name() {
    return name;
  }

  public ZipArchive zip() {
    return zip;
  }

  /** Manifest facts; empty for a JAR. */
  public Optional<AndroidManifest> manifest() {
    return Optional.ofNullable(manifest);
  }

  public Optional<String> packageName() {
    return manifest().map(AndroidManifest::packageName);
  }

  /** classes.dex, classes2.dex, ... in the order the runtime loads them. */
  public List<DexEntry> dexEntries() {
    return dex;
  }

  public CodeState codeState() {
    return codeState;
  }

  /** The entry name the next dex file would get ({@code classesN.dex} after the highest N). */
  public String nextDexName(int extra) {
    int max = 0;
    for (DexEntry d : dex) {
      max = Math.max(max, d.number());
    }
    int n = max + 1 + extra;
    return n == 1 ? "classes.dex" : "classes" + n + ".dex";
  }

  @Override
  public void close() throws IOException {
    zip.close();
  }
}
