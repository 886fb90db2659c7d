package dev.untrack.patcher.patch;

import dev.untrack.patcher.PatchException;
import dev.untrack.patcher.PatchSyntaxException;
import dev.untrack.patcher.Policy;
import dev.untrack.patcher.action.ReturnValues;
import dev.untrack.patcher.smali.BodyAssembler;
import dev.untrack.patcher.smali.References;
import dev.untrack.patcher.smali.MethodShape;
import dev.untrack.patcher.smali.SmaliAssembler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.jf.dexlib2.iface.ClassDef;
import org.jf.dexlib2.iface.Method;
import org.jf.dexlib2.iface.MethodImplementation;

/**
 * Finds patch files (the built-in catalogue on the classpath, a user's directory), parses them and validates
 * them together into a {@link PatchSet}. Every smali block is assembled here once so that a broken patch is
 * reported when it loads, with its file, line and column, not halfway through patching an app.
 */
public final class PatchLoader {
  /** Where helper classes live; an action may only call into this package through a required helper. */
  public static final String INJECT_PACKAGE = "Ldev/untrack/inject/";
  /** API level smali blocks are checked against at load time (dex 039: every opcode untrack emits). */
  static final int LOAD_API = 28;
  /** Patch files are small; anything bigger is not a patch file. */
  static final long MAX_FILE_SIZE = 4L << 20;
  static final int MAX_FILES = 10_000;

  private PatchLoader() {}

  /** Which files to load and how user files combine with the built-in catalogue. */
  public record Request(
      List<PatchSource> builtin, List<PatchSource> user, boolean includeBuiltinPatches, boolean override) {
    public Request {
      builtin = List.copyOf(builtin);
      user = List.copyOf(user);
    }

    /** Only the built-in catalogue. */
    public static Request builtinOnly(List<PatchSource> builtin) {
      return new Request(builtin, List.of(), true, false);
    }
  }

