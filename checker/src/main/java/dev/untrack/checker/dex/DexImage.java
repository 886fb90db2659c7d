package dev.untrack.checker.dex;

import dev.untrack.checker.CheckerException;
import java.util.List;
import org.jf.dexlib2.Opcodes;
import org.jf.dexlib2.dexbacked.DexBackedClassDef;
import org.jf.dexlib2.dexbacked.DexBackedDexFile;
import org.jf.dexlib2.dexbacked.raw.HeaderItem;

/**
 * One dex file held in memory: raw, bounds-checked access to its id sections for the fast passes (type and
 * string scans, invoke scans) and the dexlib2 view for decoding the few methods that need a closer look.
 * Every accessor validates what it reads against the buffer and reports problems as {@link CheckerException}.
 */
public final class DexImage {
  private static final int HEADER_SIZE = 0x70;

  private final String name;
  private final byte[] buf;
  private final DexBackedDexFile dex;
  private final int stringCount;
  private final int stringIdsOff;
  private final int typeCount;
  private final int typeIdsOff;
  private final int protoCount;
  private final int protoIdsOff;
  private final int methodCount;
  private final int methodIdsOff;
  private final int classCount;
  private final int classDefsOff;
  private final String[] types;
  private final String[] methodKeys;
  private final MethodRef[] methodRefs;

  private DexImage(String name, byte[] buf) throws CheckerException {
    this.name = name;
    this.buf = buf;
    if (buf.length < HEADER_SIZE) {
      throw corrupt(0, "file is " + buf.length + " bytes, shorter than a dex header");
    }
    if (buf[0] != 'd' || buf[1] != 'e' || buf[2] != 'x' || buf[3] != '\n' || buf[7] != 0) {
      throw corrupt(0, "no dex magic");
    }
    int version = digit(buf[4]) * 100 + digit(buf[5]) * 10 + digit(buf[6]);
    if (version >= 40 && version < 1000) {
      throw unsupported(4, "dex version " + new String(buf, 4, 3, java.nio.charset.StandardCharsets.US_ASCII)
          + " (the Android 15+ container format) is not supported yet");
    }
    if (!HeaderItem.verifyMagic(buf, 0)) {
      throw corrupt(4, "unknown dex version");
    }
    if (u4(0x28) != HeaderItem.LITTLE_ENDIAN_TAG) {
      throw corrupt(0x28, "not a little-endian dex");
    }
    stringCount = count(0x38);
    stringIdsOff = section(0x3c, stringCount, 4, "string_ids");
    typeCount = count(0x40);
    typeIdsOff = section(0x44, typeCount, 4, "type_ids");
    protoCount = count(0x48);
    protoIdsOff = section(0x4c, protoCount, 12, "proto_ids");
    section(0x54, count(0x50), 8, "field_ids");
    methodCount = count(0x58);
    methodIdsOff = section(0x5c, methodCount, 8, "method_ids");
    classCount = count(0x60);
    classDefsOff = section(0x64, classCount, 32, "class_defs");
    if (typeCount > 0xffff + 1 || protoCount > 0xffff + 1) {
      throw corrupt(0x40, "more type or proto ids than a dex can index");
    }
    try {
      dex = new DexBackedDexFile(Opcodes.forDexVersion(HeaderItem.getVersion(buf, 0)), buf);
    } catch (RuntimeException e) {
      throw corrupt(0, "dexlib2 refused the file: " + e.getMessage(), e);
    }
    types = new String[typeCount];
    methodKeys = new String[methodCount];
    methodRefs = new MethodRef[methodCount];
  }

  /** Parses the header and validates the id sections; {@code name} is used in errors and reports. */
  private static int digit(byte b) {
    return b >= '0' && b <= '9' ? b - '0' : 1000;
  }

  private CheckerException unsupported(long offset, String detail) {
    return CheckerException.corrupt(name, "dex", offset, detail);
  }

  public static DexImage parse(String name, byte[] buf) throws CheckerException {
    return new DexImage(name, buf);
  }

