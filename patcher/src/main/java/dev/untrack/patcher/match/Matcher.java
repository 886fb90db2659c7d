package dev.untrack.patcher.match;

import dev.untrack.patcher.app.App;
import dev.untrack.patcher.app.Dex;
import dev.untrack.patcher.app.DexEntry;
import dev.untrack.patcher.patch.Clause;
import dev.untrack.patcher.patch.FieldPattern;
import dev.untrack.patcher.patch.Fingerprint;
import dev.untrack.patcher.patch.Patch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jf.dexlib2.dexbacked.DexBackedClassDef;
import org.jf.dexlib2.dexbacked.DexBackedMethod;
import org.jf.dexlib2.iface.MethodImplementation;
import org.jf.dexlib2.iface.reference.FieldReference;
import org.jf.dexlib2.iface.reference.MethodReference;

/**
 * Evaluates fingerprints over every method with code in an app, in one pass over its dex files (each loaded,
 * scanned and dropped in turn). A dex is skipped for a fingerprint when its string pool lacks a string the
 * fingerprint needs (class and member names, types, constants, prefixes): every clause implies such a string,
 * so the prefilter never hides a match. Within a dex, class clauses are tested before methods are walked, and
 * a method's code is decoded once for all fingerprints that need it.
 *
 * <p>The same pass records which of a given set of classes and package prefixes the app defines (for
 * {@code apps defines} selectors) and where helper classes already live.
 */
public final class Matcher {
  private Matcher() {}

  /** A fingerprint of a patch. */
  public record Target(Patch patch, Fingerprint fingerprint) {}

  /** What one fingerprint found in the app. */
  public record Found(List<MethodMatch> methods, int skippedWithoutCode) {}

  /** Everything one pass learned. */
  public record Result(
      Map<Target, Found> found,
      Set<String> definedTypes,
      Set<String> definedPrefixes,
      Map<String, Integer> injectClasses) {}

  /**
   * @param wantedTypes classes whose presence selectors ask about
   * @param wantedPrefixes package prefixes whose presence selectors ask about
   * @param injectPrefix package whose defined classes (and their dex numbers) are reported
   */
  public static Result scan(App app, List<Target> targets, Set<String> wantedTypes, Set<String> wantedPrefixes,
      String injectPrefix) throws IOException {
    // Targets are compared by identity: records of whole patches would hash every field on each lookup.
    Map<Target, List<MethodMatch>> methods = new IdentityHashMap<>();
    Map<Target, Integer> skipped = new IdentityHashMap<>();
    for (Target t : targets) {
      methods.put(t, new ArrayList<>());
      skipped.put(t, 0);
    }
    Set<String> definedTypes = new TreeSet<>();
    Set<String> definedPrefixes = new TreeSet<>();
    Map<String, Integer> inject = new TreeMap<>();
    Map<Fingerprint, Anchors> anchors = new IdentityHashMap<>();
    for (Target t : targets) {
      anchors.computeIfAbsent(t.fingerprint(), Anchors::of);
    }

    for (DexEntry entry : app.dexEntries()) {
      Dex dex = entry.load();
      Set<String> defined = new HashSet<>(dex.definedClasses());
      for (String w : wantedTypes) {
        if (defined.contains(w)) {
          definedTypes.add(w);
        }
      }
      for (String p : wantedPrefixes) {
        if (!definedPrefixes.contains(p) && dex.hasStringWithPrefix(p)) {
          for (String d : defined) {
            if (d.startsWith(p)) {
              definedPrefixes.add(p);
              break;
            }
          }
        }
      }
      if (dex.hasStringWithPrefix(injectPrefix)) {
        for (String d : dex.definedClasses()) {
          if (d.startsWith(injectPrefix)) {
            inject.putIfAbsent(d, entry.number());
          }
        }
      }
      Map<String, Boolean> presence = new HashMap<>();
      List<Target> live = new ArrayList<>();
      for (Target t : targets) {
        if (anchors.get(t.fingerprint()).present(dex, defined, presence)) {
          live.add(t);
        }
      }
      if (live.isEmpty()) {
        continue;
      }
      dex.guard(() -> {
        scanDex(dex, entry, live, methods, skipped);
        return null;
      });
    }

    Map<Target, Found> found = new IdentityHashMap<>();
    for (Target t : targets) {
      found.put(t, new Found(List.copyOf(methods.get(t)), skipped.get(t)));
    }
    return new Result(found, definedTypes, definedPrefixes, inject);
  }

