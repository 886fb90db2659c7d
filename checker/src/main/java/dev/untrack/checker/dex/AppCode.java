package dev.untrack.checker.dex;

import dev.untrack.checker.CheckerException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jf.dexlib2.dexbacked.DexBackedMethod;

/**
 * All dex files of one app as the class loader sees them: the first definition of a class wins (classes.dex,
 * then classes2.dex, ...), and method references are resolved to the app's own code where it has it. Anything
 * that may run code outside the app (framework, dynamic loading) is marked open.
 */
public final class AppCode {
  /** A class defined by the app. */
  public record ClassLoc(DexImage dex, int classDef, String type) {}

  /** A method defined by the app, with code or not. */
  public record MethodLoc(DexImage dex, int classDef, int methodIdx, int accessFlags, int codeOffset, MethodRef ref) {
    public boolean hasCode() {
      return codeOffset != 0;
    }

    public boolean isStatic() {
      return (accessFlags & 0x8) != 0;
    }
  }

  /** How an invoke instruction dispatches. */
  public enum InvokeKind { STATIC, DIRECT, VIRTUAL, SUPER, INTERFACE }

  /**
   * What a call may execute.
   *
   * @param targets the app methods it may run
   * @param open true when it may also (or only) run code the app does not contain
   */
  public record Resolution(List<MethodLoc> targets, boolean open) {}

  private static final int MAX_HIERARCHY = 64;

  private final List<DexImage> dexes;
  private final Map<String, ClassLoc> classes = new HashMap<>();
  private final Map<ClassLoc, Map<String, MethodLoc>> methodsByClass = new HashMap<>();
  private Map<String, List<String>> subtypes;
  private final Map<String, String> superOf = new HashMap<>();
  private final Map<String, DexBackedMethod> decoded = new HashMap<>();

  public AppCode(List<DexImage> dexes) throws CheckerException {
    this.dexes = List.copyOf(dexes);
    for (DexImage d : this.dexes) {
      for (int c = 0; c < d.classCount(); c++) {
        String t = d.type(d.classTypeIndex(c));
        classes.putIfAbsent(t, new ClassLoc(d, c, t));
      }
    }
  }

  public List<DexImage> dexes() {
    return dexes;
  }

  public ClassLoc classLoc(String type) {
    return classes.get(type);
  }

  public boolean defines(String type) {
    return classes.containsKey(type);
  }

  /** The superclass of an app class, or null if unknown / none. */
  public String superclass(String type) throws CheckerException {
    if (superOf.containsKey(type)) {
      return superOf.get(type);
    }
    ClassLoc c = classes.get(type);
    String s = null;
    if (c != null) {
      int si = c.dex().classSuperIndex(c.classDef());
      s = si < 0 ? null : c.dex().type(si);
    }
    superOf.put(type, s);
    return s;
  }

  /** Methods the class itself defines, by {@code name(PARAMS)RET}. */
  public Map<String, MethodLoc> methods(ClassLoc c) throws CheckerException {
    Map<String, MethodLoc> m = methodsByClass.get(c);
    if (m == null) {
      Map<String, MethodLoc> out = new LinkedHashMap<>();
      CodeScanner.forEachMethod(c.dex(), c.classDef(), (idx, access, code, direct) -> {
        MethodRef r = c.dex().methodRef(idx);
        out.putIfAbsent(r.signature(), new MethodLoc(c.dex(), c.classDef(), idx, access, code, r));
      });
      // abstract and native methods have no code item but still exist for resolution
      addCodelessMethods(c, out);
      m = out;
      methodsByClass.put(c, m);
    }
    return m;
  }

  private void addCodelessMethods(ClassLoc c, Map<String, MethodLoc> out) throws CheckerException {
    int off = c.dex().classDataOffset(c.classDef());
    if (off == 0) {
      return;
    }
    CodeScanner.Uleb r = new CodeScanner.Uleb(c.dex(), off);
    int sf = r.next();
    int inf = r.next();
    int dm = r.next();
    int vm = r.next();
    for (long i = 0; i < (long) sf + inf; i++) {
      r.next();
      r.next();
    }
    for (int list = 0; list < 2; list++) {
      int n = list == 0 ? dm : vm;
      int idx = 0;
      for (int i = 0; i < n; i++) {
        idx += r.next();
        int access = r.next();
        int code = r.next();
        if (code == 0) {
          MethodRef ref = c.dex().methodRef(idx);
          out.putIfAbsent(ref.signature(), new MethodLoc(c.dex(), c.classDef(), idx, access, 0, ref));
        }
      }
    }
  }

  /** The app method with this key defined exactly in its class, or null. */
  public MethodLoc method(MethodRef ref) throws CheckerException {
    ClassLoc c = classes.get(ref.definingClass());
    return c == null ? null : methods(c).get(ref.signature());
  }

