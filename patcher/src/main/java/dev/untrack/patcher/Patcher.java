package dev.untrack.patcher;

import dev.untrack.patcher.PatchReport.Applied;
import dev.untrack.patcher.PatchReport.NotApplicable;
import dev.untrack.patcher.PatchReport.Outcome;
import dev.untrack.patcher.PatchReport.Touched;
import dev.untrack.patcher.action.MethodEditor;
import dev.untrack.patcher.app.App;
import dev.untrack.patcher.app.Dex;
import dev.untrack.patcher.app.DexEntry;
import dev.untrack.patcher.match.Matcher;
import dev.untrack.patcher.match.MethodMatch;
import dev.untrack.patcher.patch.Action;
import dev.untrack.patcher.patch.AppSelector;
import dev.untrack.patcher.patch.Fingerprint;
import dev.untrack.patcher.patch.Helper;
import dev.untrack.patcher.patch.Patch;
import dev.untrack.patcher.patch.PatchLoader;
import dev.untrack.patcher.patch.PatchSet;
import dev.untrack.patcher.smali.CodeText;
import dev.untrack.patcher.smali.References;
import dev.untrack.patcher.write.DexRewriter;
import dev.untrack.patcher.write.InPlaceEditor;
import dev.untrack.rom.apk.AndroidManifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jf.dexlib2.dexbacked.DexBackedClassDef;
import org.jf.dexlib2.dexbacked.DexBackedMethod;
import org.jf.dexlib2.iface.ClassDef;
import org.jf.dexlib2.iface.Method;
import org.jf.dexlib2.iface.MethodImplementation;

/**
 * The patch engine for one app: selects the patches that apply, matches their fingerprints, applies their
 * actions to the methods found, adds the helpers the new code calls, and produces the new bytes of the dex
 * entries that change. Nothing is written; see {@link dev.untrack.patcher.write.AppWriter}.
 *
 * <pre>{@code
 * Patcher patcher = new Patcher(patchSet, Policy.BLOCK);
 * try (App app = App.open(in)) {
 *   PatchResult result = patcher.patch(app);
 *   AppWriter.write(app, result, out);
 * }
 * }</pre>
 */
public final class Patcher {
  private final PatchSet patches;
  private final Policy policy;

  public Patcher(PatchSet patches, Policy policy) {
    this.patches = patches;
    this.policy = policy;
  }

  public Policy policy() {
    return policy;
  }

