package dev.untrack.patcher.app;

import dev.untrack.rom.RomFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.Adler32;

/**
 * The checks made on a dex file before any library parses it: magic, a version untrack can rewrite, the
 * declared size, the header size, byte order, the Adler-32 checksum, and that every id table lies inside the
 * file. A dex failing them is reported, never patched or dropped.
 */
public final class DexHeader {
  public static final int HEADER_SIZE = 0x70;
  private static final int ENDIAN_CONSTANT = 0x12345678;
  private static final int REVERSE_ENDIAN_CONSTANT = 0x78563412;

  private DexHeader() {}

  /**
   * Validates {@code dex} and returns its version (35-39).
   *
   * @param where the name used in errors ({@code app.apk > classes2.dex})
   */
  public static int check(byte[] dex, String where) throws RomFormatException {
    if (dex.length < HEADER_SIZE) {
      throw RomFormatException.corrupt(where, "dex", 0, "file is " + dex.length + " bytes, shorter than a dex header");
    }
    if (dex[0] != 'd' || dex[1] != 'e' || dex[2] != 'x' || dex[3] != '\n' || dex[7] != 0) {
      throw RomFormatException.corrupt(where, "dex", 0, "bad magic: not a dex file");
    }
    String v = new String(dex, 4, 3, StandardCharsets.US_ASCII);
    int version;
    try {
      version = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw RomFormatException.corrupt(where, "dex", 4, "bad dex version '" + printable(v) + "'");
    }
    if (version == 40 || version == 41) {
      throw RomFormatException.unsupported(where, "dex", 4, "DEX " + v + (version == 41 ? " (a multi-dex container"
          + " from an Android 15+ platform build)" : "") + " is not supported yet: untrack reads and writes dex "
          + "035-039 only, and never patches a dex it cannot fully read");
    }
    if (version < 35 || version > 39 || version == 36) {
      throw RomFormatException.unsupported(where, "dex", 4, "dex version " + v + " is not supported (035-039)");
    }
    ByteBuffer h = ByteBuffer.wrap(dex).order(ByteOrder.LITTLE_ENDIAN);
    int endian = h.getInt(0x28);
    if (endian == REVERSE_ENDIAN_CONSTANT) {
      throw RomFormatException.unsupported(where, "dex", 0x28, "big-endian dex files are not supported");
    }
    if (endian != ENDIAN_CONSTANT) {
      throw RomFormatException.corrupt(where, "dex", 0x28, "bad endian tag 0x" + Integer.toHexString(endian));
    }
    long fileSize = h.getInt(0x20) & 0xffffffffL;
    if (fileSize != dex.length) {
      throw RomFormatException.corrupt(where, "dex", 0x20, "header says the file is " + fileSize
          + " bytes but it is " + dex.length + " (truncated or padded)");
    }
    int headerSize = h.getInt(0x24);
    if (headerSize != HEADER_SIZE) {
      throw RomFormatException.corrupt(where, "dex", 0x24, "header size is " + headerSize + ", expected 112");
    }
    Adler32 adler = new Adler32();
    adler.update(dex, 12, dex.length - 12);
    long want = h.getInt(0x08) & 0xffffffffL;
    if (adler.getValue() != want) {
      throw RomFormatException.corrupt(where, "dex", 0x08, String.format(
          "checksum mismatch: header says %08x, content is %08x (corrupted)", want, adler.getValue()));
    }
    section(h, dex.length, 0x38, 4, "string_ids", where);
    section(h, dex.length, 0x40, 4, "type_ids", where);
    section(h, dex.length, 0x48, 12, "proto_ids", where);
    section(h, dex.length, 0x50, 8, "field_ids", where);
    section(h, dex.length, 0x58, 8, "method_ids", where);
    section(h, dex.length, 0x60, 32, "class_defs", where);
    section(h, dex.length, 0x68, 1, "data", where);
    long map = h.getInt(0x34) & 0xffffffffL;
    if (map == 0 || map > dex.length - 4L) {
      throw RomFormatException.corrupt(where, "dex", 0x34, "map offset " + map + " is outside the file");
    }
    if ((h.getInt(0x40) & 0xffffffffL) > 65536) {
      throw RomFormatException.corrupt(where, "dex", 0x40, "more than 65536 type ids");
    }
    return version;
  }

  private static void section(ByteBuffer h, long length, int at, int itemSize, String what, String where)
      throws RomFormatException {
    long count = h.getInt(at) & 0xffffffffL;
    long off = h.getInt(at + 4) & 0xffffffffL;
    if (count == 0) {
      return;
    }
    if (off < HEADER_SIZE || off > length || count * itemSize > length - off) {
      throw RomFormatException.corrupt(where, "dex", at, what + " (" + count + " x " + itemSize + " bytes at "
          + off + ") does not fit in the " + length + "-byte file");
    }
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return sb.toString();
  }
}
