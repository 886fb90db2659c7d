package dev.untrack.checker.input;

import java.util.Locale;

/** What an input file is, as far as the checker is concerned. */
public enum ItemKind {
  /** a zip: APK, JAR (with or without dex), or another zip */
  ARCHIVE,
  /** a bare dex file */
  DEX,
  /** a hosts file ({@code /system/etc/hosts}) */
  HOSTS,
  /** a small text configuration file (xml, json, conf, prop, ...) scanned for hosts and URL paths */
  CONFIG,
  /** anything else: only digested for baseline comparison */
  OTHER;

  /** Config files larger than this are not scanned as text. */
  public static final long MAX_CONFIG_BYTES = 4L << 20;

  private static final String[] CONFIG_SUFFIXES = {
    ".xml", ".json", ".conf", ".cfg", ".prop", ".properties", ".ini", ".txt"
  };

  /**
   * Classifies a file from its path (forward slashes) and first bytes. Zips and dex files are recognised by
   * their magic, whatever their name; hosts and config files by name.
   */
  public static ItemKind classify(String path, byte[] head, long size) {
    if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
      return ARCHIVE;
    }
    if (head.length >= 4 && head[0] == 'd' && head[1] == 'e' && head[2] == 'x' && head[3] == '\n') {
      return DEX;
    }
    String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    // Named like an app but without the magic: still an app, which will be reported as unreadable.
    if (name.endsWith(".apk") || name.endsWith(".jar") || name.endsWith(".apex")) {
      return ARCHIVE;
    }
    if (name.endsWith(".dex")) {
      return DEX;
    }
    if (name.equals("hosts")) {
      return HOSTS;
    }
    if (size <= MAX_CONFIG_BYTES) {
      for (String s : CONFIG_SUFFIXES) {
        if (name.endsWith(s)) {
          return CONFIG;
        }
      }
    }
    return OTHER;
  }
}