  /**
   * Plans the changes to {@code app}.
   *
   * @throws PatchException a fingerprint is ambiguous, or an action cannot be applied to a method it found
   * @throws IOException the app or one of its dex files is unreadable, corrupt or unsupported
   */
  public PatchResult patch(App app) throws IOException, PatchException {
    String pkg = app.packageName().orElse(null);
    Long versionCode = app.manifest().map(AndroidManifest::versionCode).orElse(null);
    String versionName = app.manifest().map(AndroidManifest::versionName).orElse(null);
    List<NotApplicable> notApplicable = new ArrayList<>();

    if (app.codeState() != App.CodeState.DEX) {
      String why = app.codeState() == App.CodeState.ODEXED ? "nothing to patch: app is odexed (no dex, oat/ beside it)"
          : "nothing to patch: app has no dex code";
      for (Patch p : patches.patches()) {
        notApplicable.add(new NotApplicable(p.id(), why));
      }
      Outcome o = app.codeState() == App.CodeState.ODEXED ? Outcome.ODEXED : Outcome.NO_CODE;
      return new PatchResult(new PatchReport(app.name(), pkg, versionCode, versionName, o, List.of(), notApplicable,
          List.of(), List.of(), List.of(), List.of(), "unchanged", ""), Map.of(), List.of());
    }

    // 1. Which patches could apply: policy, then cheap selectors. "defines" selectors are settled by the scan.
    List<Patch> candidates = new ArrayList<>();
    Set<String> wantedTypes = new TreeSet<>();
    Set<String> wantedPrefixes = new TreeSet<>();
    for (Patch p : patches.patches()) {
      if (!p.appliesUnder(policy)) {
        notApplicable.add(new NotApplicable(p.id(), "runs only under --policy " + p.policy().keyword()));
        continue;
      }
      if (p.actionsUnder(policy).isEmpty()) {
        notApplicable.add(new NotApplicable(p.id(), "has no action under --policy " + policy.keyword()));
        continue;
      }
      if (!mayBeSelected(p, pkg)) {
        notApplicable.add(new NotApplicable(p.id(), "not for this app (" + describeSelectors(p) + ")"));
        continue;
      }
      for (AppSelector s : p.apps()) {
        if (s instanceof AppSelector.Defines d) {
          wantedTypes.add(d.type());
        } else if (s instanceof AppSelector.DefinesPrefix d) {
          wantedPrefixes.add(d.prefix());
        }
      }
      candidates.add(p);
    }

    // 2. One pass over the dex files for every fingerprint an active action uses.
    List<Matcher.Target> targets = new ArrayList<>();
    for (Patch p : candidates) {
      Set<String> used = new LinkedHashSet<>();
      p.actionsUnder(policy).forEach(a -> used.add(a.fingerprint()));
      for (String f : used) {
        targets.add(new Matcher.Target(p, p.fingerprint(f).orElseThrow()));
      }
    }
    if (targets.isEmpty()) {
      // Nothing could apply: no dex needs to be read, the output is a copy.
      return new PatchResult(new PatchReport(app.name(), pkg, versionCode, versionName, Outcome.UNCHANGED, List.of(),
          notApplicable, List.of(), List.of(), List.of(), List.of(), "unchanged", ""), Map.of(), List.of());
    }
    Matcher.Result scan = Matcher.scan(app, targets, wantedTypes, wantedPrefixes, PatchLoader.INJECT_PACKAGE);

    // 3. Per patch: selected? counts within bounds? Collect the method edits.
    Map<MethodKey, List<MethodEditor.Step>> edits = new TreeMap<>();
    List<Patch> applied = new ArrayList<>();
    Map<String, List<String>> unmatched = new LinkedHashMap<>();
    Map<String, Integer> skippedWithoutCode = new LinkedHashMap<>();
    for (Patch p : candidates) {
      if (!selected(p, pkg, scan)) {
        notApplicable.add(new NotApplicable(p.id(), "not for this app (" + describeSelectors(p) + ")"));
        continue;
      }
      List<String> missing = new ArrayList<>();
      Map<String, List<MethodMatch>> byFingerprint = new LinkedHashMap<>();
      for (Matcher.Target t : targets) {
        if (t.patch() != p) {
          continue;
        }
        Fingerprint f = t.fingerprint();
        List<MethodMatch> found = scan.found().get(t).methods();
        if (!f.count().allows(found.size())) {
          List<String> names = new ArrayList<>();
          found.forEach(m -> names.add(m.describe()));
          throw new AmbiguousMatchException(p.id(), app.name(), f.name(), f.count().toString(), names);
        }
        if (found.isEmpty()) {
          missing.add(f.name());
        }
        skippedWithoutCode.merge(p.id(), scan.found().get(t).skippedWithoutCode(), Integer::sum);
        byFingerprint.put(f.name(), found);
      }
      if (missing.size() == byFingerprint.size()) {
        notApplicable.add(new NotApplicable(p.id(), (missing.size() == 1 ? "fingerprint " : "fingerprints ")
            + String.join(", ", missing) + " matched nothing"));
        continue;
      }
      applied.add(p);
      unmatched.put(p.id(), missing);
      for (Action a : p.actionsUnder(policy)) {
        for (MethodMatch m : byFingerprint.get(a.fingerprint())) {
          MethodKey k = new MethodKey(m.dexNumber(), m.definingClass(), m.name() + "(" + String.join("", m.params())
              + ")" + m.returnType(), m.dex());
          edits.computeIfAbsent(k, x -> new ArrayList<>()).add(new MethodEditor.Step(p, a));
        }
      }
    }
    // Actions that meet on one method are resolved by fixed rules (MethodEditor.edit applies them): the same
    // body change from two patches is made once; a body change from one patch and string rewrites from another
    // combine (a new body supersedes the rewrites, a prepend or gate keeps the rewritten original). Anything
    // else is an error naming both sides, never a silent choice.
    for (Map.Entry<MethodKey, List<MethodEditor.Step>> e : edits.entrySet()) {
      List<MethodEditor.Step> steps = e.getValue();
      for (int i = 0; i < steps.size(); i++) {
        for (int j = 0; j < i; j++) {
          String conflict = MethodEditor.conflict(steps.get(j), steps.get(i));
          if (conflict != null) {
            throw new PatchException(steps.get(i).patch().id(), app.name(), "method " + e.getKey().ref() + " in "
                + e.getKey().dexName() + ": " + conflict);
          }
        }
      }
    }

    // 4. New bodies, dex by dex.
    Map<Integer, DexEntry> entries = new TreeMap<>();
    app.dexEntries().forEach(d -> entries.put(d.number(), d));
    Map<Integer, Dex> loaded = new TreeMap<>();
    Map<Integer, Map<String, Map<String, MethodImplementation>>> bodies = new TreeMap<>();
    Map<Integer, List<InPlaceEditor.Edit>> inPlace = new TreeMap<>();
    Map<String, List<Touched>> touched = new LinkedHashMap<>();
    applied.forEach(p -> touched.put(p.id(), new ArrayList<>()));
    Map<String, Set<String>> injectUsed = new LinkedHashMap<>();
    Map<Integer, List<MethodKey>> keysByDex = new TreeMap<>();
    edits.keySet().forEach(k -> keysByDex.computeIfAbsent(k.dexNumber(), x -> new ArrayList<>()).add(k));
    for (Map.Entry<Integer, List<MethodKey>> de : keysByDex.entrySet()) {
      Dex dex = entries.get(de.getKey()).load();
      Map<String, Map<String, MethodImplementation>> dexBodies = new TreeMap<>();
      Map<String, Map<String, DexBackedMethod>> methods = methodsOf(dex, de.getValue());
      for (MethodKey k : de.getValue()) {
        DexBackedMethod m = methods.getOrDefault(k.type(), Map.of()).get(k.signature());
        if (m == null) {
          throw new IllegalStateException("matched method vanished: " + k.ref());
        }
        String target = app.name() + ": " + k.ref() + " in " + k.dexName();
        MethodEditor.Outcome out = dex.guard(() -> MethodEditor.edit(m, edits.get(k), dex.opcodes().api, target));
        if (out.implementation() != null) {
          dexBodies.computeIfAbsent(k.type(), x -> new TreeMap<>()).put(k.signature(), out.implementation());
          boolean stringsOnly = edits.get(k).stream().noneMatch(st -> st.action().operation().touchesBody());
          inPlace.computeIfAbsent(de.getKey(), x -> new ArrayList<>())
              .add(new InPlaceEditor.Edit(m, out.implementation(), stringsOnly));
        }
        for (MethodEditor.StepResult r : out.steps()) {
          String id = r.step().patch().id();
          touched.get(id).add(new Touched(r.step().action().fingerprint(), r.step().action().operation().keyword(),
              k.ref(), k.dexName(), r.detail(), r.changed()));
          if (r.changed() && out.implementation() != null) {
            injectUsed.computeIfAbsent(id, x -> new TreeSet<>())
                .addAll(References.typesUnder(out.implementation(), PatchLoader.INJECT_PACKAGE));
          }
        }
      }
      if (!dexBodies.isEmpty()) {
        loaded.put(de.getKey(), dex);
        bodies.put(de.getKey(), dexBodies);
      }
    }

    // 5. Helpers the new code calls: replace stale copies in place, add missing ones.
    List<String> helperNames = new ArrayList<>();
    Map<Integer, Map<String, ClassDef>> replacements = new TreeMap<>();
    List<ClassDef> additions = new ArrayList<>();
    for (Helper h : neededHelpers(applied, injectUsed, app.name())) {
      helperNames.add(h.id());
      for (ClassDef c : h.classes()) {
        Integer existing = scan.injectClasses().get(c.getType());
        if (existing == null) {
          additions.add(c);
          continue;
        }
        Dex dex = loaded.containsKey(existing) ? loaded.get(existing) : entries.get(existing).load();
        if (!sameClass(dex, c)) {
          loaded.putIfAbsent(existing, dex);
          bodies.putIfAbsent(existing, new TreeMap<>());
          replacements.computeIfAbsent(existing, x -> new TreeMap<>()).put(c.getType(), c);
        }
      }
    }

    // 6. Rewrite the dex files that change; helpers go into the first, or a new dex if it is full.
    Map<String, byte[]> replaced = new LinkedHashMap<>();
    List<PatchResult.NewDex> added = new ArrayList<>();
    List<String> changedEntries = new ArrayList<>();
    // Dex files whose edits fit in place are patched in their bytes; the others, and any dex that gets or
    // replaces helper classes, are rewritten.
    Map<Integer, byte[]> edited = new TreeMap<>();
    for (Map.Entry<Integer, Dex> e : loaded.entrySet()) {
      if (replacements.containsKey(e.getKey()) || !inPlace.containsKey(e.getKey())) {
        continue;
      }
      Dex dex = e.getValue();
      byte[] bytes = dex.guard(() -> InPlaceEditor.apply(dex, inPlace.get(e.getKey())));
      if (bytes != null) {
        edited.put(e.getKey(), bytes);
      }
    }
    boolean placed = additions.isEmpty();
    if (!placed && edited.size() == loaded.size()) {
      // Every change fit in place, but the helpers need a home: the first dex is rewritten to take them.
      edited.remove(edited.keySet().iterator().next());
    }
    for (Map.Entry<Integer, Dex> e : loaded.entrySet()) {
      Dex dex = e.getValue();
      byte[] bytes = edited.get(e.getKey());
      if (bytes == null) {
        DexRewriter.Rewritten r = DexRewriter.rewrite(dex, bodies.get(e.getKey()),
            replacements.getOrDefault(e.getKey(), Map.of()), placed ? List.of() : additions);
        placed |= r.additionsIncluded();
        bytes = r.bytes();
      }
      replaced.put(dex.name(), bytes);
      changedEntries.add(dex.name());
    }
    if (!placed) {
      Dex first = loaded.values().iterator().next();
      String name = app.nextDexName(0);
      added.add(new PatchResult.NewDex(name, DexRewriter.newDex(additions, first.opcodes(), app.name() + " > " + name)));
    }

    List<Applied> appliedReport = new ArrayList<>();
    for (Patch p : applied) {
      appliedReport.add(new Applied(p.id(), p.title(), touched.get(p.id()), unmatched.get(p.id()),
          skippedWithoutCode.getOrDefault(p.id(), 0)));
    }
    Outcome outcome = replaced.isEmpty() && added.isEmpty() ? Outcome.UNCHANGED : Outcome.PATCHED;
    List<String> addedNames = new ArrayList<>();
    added.forEach(d -> addedNames.add(d.name()));
    PatchReport report = new PatchReport(app.name(), pkg, versionCode, versionName, outcome, appliedReport,
        notApplicable, List.of(), changedEntries, addedNames, helperNames,
        outcome == Outcome.PATCHED ? "keep-cert" : "unchanged", "");
    return new PatchResult(report, replaced, added);
  }