  private static void scanDex(Dex dex, DexEntry entry, List<Target> live, Map<Target, List<MethodMatch>> methods,
      Map<Target, Integer> skipped) {
    List<Target> here = new ArrayList<>();
    for (DexBackedClassDef c : dex.file().getClasses()) {
      here.clear();
      for (Target t : live) {
        if (classMatches(t.fingerprint(), c)) {
          here.add(t);
        }
      }
      if (here.isEmpty()) {
        continue;
      }
      for (DexBackedMethod m : c.getMethods()) {
        CodeFacts facts = null;
        MethodImplementation impl = null;
        boolean implRead = false;
        for (Target t : here) {
          Fingerprint f = t.fingerprint();
          if (!methodMatches(f, m)) {
            continue;
          }
          if (!implRead) {
            impl = m.getImplementation();
            implRead = true;
          }
          if (impl == null) {
            if (f.codeClauses().isEmpty()) {
              skipped.merge(t, 1, Integer::sum);
            }
            continue;
          }
          if (!f.codeClauses().isEmpty()) {
            if (facts == null) {
              facts = CodeFacts.of(impl);
            }
            if (!codeMatches(f, facts)) {
              continue;
            }
          }
          methods.get(t).add(new MethodMatch(entry.name(), entry.number(), c.getType(), m.getName(),
              m.getParameterTypes(), m.getReturnType(), m.getAccessFlags()));
        }
      }
    }
  }

  static boolean classMatches(Fingerprint f, DexBackedClassDef c) {
    for (Clause.ClassClause cc : f.classClauses()) {
      if (cc instanceof Clause.ClassIs x) {
        if (!c.getType().equals(x.type())) {
          return false;
        }
      } else if (cc instanceof Clause.ClassPrefix x) {
        if (!c.getType().startsWith(x.prefix())) {
          return false;
        }
      } else if (cc instanceof Clause.ClassExtends x) {
        if (!x.type().equals(c.getSuperclass())) {
          return false;
        }
      } else if (cc instanceof Clause.ClassImplements x) {
        if (!c.getInterfaces().contains(x.type())) {
          return false;
        }
      }
    }
    return true;
  }

  static boolean methodMatches(Fingerprint f, DexBackedMethod m) {
    for (Clause.MethodClause mc : f.methodClauses()) {
      if (mc instanceof Clause.Name n) {
        if (!m.getName().equals(n.name())) {
          return false;
        }
      } else if (mc instanceof Clause.Signature s) {
        if (s.returnType() != null && !s.returnType().equals(m.getReturnType())) {
          return false;
        }
        if (s.params() != null && !s.params().equals(m.getParameterTypes())) {
          return false;
        }
      } else if (mc instanceof Clause.Access a) {
        int flags = m.getAccessFlags();
        if ((flags & a.required()) != a.required() || (flags & a.forbidden()) != 0) {
          return false;
        }
      }
    }
    return true;
  }