  /** What an invoke of {@code ref} may run. */
  public Resolution resolve(MethodRef ref, InvokeKind kind) throws CheckerException {
    List<MethodLoc> targets = new ArrayList<>();
    boolean open = false;
    String sig = ref.signature();
    if (kind == InvokeKind.INTERFACE) {
      for (String impl : allSubtypes(ref.definingClass())) {
        ClassLoc c = classes.get(impl);
        if (c == null || isInterface(c)) {
          continue;
        }
        Lookup l = lookUp(impl, sig);
        if (l.found != null && l.found.hasCode()) {
          addOnce(targets, l.found);
        }
        open |= l.open;
      }
      MethodLoc declared = method(ref);
      if (declared != null && declared.hasCode()) {
        addOnce(targets, declared); // a default method
      }
      if (targets.isEmpty()) {
        open = true;
      }
      return new Resolution(List.copyOf(targets), open);
    }
    Lookup l = lookUp(ref.definingClass(), sig);
    if (l.found != null) {
      if (l.found.hasCode()) {
        targets.add(l.found);
      } else if ((l.found.accessFlags() & 0x100) != 0) {
        open = true; // native
      }
    }
    open |= l.open;
    if (kind == InvokeKind.VIRTUAL) {
      for (String sub : allSubtypes(ref.definingClass())) {
        ClassLoc c = classes.get(sub);
        if (c != null) {
          MethodLoc m = methods(c).get(sig);
          if (m != null && m.hasCode()) {
            addOnce(targets, m);
          }
        }
      }
    }
    if (targets.isEmpty()) {
      open = true;
    }
    return new Resolution(List.copyOf(targets), open);
  }

  private static void addOnce(List<MethodLoc> list, MethodLoc m) {
    for (MethodLoc x : list) {
      if (x.dex() == m.dex() && x.methodIdx() == m.methodIdx() && x.classDef() == m.classDef()) {
        return;
      }
    }
    list.add(m);
  }

  private record Lookup(MethodLoc found, boolean open) {}

  /** Finds {@code sig} in {@code type} or its superclasses; open if the chain leaves the app first. */
  private Lookup lookUp(String type, String sig) throws CheckerException {
    String t = type;
    for (int depth = 0; depth < MAX_HIERARCHY && t != null; depth++) {
      ClassLoc c = classes.get(t);
      if (c == null) {
        return new Lookup(null, !t.equals("Ljava/lang/Object;") || !isObjectMethod(sig));
      }
      MethodLoc m = methods(c).get(sig);
      if (m != null) {
        return new Lookup(m, false);
      }
      t = superclass(t);
    }
    return new Lookup(null, true);
  }

  private static boolean isObjectMethod(String sig) {
    return sig.equals("<init>()V");
  }

  private boolean isInterface(ClassLoc c) throws CheckerException {
    return (c.dex().classAccessFlags(c.classDef()) & 0x200) != 0;
  }

  /** Every app class that extends or implements {@code type}, transitively. */
  public Set<String> allSubtypes(String type) throws CheckerException {
    Map<String, List<String>> subs = subtypeIndex();
    Set<String> out = new HashSet<>();
    ArrayDeque<String> q = new ArrayDeque<>();
    q.add(type);
    while (!q.isEmpty()) {
      for (String s : subs.getOrDefault(q.poll(), List.of())) {
        if (out.add(s)) {
          q.add(s);
        }
      }
    }
    return out;
  }

  private Map<String, List<String>> subtypeIndex() throws CheckerException {
    if (subtypes == null) {
      Map<String, List<String>> m = new HashMap<>();
      for (ClassLoc c : classes.values()) {
        String sup = superclass(c.type());
        if (sup != null) {
          m.computeIfAbsent(sup, k -> new ArrayList<>()).add(c.type());
        }
        for (String i : c.dex().classInterfaces(c.classDef())) {
          m.computeIfAbsent(i, k -> new ArrayList<>()).add(c.type());
        }
      }
      subtypes = m;
    }
    return subtypes;
  }

  /** The dexlib2 method behind a location, for instruction-level analysis. */
  public DexBackedMethod decode(MethodLoc m) throws CheckerException {
    String key = m.dex().name() + "#" + m.methodIdx();
    DexBackedMethod dm = decoded.get(key);
    if (dm != null) {
      return dm;
    }
    try {
      for (DexBackedMethod x : m.dex().classDef(m.classDef()).getMethods()) {
        if (x.methodIndex == m.methodIdx()) {
          decoded.put(key, x);
          return x;
        }
      }
    } catch (RuntimeException e) {
      throw m.dex().corrupt(m.codeOffset(), "method " + m.ref().key() + " cannot be decoded: " + e.getMessage(), e);
    }
    throw m.dex().corrupt(m.codeOffset(), "method " + m.ref().key() + " not found in its class");
  }
}
