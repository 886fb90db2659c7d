package dev.untrack.rom.tar;

import dev.untrack.rom.RomFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code images/crclist.txt} of a Xiaomi fastboot package: the line {@code CRC-LIST}, then
 * {@code <partition> 0x<crc32>} per image, the CRC-32 of the whole image file. Xiaomi bootloaders refuse an image
 * whose CRC differs ("Check CRC failed"), so the list must be regenerated when an image changes.
 */
public record CrcList(List<Entry> entries) {
  public static final String HEADER = "CRC-LIST";

  /** @param crc32 unsigned 32-bit value */
  public record Entry(String partition, long crc32) {}

  public CrcList {
    entries = List.copyOf(entries);
  }

  public Optional<Entry> entry(String partition) {
    return entries.stream().filter(e -> e.partition().equals(partition)).findFirst();
  }

  public static CrcList parse(String text, String file) throws RomFormatException {
    List<Entry> out = new ArrayList<>();
    String[] lines = text.split("\r?\n");
    int i = 0;
    while (i < lines.length && lines[i].isBlank()) {
      i++;
    }
    if (i >= lines.length || !lines[i].trim().equals(HEADER)) {
      throw RomFormatException.corrupt(file, "crclist", RomFormatException.NO_OFFSET,
          "does not start with " + HEADER);
    }
    for (i++; i < lines.length; i++) {
      String line = lines[i].trim();
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\\s+");
      if (f.length != 2) {
        throw RomFormatException.corrupt(file, "crclist", RomFormatException.NO_OFFSET,
            "line " + (i + 1) + " is not '<partition> 0x<crc>': " + line);
      }
      out.add(new Entry(f[0], parseCrc(f[1], file, i + 1)));
    }
    return new CrcList(out);
  }

  /** The file text, as Xiaomi's script writes it ({@code hex()} style: lowercase, no leading zeros). */
  public String format() {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (Entry e : entries) {
      sb.append(e.partition()).append(' ').append(hex(e.crc32())).append('\n');
    }
    return sb.toString();
  }

  static String hex(long crc) {
    return "0x" + Long.toHexString(crc & 0xffffffffL);
  }

  static long parseCrc(String s, String file, int line) throws RomFormatException {
    String h = s.startsWith("0x") || s.startsWith("0X") ? s.substring(2) : null;
    if (h != null && h.endsWith("L")) {
      h = h.substring(0, h.length() - 1);
    }
    if (h == null || h.isEmpty() || h.length() > 8) {
      throw RomFormatException.corrupt(file, "crclist", RomFormatException.NO_OFFSET,
          "line " + line + ": '" + s + "' is not a 0x-prefixed 32-bit hex value");
    }
    try {
      return Long.parseLong(h, 16);
    } catch (NumberFormatException e) {
      throw RomFormatException.corrupt(file, "crclist", RomFormatException.NO_OFFSET,
          "line " + line + ": '" + s + "' is not hexadecimal");
    }
  }
}
