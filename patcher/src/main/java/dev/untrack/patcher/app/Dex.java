package dev.untrack.patcher.app;

import dev.untrack.rom.RomFormatException;
import java.util.ArrayList;
import java.util.List;
import org.jf.dexlib2.Opcodes;
import org.jf.dexlib2.dexbacked.DexBackedClassDef;
import org.jf.dexlib2.dexbacked.DexBackedDexFile;

/**
 * One dex file loaded from an app: its bytes (checked by {@link DexHeader}), dexlib2's lazy view of them, and
 * cheap presence checks on the sorted string pool used to skip dex files a fingerprint cannot match.
 *
 * <p>dexlib2 reads lazily and reports damage with assorted runtime exceptions; callers that walk the dex run
 * through {@link #guard} so that damage surfaces as a {@link RomFormatException} naming this dex.
 */
public final class Dex {
  private final String name;
  private final String where;
  private final byte[] bytes;
  private final int version;
  private final DexBackedDexFile file;
  private List<String> definedClasses;

  Dex(String name, String where, byte[] bytes) throws RomFormatException {
    this.name = name;
    this.where = where;
    this.bytes = bytes;
    this.version = DexHeader.check(bytes, where);
    try {
      this.file = new LocatingDexFile(Opcodes.forDexVersion(version), bytes);
    } catch (RuntimeException e) {
      throw damaged(e);
    }
  }

  /** Loads a dex held in memory (tests, tools); {@code name} is used in errors. */
  public static Dex of(String name, byte[] bytes) throws RomFormatException {
    return new Dex(name, name, bytes);
  }

  /** The entry name, e.g. {@code classes2.dex}. */
  public String name() {
    return name;
  }

  /** {@code app.apk > classes2.dex}, for messages. */
  public String where() {
    return where;
  }

  public byte[] bytes() {
    return bytes;
  }

  /** 35..39. */
  public int version() {
    return version;
  }

  public Opcodes opcodes() {
    return file.getOpcodes();
  }

  public DexBackedDexFile file() {
    return file;
  }

  /** Where a method's code item starts in {@link #bytes()}, or -1 if it has no code. */
  public int codeOffset(org.jf.dexlib2.dexbacked.DexBackedMethod m) {
    return m.getImplementation() instanceof LocatingDexFile.Located l ? l.codeOffset() : -1;
  }

  /** A runtime failure inside dexlib2 while reading this dex, as a format error. */
  public RomFormatException damaged(RuntimeException e) {
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replace('\n', ' ');
    return RomFormatException.corrupt(where, "dex", RomFormatException.NO_OFFSET, "cannot be read: " + msg, e);
  }

  /** Work that reads this dex through dexlib2. */
  public interface Reading<T, X extends Exception> {
    T run() throws X;
  }

  /** Runs {@code r}, turning dexlib2's runtime exceptions into a {@link RomFormatException} for this dex. */
  public <T, X extends Exception> T guard(Reading<T, X> r) throws X, RomFormatException {
    try {
      return r.run();
    } catch (RuntimeException | StackOverflowError e) {
      throw damaged(e instanceof RuntimeException re ? re : new IllegalStateException("nesting too deep", e));
    }
  }

  /** Types this dex defines, in class_def order. */
  public List<String> definedClasses() throws RomFormatException {
    if (definedClasses == null) {
      definedClasses = guard(() -> {
        List<String> out = new ArrayList<>();
        for (DexBackedClassDef c : file.getClasses()) {
          out.add(c.getType());
        }
        return List.copyOf(out);
      });
    }
    return definedClasses;
  }

  /** Whether the string pool holds exactly {@code s} (binary search: dex string pools are sorted). */
  public boolean hasString(String s) throws RomFormatException {
    return guard(() -> {
      List<String> pool = file.getStringSection();
      int lo = 0;
      int hi = pool.size() - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        int c = pool.get(mid).compareTo(s);
        if (c == 0) {
          return true;
        }
        if (c < 0) {
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      // Sorting by UTF-16 code units and by code points differ only for supplementary characters; be exact.
      return hasSurrogates(s) && pool.contains(s);
    });
  }

  /** Whether some string in the pool starts with {@code prefix}. */
  public boolean hasStringWithPrefix(String prefix) throws RomFormatException {
    return guard(() -> {
      List<String> pool = file.getStringSection();
      int lo = 0;
      int hi = pool.size();
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (pool.get(mid).compareTo(prefix) < 0) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      if (lo < pool.size() && pool.get(lo).startsWith(prefix)) {
        return true;
      }
      if (hasSurrogates(prefix)) {
        for (String s : pool) {
          if (s.startsWith(prefix)) {
            return true;
          }
        }
      }
      return false;
    });
  }

  /** Whether some string in the pool contains {@code part} (a linear scan). */
  public boolean hasStringContaining(String part) throws RomFormatException {
    return guard(() -> {
      for (String s : file.getStringSection()) {
        if (s.contains(part)) {
          return true;
        }
      }
      return false;
    });
  }

  private static boolean hasSurrogates(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isSurrogate(s.charAt(i)) || s.charAt(i) >= 0xd800) {
        return true;
      }
    }
    return false;
  }
}