  /** Every {@code *.smalipatch} under {@code dir}, recursively, sorted by relative path. */
  public static List<PatchSource> fromDirectory(Path dir) throws IOException, PatchException {
    if (!Files.isDirectory(dir)) {
      throw new PatchException(null, null, dir + ": not a directory of patch files");
    }
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".smalipatch") && Files.isRegularFile(p))
          .limit(MAX_FILES + 1L)
          .sorted((a, b) -> dir.relativize(a).toString().replace('\\', '/')
              .compareTo(dir.relativize(b).toString().replace('\\', '/')))
          .toList();
    }
    if (files.size() > MAX_FILES) {
      throw new PatchException(null, null, dir + ": more than " + MAX_FILES + " patch files");
    }
    List<PatchSource> out = new ArrayList<>();
    for (Path f : files) {
      if (Files.size(f) > MAX_FILE_SIZE) {
        throw new PatchException(null, null, f + ": larger than " + MAX_FILE_SIZE + " bytes; not a patch file");
      }
      out.add(new PatchSource(f.toString(), decode(Files.readAllBytes(f), f.toString())));
    }
    return out;
  }

  /**
   * The files listed in {@code base + "index.txt"} on the classpath (one path per line, relative to
   * {@code base}; blank lines and {@code #} comments ignored). A missing index means an empty catalogue.
   */
  public static List<PatchSource> fromClasspath(ClassLoader loader, String base) throws IOException, PatchException {
    String index = base + "index.txt";
    List<PatchSource> out = new ArrayList<>();
    try (InputStream in = loader.getResourceAsStream(index)) {
      if (in == null) {
        return out;
      }
      String text = decode(in.readAllBytes(), index);
      String[] lines = text.split("\r?\n");
      for (int i = 0; i < lines.length; i++) {
        String l = lines[i].strip();
        if (l.isEmpty() || l.startsWith("#")) {
          continue;
        }
        if (l.contains("..") || l.startsWith("/")) {
          throw new PatchSyntaxException(new SourcePos(index, i + 1, 1), "'" + l + "' is not a relative path");
        }
        String name = base + l;
        try (InputStream f = loader.getResourceAsStream(name)) {
          if (f == null) {
            throw new PatchSyntaxException(new SourcePos(index, i + 1, 1), "lists " + l + ", which is not there");
          }
          out.add(new PatchSource(name, decode(f.readAllBytes(), name)));
        }
      }
    }
    return out;
  }

  private static String decode(byte[] bytes, String name) throws PatchException {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new PatchException(null, null, name + ": not UTF-8 text");
    }
  }

  /** Parses and validates everything in {@code request}. */
  public static PatchSet load(Request request) throws PatchException {
    List<PatchParser.ParsedFile> builtin = new ArrayList<>();
    for (PatchSource s : request.builtin()) {
      builtin.add(PatchParser.parse(s));
    }
    List<PatchParser.ParsedFile> user = new ArrayList<>();
    for (PatchSource s : request.user()) {
      user.add(PatchParser.parse(s));
    }

    // Helpers: built-in ones are infrastructure and stay available even when the built-in patches do not.
    Map<String, List<Helper>> helpers = new LinkedHashMap<>();
    Map<String, Boolean> helperFromUser = new LinkedHashMap<>();
    for (PatchParser.ParsedFile f : builtin) {
      for (Helper h : f.helpers()) {
        addHelper(helpers, helperFromUser, compile(h), false, request.override());
      }
    }
    for (PatchParser.ParsedFile f : user) {
      for (Helper h : f.helpers()) {
        addHelper(helpers, helperFromUser, compile(h), true, request.override());
      }
    }
    for (List<Helper> variants : helpers.values()) {
      checkVariants(variants);
    }
    checkHelperReferences(helpers);

    // Patches: ids unique; a user patch replaces a built-in one only with override.
    Map<String, Patch> byId = new LinkedHashMap<>();
    Map<String, Boolean> fromUser = new LinkedHashMap<>();
    if (request.includeBuiltinPatches()) {
      for (PatchParser.ParsedFile f : builtin) {
        for (Patch p : f.patches()) {
          Patch prev = byId.putIfAbsent(p.id(), p);
          if (prev != null) {
            throw duplicate(p, prev);
          }
          fromUser.put(p.id(), false);
        }
      }
    }
    for (PatchParser.ParsedFile f : user) {
      for (Patch p : f.patches()) {
        Patch prev = byId.get(p.id());
        if (prev != null && (fromUser.get(p.id()) || !request.override())) {
          PatchSyntaxException e = duplicate(p, prev);
          if (!fromUser.get(p.id())) {
            throw new PatchSyntaxException(e.pos(), e.detail() + " (a built-in patch; pass --patches-override "
                + "to replace it)");
          }
          throw e;
        }
        if (prev != null) {
          byId.remove(p.id());
        }
        byId.put(p.id(), p);
        fromUser.put(p.id(), true);
      }
    }
    for (Patch p : byId.values()) {
      validate(p, helpers);
    }
    return new PatchSet(new ArrayList<>(byId.values()), helpers);
  }

  private static PatchSyntaxException duplicate(Patch p, Patch prev) {
    return new PatchSyntaxException(p.pos(), "duplicate patch id " + p.id() + " (also defined at " + prev.pos() + ")");
  }

  private static void addHelper(Map<String, List<Helper>> helpers, Map<String, Boolean> fromUser, Helper h,
      boolean user, boolean override) throws PatchSyntaxException {
    List<Helper> variants = helpers.computeIfAbsent(h.id(), k -> new ArrayList<>());
    Boolean prevUser = fromUser.get(h.id());
    if (prevUser != null && user && !prevUser) {
      if (!override) {
        throw new PatchSyntaxException(h.block().opener(), "helper " + h.id()
            + " is already defined by the built-in catalogue (pass --patches-override to replace it)");
      }
      variants.clear();
    }
    fromUser.put(h.id(), user);
    for (Helper v : variants) {
      if (v.scope() == h.scope()) {
        throw new PatchSyntaxException(h.block().opener(), "helper " + h.id()
            + (h.scope() == PolicyScope.ANY ? "" : "@" + h.scope().keyword()) + " defined twice (also at "
            + v.block().opener() + ")");
      }
    }
    variants.add(h);
  }

  private static void checkVariants(List<Helper> variants) throws PatchSyntaxException {
    boolean any = variants.stream().anyMatch(v -> v.scope() == PolicyScope.ANY);
    if (any && variants.size() > 1) {
      Helper h = variants.get(1);
      throw new PatchSyntaxException(h.block().opener(), "helper " + h.id()
          + " has both a policy-independent variant and policy variants; use one or the other");
    }
    // All variants of a helper must define the same classes, so callers link whatever the policy.
    Set<String> types = variants.get(0).types();
    for (Helper v : variants) {
      if (!v.types().equals(types)) {
        throw new PatchSyntaxException(v.block().opener(), "helper " + v.id() + " variants define different "
            + "classes: " + types + " vs " + v.types());
      }
    }
  }

  private static void checkHelperReferences(Map<String, List<Helper>> helpers) throws PatchSyntaxException {
    Set<String> all = new TreeSet<>();
    helpers.values().forEach(vs -> vs.forEach(h -> all.addAll(h.types())));
    for (List<Helper> variants : helpers.values()) {
      for (Helper h : variants) {
        for (ClassDef c : h.classes()) {
          for (Method m : c.getMethods()) {
            if (m.getImplementation() == null) {
              continue;
            }
            for (String t : References.typesUnder(m.getImplementation(), INJECT_PACKAGE)) {
              if (!h.types().contains(t)) {
                throw new PatchSyntaxException(h.block().opener(), "helper " + h.id() + " uses " + t
                    + ", which it does not define" + (all.contains(t) ? " (helpers may not depend on each other)" : ""));
              }
            }
          }
        }
      }
    }
  }

  /** Assembles a helper's classes (each {@code .class} line starts a new one). */
  static Helper compile(Helper h) throws PatchSyntaxException {
    SmaliBlock b = h.block();
    List<List<String>> units = new ArrayList<>();
    List<Integer> starts = new ArrayList<>();
    List<String> cur = null;
    for (int i = 0; i < b.lines().size(); i++) {
      String line = b.lines().get(i);
      String t = line.strip();
      if (t.startsWith(".class ") || t.startsWith(".class\t")) {
        cur = new ArrayList<>();
        units.add(cur);
        starts.add(i);
      }
      if (cur == null) {
        if (!t.isEmpty() && !t.startsWith("#")) {
          throw new PatchSyntaxException(new SourcePos(b.firstLine().file(), b.firstLine().line() + i, 1),
              "a helper block holds smali classes: expected '.class'");
        }
        continue;
      }
      cur.add(line);
    }
    if (units.isEmpty()) {
      throw new PatchSyntaxException(b.opener(), "helper " + h.id() + " defines no class");
    }
    List<ClassDef> classes = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    for (int u = 0; u < units.size(); u++) {
      int start = starts.get(u);
      SourcePos first = b.firstLine();
      ClassDef c = SmaliAssembler.assembleClass(String.join("\n", units.get(u)) + "\n", LOAD_API,
          line -> new SourcePos(first.file(), first.line() + start + line - 1, 1));
      SourcePos at = new SourcePos(first.file(), first.line() + start, 1);
      if (!c.getType().startsWith(INJECT_PACKAGE)) {
        throw new PatchSyntaxException(at, "helper class " + c.getType() + " must live under " + INJECT_PACKAGE
            + " so it can never collide with an app's classes");
      }
      if (!seen.add(c.getType())) {
        throw new PatchSyntaxException(at, "helper " + h.id() + " defines " + c.getType() + " twice");
      }
      classes.add(c);
    }
    return new Helper(h.id(), h.scope(), h.block(), classes);
  }

  // ---------------------------------------------------------------------------------------------------------

  private static void validate(Patch p, Map<String, List<Helper>> helpers) throws PatchSyntaxException {
    SourcePos at = p.pos();
    Set<String> available = new TreeSet<>();
    for (String id : p.requiredHelpers()) {
      List<Helper> variants = helpers.get(id);
      if (variants == null) {
        throw new PatchSyntaxException(at, "patch " + p.id() + " requires helper " + id + ", which is not loaded");
      }
      for (Policy pol : Policy.values()) {
        if (p.appliesUnder(pol) && usesHelperUnder(p, pol)
            && variants.stream().noneMatch(v -> v.scope().includes(pol))) {
          throw new PatchSyntaxException(at, "patch " + p.id() + " runs under --policy " + pol.keyword()
              + " but helper " + id + " has no variant for it (add helper@" + pol.keyword() + " " + id + ")");
        }
      }
      available.addAll(variants.get(0).types());
    }
    for (Action a : p.actions()) {
      Fingerprint f = p.fingerprint(a.fingerprint()).orElseThrow();
      Set<String> used = new TreeSet<>();
      Operation op = a.operation();
      if (op instanceof Operation.Replace r) {
        used.addAll(checkBlock(r.block(), f, true));
      } else if (op instanceof Operation.Prepend r) {
        used.addAll(checkBlock(r.block(), f, false));
      } else if (op instanceof Operation.Gate g) {
        if (g.check().definingClass().startsWith(INJECT_PACKAGE)) {
          used.add(g.check().definingClass());
        }
      } else if (op instanceof Operation.Return r) {
        checkReturnFits(a, r.value(), f);
      }
      for (String t : used) {
        if (!available.contains(t)) {
          throw new PatchSyntaxException(a.pos(), "the action uses " + t + ", but no helper listed in 'requires "
              + "helper' defines it");
        }
      }
    }
  }

  /** Whether any action that runs under {@code pol} could need a helper (only code-adding ones can). */
  private static boolean usesHelperUnder(Patch p, Policy pol) {
    for (Action a : p.actionsUnder(pol)) {
      if (a.operation() instanceof Operation.Gate || a.operation() instanceof Operation.Replace
          || a.operation() instanceof Operation.Prepend) {
        return true;
      }
    }
    return false;
  }

  /** Assembles a block against the signature the fingerprint pins (or a permissive one); returns inject types used. */
  private static Set<String> checkBlock(SmaliBlock block, Fingerprint f, boolean needsFrame) throws PatchSyntaxException {
    BodyAssembler.Frame frame = BodyAssembler.frame(block.lines(), block.firstLine());
    if (frame == null && needsFrame) {
      throw new PatchSyntaxException(block.opener(), "a replace block needs '.locals N' or '.registers N'");
    }
    List<String> params = f.pinnedParams();
    if (params == null) {
      // Unknown parameters: enough int slots that any pN the author writes maps to a register.
      params = Collections.nCopies(32, "I");
    }
    String ret = f.pinnedReturn() == null ? "V" : f.pinnedReturn();
    boolean isStatic = Boolean.TRUE.equals(f.pinnedStatic());
    MethodShape shape = new MethodShape(isStatic, params, ret);
    List<String> lines = block.lines();
    boolean shifted = false;
    if (!needsFrame) {
      int locals = frame == null ? 0 : frame.isLocals() ? frame.count() : frame.count() - shape.parameterRegisters();
      if (locals < 0) {
        throw new PatchSyntaxException(block.firstLine(), "'.registers' is smaller than the method's parameters");
      }
      lines = BodyAssembler.withLocals(lines, frame, locals);
      shifted = frame == null;
    }
    MethodImplementation impl = BodyAssembler.assemble(lines, block.firstLine(), shifted, shape, LOAD_API);
    return References.typesUnder(impl, INJECT_PACKAGE);
  }

  private static void checkReturnFits(Action a, Literal value, Fingerprint f) throws PatchSyntaxException {
    String ret = f.pinnedReturn();
    if (ret == null) {
      return;
    }
    String problem = ReturnValues.mismatch(value, ret);
    if (problem != null) {
      throw new PatchSyntaxException(a.pos(), problem);
    }
  }
}
