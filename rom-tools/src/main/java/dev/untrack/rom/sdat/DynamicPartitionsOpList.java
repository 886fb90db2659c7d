package dev.untrack.rom.sdat;

import dev.untrack.rom.RomFormatException;

/**
 * Edits {@code dynamic_partitions_op_list} (the script the updater runs to lay out {@code super} in a non-A/B
 * OTA): a partition that grows needs its {@code resize <part> <bytes>} line changed, and possibly its group's
 * {@code resize_group <group> <bytes>}. Every other byte stays as it was.
 */
public final class DynamicPartitionsOpList {
  private DynamicPartitionsOpList() {}

  /** Sets {@code resize <partition> <bytes>}. Fails if the list has no such line. */
  public static String resize(String opList, String partition, long bytes, String source)
      throws RomFormatException {
    return replace(opList, "resize", partition, bytes, source);
  }

  /** Sets {@code resize_group <group> <bytes>}. Fails if the list has no such line. */
  public static String resizeGroup(String opList, String group, long bytes, String source)
      throws RomFormatException {
    return replace(opList, "resize_group", group, bytes, source);
  }

  /** The size a {@code resize <partition>} line sets, or -1 if there is none. */
  public static long size(String opList, String partition) {
    for (String line : opList.split("\n", -1)) {
      String[] t = line.trim().split("\\s+");
      if (t.length == 3 && t[0].equals("resize") && t[1].equals(partition)) {
        try {
          return Long.parseLong(t[2]);
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }

  private static String replace(String opList, String op, String name, long bytes, String source)
      throws RomFormatException {
    if (bytes < 0) {
      throw new IllegalArgumentException("negative size");
    }
    StringBuilder out = new StringBuilder(opList.length() + 16);
    boolean found = false;
    int pos = 0;
    while (pos <= opList.length()) {
      int nl = opList.indexOf('\n', pos);
      int end = nl < 0 ? opList.length() : nl;
      String line = opList.substring(pos, end);
      String body = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
      String[] t = body.trim().split("\\s+");
      if (t.length == 3 && t[0].equals(op) && t[1].equals(name)) {
        out.append(op).append(' ').append(name).append(' ').append(bytes);
        if (body.length() != line.length()) {
          out.append('\r');
        }
        found = true;
      } else {
        out.append(line);
      }
      if (nl < 0) {
        break;
      }
      out.append('\n');
      pos = nl + 1;
    }
    if (!found) {
      throw RomFormatException.corrupt(source, "dynamic_partitions_op_list", RomFormatException.NO_OFFSET,
          "no '" + op + " " + name + "' line to change");
    }
    return out.toString();
  }
}