  public String name() {
    return name;
  }

  public byte[] bytes() {
    return buf;
  }

  public DexBackedDexFile dexlib() {
    return dex;
  }

  public int stringCount() {
    return stringCount;
  }

  public int typeCount() {
    return typeCount;
  }

  public int methodCount() {
    return methodCount;
  }

  public int classCount() {
    return classCount;
  }

  // ------------------------------------------------------------------ raw reads

  CheckerException corrupt(long offset, String detail) {
    return CheckerException.corrupt(name, "dex", offset, detail);
  }

  CheckerException corrupt(long offset, String detail, Throwable cause) {
    return CheckerException.corrupt(name, "dex", offset, detail, cause);
  }

  /** An error about this dex at {@code offset}, for analyses outside this package. */
  public CheckerException corruptAt(long offset, String detail) {
    return corrupt(offset, detail);
  }

  public CheckerException corruptAt(long offset, String detail, Throwable cause) {
    return corrupt(offset, detail, cause);
  }

  int u2(int off) throws CheckerException {
    if (off < 0 || off > buf.length - 2) {
      throw corrupt(off, "read of 2 bytes past the end of the file");
    }
    return (buf[off] & 0xff) | (buf[off + 1] & 0xff) << 8;
  }

  int u4(int off) throws CheckerException {
    if (off < 0 || off > buf.length - 4) {
      throw corrupt(off, "read of 4 bytes past the end of the file");
    }
    return (buf[off] & 0xff) | (buf[off + 1] & 0xff) << 8 | (buf[off + 2] & 0xff) << 16 | (buf[off + 3] & 0xff) << 24;
  }

  /** An unsigned 32-bit offset or size that must fit in an int (and so in the buffer). */
  int uoff(int off, String what) throws CheckerException {
    int v = u4(off);
    if (v < 0) {
      throw corrupt(off, what + " " + (v & 0xffffffffL) + " is beyond any dex file");
    }
    return v;
  }

  private int count(int headerOff) throws CheckerException {
    return uoff(headerOff, "count");
  }

  private int section(int headerOff, int count, int itemSize, String what) throws CheckerException {
    int off = uoff(headerOff, what + " offset");
    if (count == 0) {
      return off;
    }
    if (off < HEADER_SIZE || (long) off + (long) count * itemSize > buf.length) {
      throw corrupt(headerOff, what + " (" + count + " items at " + off + ") does not fit in the file ("
          + buf.length + " bytes)");
    }
    return off;
  }

  /** Offset of the first MUTF-8 byte of string {@code idx} (after its length prefix). */
  public int stringDataOffset(int idx) throws CheckerException {
    checkIndex(idx, stringCount, "string");
    int off = uoff(stringIdsOff + idx * 4, "string data offset");
    int p = off;
    // skip the uleb128 utf16 length
    for (int i = 0; i < 5; i++) {
      if (p >= buf.length) {
        throw corrupt(off, "string " + idx + " data runs past the end of the file");
      }
      if ((buf[p++] & 0x80) == 0) {
        return p;
      }
    }
    throw corrupt(off, "string " + idx + " has a malformed length");
  }

  public String string(int idx) throws CheckerException {
    checkIndex(idx, stringCount, "string");
    try {
      return dex.getStringSection().get(idx);
    } catch (RuntimeException e) {
      throw corrupt(stringIdsOff + idx * 4L, "string " + idx + " cannot be decoded: " + e.getMessage(), e);
    }
  }

  public int typeStringIndex(int typeIdx) throws CheckerException {
    checkIndex(typeIdx, typeCount, "type");
    return uoff(typeIdsOff + typeIdx * 4, "type descriptor index");
  }

  public String type(int typeIdx) throws CheckerException {
    checkIndex(typeIdx, typeCount, "type");
    String t = types[typeIdx];
    if (t == null) {
      t = string(typeStringIndex(typeIdx));
      types[typeIdx] = t;
    }
    return t;
  }

