package dev.untrack.checker;

import dev.untrack.checker.dex.DexImage;
import dev.untrack.checker.input.ItemKind;
import dev.untrack.checker.input.ScanItem;
import dev.untrack.checker.match.Signatures;
import dev.untrack.checker.pack.HostRule;
import dev.untrack.checker.report.AppError;
import dev.untrack.checker.report.AppReport;
import dev.untrack.checker.report.EntryFingerprint;
import dev.untrack.checker.report.FileDigest;
import dev.untrack.checker.report.HostFinding;
import dev.untrack.checker.report.PathFinding;
import dev.untrack.checker.report.SignatureInfo;
import dev.untrack.signing.inspect.SignatureReport;
import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.apk.AndroidManifest;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.zip.ZipArchive;
import dev.untrack.rom.zip.ZipEntry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Scans one item: an app (zip or dex), a hosts file or a config file. Never throws for bad input. */
final class AppScanner {
  private static final Pattern CLASSES_DEX = Pattern.compile("classes(\\d*)\\.dex");
  private static final int MAX_MANIFEST = 16 << 20;
  /** Largest app copied out of an image to verify its signature (apksig reads files). */
  private static final long MAX_SIGNATURE_SPOOL = 2L << 30;
  private static final Set<String> NULL_ADDRESSES = Set.of("0.0.0.0", "127.0.0.1", "::", "::1", "0:0:0:0:0:0:0:0",
      "0:0:0:0:0:0:0:1", "255.255.255.255");

  /** What scanning an item produced: a report, a digest, or nothing worth keeping. */
  record Outcome(AppReport report, FileDigest digest) {}

  private final Signatures sigs;
  private final ScanOptions options;

  AppScanner(Signatures sigs, ScanOptions options) {
    this.sigs = sigs;
    this.options = options;
  }

  Outcome scan(ScanItem item) {
    switch (item.kind()) {
      case ARCHIVE: {
        AppReport r = app(item);
        if (r.kind().equals("zip") && r.dexFiles().isEmpty() && r.errors().isEmpty()) {
          // a zip that is no app (a boot animation, an OTA package): nothing to report, only to compare
          return new Outcome(null, options.digests() ? new FileDigest(r.path(), r.size(), r.sha256()) : null);
        }
        return new Outcome(r, null);
      }
      case DEX:
        return new Outcome(app(item), null);
      case HOSTS:
      case CONFIG:
        return text(item);
      default:
        return new Outcome(null, options.digests() ? digestOnly(item) : null);
    }
  }

  // ------------------------------------------------------------------ apps

  private AppReport app(ScanItem item) {
    List<AppError> errors = new ArrayList<>();
    String kind = item.kind() == ItemKind.DEX ? "dex" : kindFromName(item.path());
    String pkg = null;
    String versionName = null;
    Long versionCode = null;
    List<DexImage> dexes = new ArrayList<>();
    Map<String, EntryFingerprint> entries = new TreeMap<>();
    String sha = null;
    SignatureInfo signature = null;
    try (ByteSource src = item.opener().open()) {
      if (options.digests()) {
        sha = sha256(src);
      }
      if (item.kind() == ItemKind.DEX) {
        if (src.size() > options.maxDexBytes()) {
          throw CheckerException.corrupt(item.path(), "dex", CheckerException.NO_OFFSET, "dex of " + src.size()
              + " bytes is larger than the " + options.maxDexBytes() + " analysed");
        }
        dexes.add(DexImage.parse(leaf(item.path()), src.readFully(0, (int) src.size())));
      } else {
        try (ZipArchive z = ZipArchive.open(src)) {
          if (options.digests()) {
            for (ZipEntry e : z.entries()) {
              entries.put(e.name(), new EntryFingerprint(e.crc32(), e.size()));
            }
          }
          var m = z.entry("AndroidManifest.xml");
          if (m.isPresent()) {
            try {
              AndroidManifest man = AndroidManifest.parse(z.readAll(m.get(), MAX_MANIFEST), "AndroidManifest.xml");
              pkg = man.packageName();
              versionName = man.versionName();
              versionCode = man.versionCode();
              if (!kind.equals("jar")) {
                kind = "apk";
              }
            } catch (IOException | RuntimeException e) {
              errors.add(new AppError("AndroidManifest.xml", DexSetAnalyzer.message(e), false));
            }
          }
          for (ZipEntry e : dexEntries(z)) {
            try {
              if (e.size() > options.maxDexBytes()) {
                throw CheckerException.corrupt(e.name(), "dex", CheckerException.NO_OFFSET, "dex of " + e.size()
                    + " bytes is larger than the " + options.maxDexBytes() + " analysed");
              }
              dexes.add(DexImage.parse(e.name(), readExactly(z, e)));
            } catch (IOException | RuntimeException ex) {
              errors.add(new AppError(e.name(), DexSetAnalyzer.message(ex), false));
            }
          }
        }
      }
      if (kind.equals("apk") && options.signatures()) {
        signature = signature(item, src);
      }
    } catch (IOException | RuntimeException e) {
      errors.add(new AppError(item.path(), DexSetAnalyzer.message(e), true));
      return new AppReport(item.path(), kind, item.size(), pkg, versionName, versionCode, List.of(), List.of(),
          List.of(), List.of(), List.of(), List.of(), errors, sha, entries, null);
    }
    DexSetAnalyzer a = new DexSetAnalyzer(sigs, dexes, options.wrapperDepth(), errors);
    a.run();
    List<String> dexNames = a.analysedDexes().stream().map(DexImage::name).toList();
    return new AppReport(item.path(), kind, item.size(), pkg, versionName, versionCode, dexNames, a.sdks(),
        a.callSites(), a.hosts(), a.paths(), a.settings(), errors, sha, entries, signature);
  }