  // ---------------------------------------------------------------------------------------------------------

  /** A method in a dex: what edits are keyed by (ordered by dex, class, signature). */
  private record MethodKey(int dexNumber, String type, String signature, String dexName)
      implements Comparable<MethodKey> {
    String ref() {
      return type + "->" + signature;
    }

    @Override
    public int compareTo(MethodKey o) {
      int c = Integer.compare(dexNumber, o.dexNumber);
      if (c == 0) {
        c = type.compareTo(o.type);
      }
      return c != 0 ? c : signature.compareTo(o.signature);
    }
  }

  private static Map<String, Map<String, DexBackedMethod>> methodsOf(Dex dex, List<MethodKey> keys)
      throws IOException {
    Set<String> types = new TreeSet<>();
    keys.forEach(k -> types.add(k.type()));
    return dex.guard(() -> {
      Map<String, Map<String, DexBackedMethod>> out = new TreeMap<>();
      for (DexBackedClassDef c : dex.file().getClasses()) {
        if (!types.contains(c.getType()) || out.containsKey(c.getType())) {
          continue;
        }
        Map<String, DexBackedMethod> ms = new TreeMap<>();
        for (DexBackedMethod m : c.getMethods()) {
          ms.put(DexRewriter.methodKey(m), m);
        }
        out.put(c.getType(), ms);
      }
      return out;
    });
  }