  public int methodClassIndex(int m) throws CheckerException {
    checkIndex(m, methodCount, "method");
    return u2(methodIdsOff + m * 8);
  }

  public int methodProtoIndex(int m) throws CheckerException {
    checkIndex(m, methodCount, "method");
    return u2(methodIdsOff + m * 8 + 2);
  }

  public int methodNameIndex(int m) throws CheckerException {
    checkIndex(m, methodCount, "method");
    return uoff(methodIdsOff + m * 8 + 4, "method name index");
  }

  /** The method reference {@code m}, decoded once and cached. */
  public MethodRef methodRef(int m) throws CheckerException {
    checkIndex(m, methodCount, "method");
    MethodRef r = methodRefs[m];
    if (r == null) {
      String cls = type(methodClassIndex(m));
      String nm = string(methodNameIndex(m));
      int proto = methodProtoIndex(m);
      checkIndex(proto, protoCount, "proto");
      int po = protoIdsOff + proto * 12;
      String ret = type(uoff(po + 4, "return type index"));
      int paramsOff = uoff(po + 8, "parameters offset");
      List<String> params;
      if (paramsOff == 0) {
        params = List.of();
      } else {
        int n = uoff(paramsOff, "parameter count");
        if (n > 255 || (long) paramsOff + 4 + 2L * n > buf.length) {
          throw corrupt(paramsOff, "parameter list of " + n + " entries does not fit");
        }
        String[] ps = new String[n];
        for (int i = 0; i < n; i++) {
          ps[i] = type(u2(paramsOff + 4 + 2 * i));
        }
        params = List.of(ps);
      }
      r = new MethodRef(cls, nm, params, ret);
      methodRefs[m] = r;
    }
    return r;
  }

  public String methodKey(int m) throws CheckerException {
    String k = methodKeys[m];
    if (k == null) {
      k = methodRef(m).key();
      methodKeys[m] = k;
    }
    return k;
  }

  public int classTypeIndex(int c) throws CheckerException {
    checkIndex(c, classCount, "class_def");
    return uoff(classDefsOff + c * 32, "class index");
  }

  public int classAccessFlags(int c) throws CheckerException {
    checkIndex(c, classCount, "class_def");
    return u4(classDefsOff + c * 32 + 4);
  }

  /** Superclass type index, or -1 (java.lang.Object has none). */
  public int classSuperIndex(int c) throws CheckerException {
    checkIndex(c, classCount, "class_def");
    int v = u4(classDefsOff + c * 32 + 8);
    return v == -1 ? -1 : v;
  }

  public List<String> classInterfaces(int c) throws CheckerException {
    checkIndex(c, classCount, "class_def");
    int off = uoff(classDefsOff + c * 32 + 12, "interfaces offset");
    if (off == 0) {
      return List.of();
    }
    int n = uoff(off, "interface count");
    if (n > 0xffff || (long) off + 4 + 2L * n > buf.length) {
      throw corrupt(off, "interface list of " + n + " entries does not fit");
    }
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      out[i] = type(u2(off + 4 + 2 * i));
    }
    return List.of(out);
  }

  public int classDataOffset(int c) throws CheckerException {
    checkIndex(c, classCount, "class_def");
    return uoff(classDefsOff + c * 32 + 24, "class data offset");
  }

  /** The dexlib2 view of class definition {@code c}. */
  public DexBackedClassDef classDef(int c) throws CheckerException {
    checkIndex(c, classCount, "class_def");
    try {
      return dex.getClassSection().get(c);
    } catch (RuntimeException e) {
      throw corrupt(classDefsOff + c * 32L, "class_def " + c + " cannot be read: " + e.getMessage(), e);
    }
  }

  private void checkIndex(int idx, int count, String what) throws CheckerException {
    if (idx < 0 || idx >= count) {
      throw corrupt(CheckerException.NO_OFFSET, what + " index " + idx + " out of range (" + count + ")");
    }
  }
}
