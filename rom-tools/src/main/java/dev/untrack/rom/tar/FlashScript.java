package dev.untrack.rom.tar;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A flash script of a fastboot package ({@code flash_all.sh}, {@code flash_all_except_storage.bat}...), kept as
 * text so a writer can regenerate it, with its {@code fastboot flash} lines picked out.
 *
 * @param path the script's path relative to the package root
 */
public record FlashScript(String path, String text) {
  private static final Pattern FLASH = Pattern.compile(
      "^\\s*fastboot(?:\\.exe)?\\s+(?:\\S*[$%]\\*\\S*\\s+)?(?:-\\S+\\s+)*flash\\s+(\\S+)\\s+(\\S+)");

  /**
   * One {@code fastboot flash PARTITION IMAGE} line.
   *
   * @param image the image path relative to the package root ("images/super.img")
   * @param line 1-based line number
   */
  public record FlashCommand(String partition, String image, int line) {}

  public boolean isWindows() {
    return path.toLowerCase(java.util.Locale.ROOT).endsWith(".bat");
  }

  /** True for scripts that relock the bootloader: never run them with modified images. */
  public boolean locksBootloader() {
    return path.toLowerCase(java.util.Locale.ROOT).contains("lock")
        && text.matches("(?s).*fastboot\\S*\\s+(?:\\S*[$%]\\*\\S*\\s+)?(?:oem|flashing)\\s+lock\\b.*");
  }

  public List<FlashCommand> flashCommands() {
    List<FlashCommand> out = new ArrayList<>();
    String[] lines = text.split("\r?\n");
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i];
      String trimmed = l.trim();
      if (trimmed.startsWith("#") || trimmed.regionMatches(true, 0, "rem ", 0, 4) || trimmed.startsWith("::")) {
        continue;
      }
      Matcher m = FLASH.matcher(l.replace("`dirname $0`/", "").replace("$(dirname $0)/", ""));
      if (m.find()) {
        out.add(new FlashCommand(m.group(1), imagePath(m.group(2)), i + 1));
      }
    }
    return out;
  }

  static String imagePath(String raw) {
    String p = raw.replace("\"", "").replace("'", "").replace('\\', '/');
    p = p.replace("`dirname $0`/", "").replace("$(dirname $0)/", "").replace("%~dp0", "");
    while (p.startsWith("./")) {
      p = p.substring(2);
    }
    if (p.startsWith("/images/")) {
      p = p.substring(1);
    }
    return p;
  }
}