  private List<Helper> neededHelpers(List<Patch> applied, Map<String, Set<String>> injectUsed, String app)
      throws PatchException {
    Map<String, Helper> out = new LinkedHashMap<>();
    for (Patch p : applied) {
      Set<String> used = injectUsed.getOrDefault(p.id(), Set.of());
      Set<String> covered = new TreeSet<>();
      for (String id : p.requiredHelpers()) {
        Helper h = patches.helper(id, policy).orElse(null);
        if (h == null) {
          continue;
        }
        boolean needed = false;
        for (String t : h.types()) {
          if (used.contains(t)) {
            needed = true;
          }
        }
        if (needed) {
          out.putIfAbsent(h.id(), h);
          covered.addAll(h.types());
        }
      }
      for (String t : used) {
        if (!covered.contains(t)) {
          throw new PatchException(p.id(), app, "the new code calls " + t + ", which no helper required by the "
              + "patch defines under --policy " + policy.keyword());
        }
      }
    }
    return new ArrayList<>(out.values());
  }

  /** Whether the dex's definition of {@code c}'s type has the same methods and code as {@code c}. */
  private static boolean sameClass(Dex dex, ClassDef c) throws IOException {
    return dex.guard(() -> {
      for (DexBackedClassDef d : dex.file().getClasses()) {
        if (d.getType().equals(c.getType())) {
          return text(d).equals(text(c));
        }
      }
      return false;
    });
  }

