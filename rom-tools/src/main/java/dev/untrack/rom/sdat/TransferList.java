package dev.untrack.rom.sdat;

import dev.untrack.rom.RomFormatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A block-based OTA {@code <part>.transfer.list}, versions 1 to 4, limited to what full OTAs use: {@code new}
 * (next blocks of {@code new.dat}), {@code zero} and {@code erase}. Incremental commands (move, bsdiff,
 * imgdiff, stash, free) are refused: they need the old partition.
 *
 * <p>Header: version; total blocks written by {@code new}; for version 2 and up, the number of stash entries
 * and the maximum stashed blocks (both 0 in a full OTA).
 */
public final class TransferList {
  public static final int BLOCK_SIZE = 4096;
  /** Real lists are a few hundred KiB; bounds what we read into memory. */
  public static final int MAX_SIZE = 64 << 20;

  private static final String FORMAT = "transfer list";
  private static final Set<String> INCREMENTAL =
      Set.of("move", "bsdiff", "imgdiff", "stash", "free", "diff", "copy");

  /** One command, with the byte offset of its line for error messages. */
  public record Command(Kind kind, RangeSet ranges, long lineOffset) {}

  public enum Kind {
    NEW, ZERO, ERASE;

    String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final int version;
  private final long totalBlocks;
  private final long stashEntries;
  private final long maxStashBlocks;
  private final List<Command> commands;

  public TransferList(int version, long totalBlocks, long stashEntries, long maxStashBlocks, List<Command> commands) {
    this.version = version;
    this.totalBlocks = totalBlocks;
    this.stashEntries = stashEntries;
    this.maxStashBlocks = maxStashBlocks;
    this.commands = List.copyOf(commands);
  }

  /** A version-4 list for a full image. */
  public static TransferList full(List<Command> commands) {
    long total = 0;
    for (Command c : commands) {
      if (c.kind() == Kind.NEW) {
        total += c.ranges().blocks();
      }
    }
    return new TransferList(4, total, 0, 0, commands);
  }

  public static TransferList parse(byte[] data, String source) throws RomFormatException {
    if (data.length > MAX_SIZE) {
      throw RomFormatException.corrupt(source, FORMAT, 0, "larger than " + MAX_SIZE + " bytes");
    }
    String text = new String(data, StandardCharsets.US_ASCII);
    List<String> lines = new ArrayList<>();
    List<Long> offsets = new ArrayList<>();
    int pos = 0;
    while (pos < text.length()) {
      int nl = text.indexOf('\n', pos);
      int end = nl < 0 ? text.length() : nl;
      String line = text.substring(pos, end);
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      lines.add(line);
      offsets.add((long) pos);
      pos = end + 1;
    }
    if (lines.size() < 2) {
      throw RomFormatException.corrupt(source, FORMAT, 0, "truncated: no version and block count");
    }
    long version = header(source, lines.get(0), 0, "version");
    if (version < 1 || version > 4) {
      throw RomFormatException.unsupported(source, FORMAT, 0, "version " + version + " (1 to 4 are known)");
    }
    long total = header(source, lines.get(1), offsets.get(1), "total block count");
    int first = 2;
    long stash = 0;
    long maxStash = 0;
    if (version >= 2) {
      if (lines.size() < 4) {
        throw RomFormatException.corrupt(source, FORMAT, text.length(), "truncated: version " + version
            + " needs stash entry and stash size lines");
      }
      stash = header(source, lines.get(2), offsets.get(2), "stash entry count");
      maxStash = header(source, lines.get(3), offsets.get(3), "maximum stash size");
      first = 4;
    }
    List<Command> commands = new ArrayList<>();
    long newBlocks = 0;
    for (int i = first; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      long off = offsets.get(i);
      if (line.isEmpty()) {
        continue;
      }
      String[] tokens = line.split(" +");
      String word = tokens[0];
      if (INCREMENTAL.contains(word)) {
        throw RomFormatException.unsupported(source, FORMAT, off,
            "'" + word + "' at line " + (i + 1) + ": incremental OTA not supported, use a full ROM");
      }
      Kind kind = switch (word) {
        case "new" -> Kind.NEW;
        case "zero" -> Kind.ZERO;
        case "erase" -> Kind.ERASE;
        default -> throw RomFormatException.corrupt(source, FORMAT, off,
            "unknown command '" + (word.length() > 20 ? word.substring(0, 20) : word) + "' at line " + (i + 1));
      };
      if (tokens.length != 2) {
        throw RomFormatException.corrupt(source, FORMAT, off,
            "'" + word + "' at line " + (i + 1) + " takes exactly one rangeset");
      }
      RangeSet ranges;
      try {
        ranges = RangeSet.parse(tokens[1]);
      } catch (IllegalArgumentException e) {
        throw RomFormatException.corrupt(source, FORMAT, off, "line " + (i + 1) + ": " + e.getMessage());
      }
      if (kind == Kind.NEW) {
        newBlocks += ranges.blocks();
      }
      commands.add(new Command(kind, ranges, off));
    }
    if (newBlocks != total) {
      throw RomFormatException.corrupt(source, FORMAT, offsets.get(1), "header says " + total
          + " blocks are written, the 'new' commands write " + newBlocks);
    }
    return new TransferList((int) version, total, stash, maxStash, commands);
  }

  private static long header(String source, String line, long offset, String what) throws RomFormatException {
    String s = line.trim();
    if (s.isEmpty() || s.length() > 12 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw RomFormatException.corrupt(source, FORMAT, offset, what + " '"
          + (s.length() > 20 ? s.substring(0, 20) + "…" : s) + "' is not a number");
    }
    return Long.parseLong(s);
  }

  public int version() {
    return version;
  }

  /** Blocks written by {@code new} commands: the length of {@code new.dat} in blocks. */
  public long totalBlocks() {
    return totalBlocks;
  }

  public List<Command> commands() {
    return commands;
  }

  /** The image size implied by the commands: the end of the highest block any of them touches. */
  public long imageBlocks() {
    long m = 0;
    for (Command c : commands) {
      m = Math.max(m, c.ranges().maxEnd());
    }
    return m;
  }

  /** The list as text, in the format the updater reads. */
  public String text() {
    StringBuilder sb = new StringBuilder();
    sb.append(version).append('\n').append(totalBlocks).append('\n');
    if (version >= 2) {
      sb.append(stashEntries).append('\n').append(maxStashBlocks).append('\n');
    }
    for (Command c : commands) {
      sb.append(c.kind().word()).append(' ').append(c.ranges()).append('\n');
    }
    return sb.toString();
  }

  public byte[] bytes() {
    return text().getBytes(StandardCharsets.US_ASCII);
  }
}