  static boolean codeMatches(Fingerprint f, CodeFacts facts) {
    for (Clause.CodeClause cc : f.codeClauses()) {
      if (cc instanceof Clause.LoadsString s) {
        if (!facts.strings.contains(s.value())) {
          return false;
        }
      } else if (cc instanceof Clause.LoadsAnyString s) {
        if (s.values().stream().noneMatch(facts.strings::contains)) {
          return false;
        }
      } else if (cc instanceof Clause.LoadsStringContaining s) {
        if (facts.strings.stream().noneMatch(x -> x.contains(s.part()))) {
          return false;
        }
      } else if (cc instanceof Clause.Calls c) {
        boolean any = false;
        for (MethodReference r : facts.calls) {
          if (c.method().matches(r.getDefiningClass(), r.getName(), r.getParameterTypes(), r.getReturnType())) {
            any = true;
            break;
          }
        }
        if (!any) {
          return false;
        }
      } else if (cc instanceof Clause.CallsPrefix c) {
        if (facts.calls.stream().noneMatch(r -> r.getDefiningClass().startsWith(c.prefix()))) {
          return false;
        }
      } else if (cc instanceof Clause.ReadsField r) {
        if (!hasField(facts.reads, r.field())) {
          return false;
        }
      } else if (cc instanceof Clause.WritesField w) {
        if (!hasField(facts.writes, w.field())) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean hasField(List<FieldReference> refs, FieldPattern p) {
    for (FieldReference r : refs) {
      if (r.getDefiningClass().equals(p.definingClass()) && r.getName().equals(p.name())
          && r.getType().equals(p.type())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Strings a dex must contain for the fingerprint to have any chance: all of {@code all}, one of each
   * {@code anyOf} group, a string with each prefix, a string containing each part. Derived from the clauses,
   * each of which names strings that end up in the string pool of the dex holding a matching method.
   */
  record Anchors(List<String> all, List<List<String>> anyOf, List<String> prefixes, List<String> contains,
      String exactClass) {
    static Anchors of(Fingerprint f) {
      List<String> all = new ArrayList<>();
      List<List<String>> anyOf = new ArrayList<>();
      List<String> prefixes = new ArrayList<>();
      List<String> contains = new ArrayList<>();
      for (Clause c : f.clauses()) {
        if (c instanceof Clause.ClassIs x) {
          all.add(x.type());
        } else if (c instanceof Clause.ClassPrefix x) {
          prefixes.add(x.prefix());
        } else if (c instanceof Clause.ClassExtends x) {
          all.add(x.type());
        } else if (c instanceof Clause.ClassImplements x) {
          all.add(x.type());
        } else if (c instanceof Clause.Name x) {
          all.add(x.name());
        } else if (c instanceof Clause.Signature x) {
          if (x.params() != null) {
            all.addAll(x.params());
          }
          if (x.returnType() != null) {
            all.add(x.returnType());
          }
        } else if (c instanceof Clause.LoadsString x) {
          all.add(x.value());
        } else if (c instanceof Clause.LoadsAnyString x) {
          anyOf.add(x.values());
        } else if (c instanceof Clause.LoadsStringContaining x) {
          contains.add(x.part());
        } else if (c instanceof Clause.Calls x) {
          all.add(x.method().name());
          if (x.method().definingClass() != null) {
            all.add(x.method().definingClass());
          }
          if (x.method().hasProto()) {
            all.addAll(x.method().params());
            all.add(x.method().returnType());
          }
        } else if (c instanceof Clause.CallsPrefix x) {
          prefixes.add(x.prefix());
        } else if (c instanceof Clause.ReadsField x) {
          all.add(x.field().definingClass());
          all.add(x.field().name());
          all.add(x.field().type());
        } else if (c instanceof Clause.WritesField x) {
          all.add(x.field().definingClass());
          all.add(x.field().name());
          all.add(x.field().type());
        }
      }
      return new Anchors(List.copyOf(new java.util.LinkedHashSet<>(all)), anyOf, prefixes, contains, f.exactClass());
    }

    boolean present(Dex dex, Set<String> defined, Map<String, Boolean> cache) throws IOException {
      if (exactClass != null && !defined.contains(exactClass)) {
        return false;
      }
      for (String s : all) {
        if (!has(dex, s, cache)) {
          return false;
        }
      }
      for (List<String> group : anyOf) {
        boolean any = false;
        for (String s : group) {
          if (has(dex, s, cache)) {
            any = true;
            break;
          }
        }
        if (!any) {
          return false;
        }
      }
      for (String p : prefixes) {
        if (!dex.hasStringWithPrefix(p)) {
          return false;
        }
      }
      for (String c : contains) {
        if (!dex.hasStringContaining(c)) {
          return false;
        }
      }
      return true;
    }

    private static boolean has(Dex dex, String s, Map<String, Boolean> cache) throws IOException {
      Boolean b = cache.get(s);
      if (b == null) {
        b = dex.hasString(s);
        cache.put(s, b);
      }
      return b;
    }
  }
}