  private static String text(ClassDef c) {
    StringBuilder sb = new StringBuilder(c.getType()).append(' ').append(c.getAccessFlags()).append(' ')
        .append(c.getSuperclass()).append(' ').append(c.getInterfaces()).append('\n');
    Map<String, String> methods = new TreeMap<>();
    for (Method m : c.getMethods()) {
      MethodImplementation impl = m.getImplementation();
      methods.put(DexRewriter.methodKey(m) + " " + m.getAccessFlags(), impl == null ? "" : CodeText.of(impl));
    }
    methods.forEach((k, v) -> sb.append(k).append('\n').append(v));
    List<String> fields = new ArrayList<>();
    c.getFields().forEach(f -> fields.add(f.getName() + ":" + f.getType() + " " + f.getAccessFlags()));
    java.util.Collections.sort(fields);
    return sb.append(fields).toString();
  }

  private static boolean mayBeSelected(Patch p, String pkg) {
    for (AppSelector s : p.apps()) {
      if (!(s instanceof AppSelector.Package pk) || (pkg != null && pk.names().contains(pkg))) {
        return true;
      }
    }
    return false;
  }

  private static boolean selected(Patch p, String pkg, Matcher.Result scan) {
    for (AppSelector s : p.apps()) {
      if (s instanceof AppSelector.Any) {
        return true;
      }
      if (s instanceof AppSelector.Package pk && pkg != null && pk.names().contains(pkg)) {
        return true;
      }
      if (s instanceof AppSelector.Defines d && scan.definedTypes().contains(d.type())) {
        return true;
      }
      if (s instanceof AppSelector.DefinesPrefix d && scan.definedPrefixes().contains(d.prefix())) {
        return true;
      }
    }
    return false;
  }

  private static String describeSelectors(Patch p) {
    List<String> out = new ArrayList<>();
    p.apps().forEach(s -> out.add(s.describe()));
    return String.join("; or ", out);
  }
}