  /** Inflates an entry into an array of its declared size (no growing and copying), checking its CRC. */
  private static byte[] readExactly(ZipArchive z, ZipEntry e) throws IOException {
    byte[] b = new byte[(int) e.size()];
    try (InputStream in = z.open(e)) {
      int n = in.readNBytes(b, 0, b.length);
      if (n != b.length || in.read() != -1) { // the final read lets the stream verify size and CRC-32
        throw CheckerException.corrupt(e.name(), "zip entry", CheckerException.NO_OFFSET,
            "inflates to a different size than the " + b.length + " bytes declared");
      }
    }
    return b;
  }

  /**
   * The signing module's inspection and apksig's verification of the APK file. An app that is not a file on
   * disk (a view into a firmware image) is copied to a temporary file first, deleted right after: apksig reads
   * files, and the copy is made from the very bytes that were scanned.
   */
  private static SignatureInfo signature(ScanItem item, ByteSource src) {
    Path file = item.file();
    Path spool = null;
    try {
      if (file == null) {
        if (src.size() > MAX_SIGNATURE_SPOOL) {
          return SignatureInfo.Signatures.notChecked("larger than the " + MAX_SIGNATURE_SPOOL
              + " bytes copied out of an image for verification");
        }
        spool = Files.createTempFile("untrack-scan-", ".apk");
        try (InputStream in = src.openStream()) {
          Files.copy(in, spool, StandardCopyOption.REPLACE_EXISTING);
        }
        file = spool;
      }
      SignatureReport r = SignatureReport.of(file);
      return SignatureInfo.Signatures.of(r);
    } catch (IOException | RuntimeException e) {
      return new SignatureInfo("broken", List.of(), List.of(), List.of(DexSetAnalyzer.message(e)), false, null);
    } finally {
      if (spool != null) {
        try {
          Files.deleteIfExists(spool);
        } catch (IOException ignored) {
          // a temporary file left behind is not a scan failure
        }
      }
    }
  }

  private static String kindFromName(String path) {
    String n = path.toLowerCase(Locale.ROOT);
    if (n.endsWith(".apk") || n.endsWith(".apex")) {
      return "apk";
    }
    if (n.endsWith(".jar")) {
      return "jar";
    }
    return "zip";
  }

