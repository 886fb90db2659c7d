package dev.untrack.rom.tar;

import dev.untrack.rom.RomFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code images/sparsecrclist.txt} of a Xiaomi fastboot package: the line {@code SPARSECRC-LIST}, then per
 * sparse image {@code <partition> <parts> <crc32 of part 1> ... <crc32 of part n>}, where the parts are the
 * sparse files fastboot sends at max-download-size (see {@code dev.untrack.rom.sparse.FastbootSplit}). Older
 * packages write {@code <partition> 0x<crc32> <parts>} with one CRC over all the data; that form is read as
 * {@link Entry#legacy}.
 */
public record SparseCrcList(List<Entry> entries) {
  public static final String HEADER = "SPARSECRC-LIST";

  /**
   * @param parts how many parts fastboot sends
   * @param crcs one CRC per part (unsigned 32-bit), or a single CRC of everything when {@code legacy}
   */
  public record Entry(String partition, int parts, List<Long> crcs, boolean legacy) {
    public Entry {
      crcs = List.copyOf(crcs);
    }
  }

  public SparseCrcList {
    entries = List.copyOf(entries);
  }

  public Optional<Entry> entry(String partition) {
    return entries.stream().filter(e -> e.partition().equals(partition)).findFirst();
  }

  public static SparseCrcList parse(String text, String file) throws RomFormatException {
    List<Entry> out = new ArrayList<>();
    String[] lines = text.split("\r?\n");
    int i = 0;
    while (i < lines.length && lines[i].isBlank()) {
      i++;
    }
    if (i >= lines.length || !lines[i].trim().equals(HEADER)) {
      throw RomFormatException.corrupt(file, "sparsecrclist", RomFormatException.NO_OFFSET,
          "does not start with " + HEADER);
    }
    for (i++; i < lines.length; i++) {
      String line = lines[i].trim();
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\\s+");
      if (f.length < 3) {
        throw corrupt(file, i + 1, line);
      }
      if (f[1].startsWith("0x") || f[1].startsWith("0X")) {
        if (f.length != 3) {
          throw corrupt(file, i + 1, line);
        }
        out.add(new Entry(f[0], parts(f[2], file, i + 1, line), List.of(CrcList.parseCrc(f[1], file, i + 1)), true));
        continue;
      }
      int parts = parts(f[1], file, i + 1, line);
      if (f.length != 2 + parts) {
        throw RomFormatException.corrupt(file, "sparsecrclist", RomFormatException.NO_OFFSET,
            "line " + (i + 1) + " announces " + parts + " parts but lists " + (f.length - 2) + " CRCs");
      }
      List<Long> crcs = new ArrayList<>();
      for (int k = 2; k < f.length; k++) {
        crcs.add(CrcList.parseCrc(f[k], file, i + 1));
      }
      out.add(new Entry(f[0], parts, crcs, false));
    }
    return new SparseCrcList(out);
  }

  private static int parts(String s, String file, int line, String text) throws RomFormatException {
    try {
      int n = Integer.parseInt(s);
      if (n < 1 || n > 1000) {
        throw corrupt(file, line, text);
      }
      return n;
    } catch (NumberFormatException e) {
      throw corrupt(file, line, text);
    }
  }

  private static RomFormatException corrupt(String file, int line, String text) {
    return RomFormatException.corrupt(file, "sparsecrclist", RomFormatException.NO_OFFSET,
        "line " + line + " is not '<partition> <parts> <crc>...': " + text);
  }

  /** The file text in the current (per-part) form; legacy entries keep their old form. */
  public String format() {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (Entry e : entries) {
      sb.append(e.partition());
      if (e.legacy()) {
        sb.append(' ').append(CrcList.hex(e.crcs().get(0))).append(' ').append(e.parts());
      } else {
        sb.append(' ').append(e.parts());
        for (long c : e.crcs()) {
          sb.append(' ').append(CrcList.hex(c));
        }
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
