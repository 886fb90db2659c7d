package dev.untrack.rom.dex;

import dev.untrack.rom.RomFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The names of the classes a dex file defines, read from its header, class_defs, type_ids and string_ids only —
 * a quick look for {@code inspect}, not an analysis (the checker and the patcher use dexlib2).
 */
public final class DexClassNames {
  private static final int HEADER = 0x70;

  private DexClassNames() {}

  /** The dex version ("035" … "041"), or throws if {@code dex} is not a dex file. */
  public static String version(byte[] dex, String source) throws RomFormatException {
    if (dex.length < HEADER || dex[0] != 'd' || dex[1] != 'e' || dex[2] != 'x' || dex[3] != '\n' || dex[7] != 0) {
      throw RomFormatException.corrupt(source, "dex", 0, "not a dex file (bad magic)");
    }
    return new String(dex, 4, 3, java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** Type descriptors ({@code Lcom/example/Foo;}) of every class defined, in class_defs order. */
  public static List<String> definedClasses(byte[] dex, String source) throws RomFormatException {
    String version = version(dex, source);
    if (version.compareTo("040") >= 0) {
      throw RomFormatException.unsupported(source, "dex", 4, "dex version " + version
          + " (container format) is not supported");
    }
    ByteBuffer b = ByteBuffer.wrap(dex).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getInt(40) != 0x12345678) {
      throw RomFormatException.unsupported(source, "dex", 40, "big-endian dex files are not supported");
    }
    long stringIdsSize = u32(b, 56);
    long stringIdsOff = u32(b, 60);
    long typeIdsSize = u32(b, 64);
    long typeIdsOff = u32(b, 68);
    long classDefsSize = u32(b, 96);
    long classDefsOff = u32(b, 100);
    check(dex, stringIdsOff, stringIdsSize, 4, source, "string_ids");
    check(dex, typeIdsOff, typeIdsSize, 4, source, "type_ids");
    check(dex, classDefsOff, classDefsSize, 32, source, "class_defs");
    List<String> out = new ArrayList<>((int) classDefsSize);
    for (int i = 0; i < classDefsSize; i++) {
      int at = (int) classDefsOff + 32 * i;
      long typeIdx = u32(b, at);
      if (typeIdx >= typeIdsSize) {
        throw RomFormatException.corrupt(source, "dex", at, "class_def " + i + " names type " + typeIdx
            + " of " + typeIdsSize);
      }
      long stringIdx = u32(b, (int) (typeIdsOff + 4 * typeIdx));
      if (stringIdx >= stringIdsSize) {
        throw RomFormatException.corrupt(source, "dex", typeIdsOff + 4 * typeIdx, "type names string "
            + stringIdx + " of " + stringIdsSize);
      }
      out.add(string(dex, b, (int) u32(b, (int) (stringIdsOff + 4 * stringIdx)), source));
    }
    return out;
  }

  private static String string(byte[] dex, ByteBuffer b, int off, String source) throws RomFormatException {
    int p = off;
    // uleb128 utf16 length, skipped
    for (int i = 0; i < 5; i++) {
      if (p >= dex.length) {
        throw RomFormatException.corrupt(source, "dex", off, "string data runs past the end");
      }
      if ((dex[p++] & 0x80) == 0) {
        break;
      }
    }
    int start = p;
    while (p < dex.length && dex[p] != 0) {
      p++;
    }
    if (p >= dex.length) {
      throw RomFormatException.corrupt(source, "dex", off, "unterminated string");
    }
    // Type descriptors are ASCII in practice; MUTF-8 beyond that decodes closely enough for prefix matching.
    return new String(dex, start, p - start, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void check(byte[] dex, long off, long count, int size, String source, String what)
      throws RomFormatException {
    if (count > 0 && (off < HEADER || off > dex.length || count > (dex.length - off) / size)) {
      throw RomFormatException.corrupt(source, "dex", off, what + " (" + count + " items) lies outside the file");
    }
  }

  private static long u32(ByteBuffer b, int at) {
    return b.getInt(at) & 0xffffffffL;
  }
}