  private static String leaf(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** classes.dex, classes2.dex, ... in class-loader order, then any other dex entry by name. */
  static List<ZipEntry> dexEntries(ZipArchive z) {
    TreeMap<Integer, ZipEntry> primary = new TreeMap<>();
    TreeMap<String, ZipEntry> other = new TreeMap<>();
    for (ZipEntry e : z.entries()) {
      if (e.isDirectory()) {
        continue;
      }
      Matcher m = CLASSES_DEX.matcher(e.name());
      if (m.matches()) {
        String n = m.group(1);
        if (n.isEmpty()) {
          primary.put(1, e);
        } else if (!n.equals("1") && !n.startsWith("0") && n.length() < 6) {
          primary.put(Integer.parseInt(n), e);
        } else {
          other.put(e.name(), e);
        }
      } else if (e.name().toLowerCase(Locale.ROOT).endsWith(".dex")) {
        other.put(e.name(), e);
      }
    }
    List<ZipEntry> out = new ArrayList<>(primary.values());
    out.addAll(other.values());
    return out;
  }

  // ------------------------------------------------------------------ text files

  private Outcome text(ScanItem item) {
    List<AppError> errors = new ArrayList<>();
    Map<String, HostFinding> hosts = new LinkedHashMap<>();
    Map<String, PathFinding> paths = new LinkedHashMap<>();
    String sha = null;
    long size = item.size();
    try (ByteSource src = item.opener().open()) {
      size = src.size();
      if (options.digests()) {
        sha = sha256(src);
      }
      if (size > ItemKind.MAX_CONFIG_BYTES) {
        throw CheckerException.corrupt(item.path(), "text", CheckerException.NO_OFFSET, "larger than "
            + ItemKind.MAX_CONFIG_BYTES + " bytes");
      }
      String content = new String(src.readFully(0, (int) size), StandardCharsets.UTF_8);
      int lineNo = 0;
      for (String line : content.split("\r?\n", -1)) {
        lineNo++;
        if (item.kind() == ItemKind.HOSTS) {
          hostsLine(item.path(), lineNo, line, hosts);
        } else {
          configLine(item.path(), lineNo, line, hosts, paths);
        }
      }
    } catch (IOException | RuntimeException e) {
      errors.add(new AppError(item.path(), DexSetAnalyzer.message(e), true));
    }
    boolean report = item.kind() == ItemKind.HOSTS || !hosts.isEmpty() || !paths.isEmpty() || !errors.isEmpty();
    if (!report) {
      return new Outcome(null, options.digests() ? new FileDigest(item.path(), size, sha) : null);
    }
    String kind = item.kind() == ItemKind.HOSTS ? "hosts" : "config";
    return new Outcome(new AppReport(item.path(), kind, size, null, null, null, List.of(), List.of(), List.of(),
        new ArrayList<>(hosts.values()), new ArrayList<>(paths.values()), List.of(), errors, sha, Map.of(), null), null);
  }

  private void hostsLine(String path, int lineNo, String raw, Map<String, HostFinding> out) {
    String line = raw;
    int hash = line.indexOf('#');
    if (hash >= 0) {
      line = line.substring(0, hash);
    }
    String[] parts = line.trim().split("\\s+");
    if (parts.length < 2) {
      return;
    }
    boolean blocked = NULL_ADDRESSES.contains(parts[0]) || parts[0].startsWith("127.");
    for (int i = 1; i < parts.length; i++) {
      String host = parts[i].toLowerCase(Locale.ROOT);
      int best = -1;
      int bestLen = -1;
      for (int r = 0; r < sigs.hostRules().size(); r++) {
        HostRule rule = sigs.hostRules().get(r);
        if (rule.matchesToken(host) && rule.label().length() > bestLen) {
          best = r;
          bestLen = rule.label().length();
        }
      }
      if (best >= 0) {
        HostRule rule = sigs.hostRules().get(best);
        out.putIfAbsent(host, new HostFinding(host, rule.label(), rule.sdkId(), path + ":" + lineNo,
            Evidence.example(raw.trim()), blocked, functional(rule)));
      }
    }
  }

  private boolean functional(HostRule rule) {
    return rule.sdkId() != null && sigs.sdks().get(sigs.sdkIndex(rule.sdkId())).functional();
  }

  private void configLine(String path, int lineNo, String line, Map<String, HostFinding> hosts,
      Map<String, PathFinding> paths) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    List<Integer> hostRules = new ArrayList<>();
    sigs.stringMatcher().scan(b, 0, b.length, (id, end) -> {
      var p = sigs.stringPatterns().get(id);
      switch (p.kind()) {
        case HOST:
          hostRules.add(p.ref());
          break;
        case PATH:
          paths.putIfAbsent(p.text() + "|" + lineNo, new PathFinding(p.text(), sigs.sdks().get(p.sdk()).id(),
              path + ":" + lineNo, Evidence.example(line.trim())));
          break;
        default:
          break;
      }
    });
    if (!hostRules.isEmpty()) {
      int[] c = hostRules.stream().mapToInt(Integer::intValue).distinct().toArray();
      for (Evidence.HostHit h : Evidence.hosts(sigs, line, c, c.length)) {
        HostRule r = sigs.hostRules().get(h.rule());
        hosts.putIfAbsent(h.token() + "|" + lineNo, new HostFinding(h.token(), r.label(), r.sdkId(),
            path + ":" + lineNo, Evidence.example(line.trim()), false, functional(r)));
      }
    }
  }

  // ------------------------------------------------------------------ digests

  private FileDigest digestOnly(ScanItem item) {
    try (ByteSource src = item.opener().open()) {
      return new FileDigest(item.path(), src.size(), sha256(src));
    } catch (IOException | RuntimeException e) {
      return new FileDigest(item.path(), item.size(), "unreadable: " + DexSetAnalyzer.message(e));
    }
  }

  static String sha256(ByteSource src) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buf = new byte[1 << 16];
    try (InputStream in = src.openStream()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
