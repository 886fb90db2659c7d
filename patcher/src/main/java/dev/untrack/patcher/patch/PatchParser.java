package dev.untrack.patcher.patch;

import dev.untrack.patcher.PatchSyntaxException;
import dev.untrack.patcher.patch.LineTokens.Token;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jf.dexlib2.AccessFlags;

/**
 * Reads {@code *.smalipatch} text (see {@code patches/FORMAT.md}) into {@link Patch} and {@link Helper} models.
 * Everything that can be checked without assembling smali or seeing other files is checked here; errors carry
 * {@code FILE:LINE:COLUMN}. Smali blocks are kept verbatim; {@link PatchLoader} assembles them.
 */
public final class PatchParser {
  static final Pattern PATCH_ID = Pattern.compile("[a-z0-9][a-z0-9._-]*");
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
  static final Set<String> METHOD_FLAGS = Set.of("public", "private", "protected", "static", "final",
      "synchronized", "bridge", "varargs", "native", "abstract", "strictfp", "synthetic", "constructor",
      "declared-synchronized");

  /** Everything one file defines. Helpers have no classes yet. */
  public record ParsedFile(String name, List<Patch> patches, List<Helper> helpers) {}

  private final String file;
  private final String[] lines;
  private int next;

  private final List<Patch> patches = new ArrayList<>();
  private final List<Helper> helpers = new ArrayList<>();

  private PatchParser(PatchSource source) {
    this.file = source.name();
    String text = source.text();
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    this.lines = text.split("\r?\n", -1);
  }

  public static ParsedFile parse(PatchSource source) throws PatchSyntaxException {
    PatchParser p = new PatchParser(source);
    p.parseFile();
    return new ParsedFile(source.name(), List.copyOf(p.patches), List.copyOf(p.helpers));
  }

  // ---------------------------------------------------------------------------------------------------------

  private SourcePos pos(int line, int column) {
    return new SourcePos(file, line, column);
  }

  private PatchSyntaxException error(int line, int column, String message) {
    return new PatchSyntaxException(pos(line, column), message);
  }

  private PatchSyntaxException error(int line, Token t, String message) {
    return error(line, t.column(), message);
  }

  /** A directive line: its number, its raw text and its tokens. */
  private record Line(int no, String raw, List<Token> tokens) {
    Token keyword() {
      return tokens.get(0);
    }

    int argc() {
      return tokens.size() - 1;
    }

    Token arg(int i) {
      return tokens.get(i + 1);
    }

    /** Everything after the keyword, for free-text directives; a single quoted argument is unquoted. */
    String rest() {
      if (tokens.size() == 2 && tokens.get(1).quoted()) {
        return tokens.get(1).text();
      }
      if (tokens.size() < 2) {
        return "";
      }
      return raw.substring(tokens.get(1).column() - 1).strip();
    }
  }

  /** The next non-blank, non-comment line, or null at the end. Does not consume it. */
  private Line peek() throws PatchSyntaxException {
    while (next < lines.length) {
      String raw = lines[next];
      String t = raw.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        next++;
        continue;
      }
      return new Line(next + 1, raw, LineTokens.split(raw, file, next + 1));
    }
    return null;
  }

  private void parseFile() throws PatchSyntaxException {
    Set<String> idsInFile = new HashSet<>();
    Line l;
    while ((l = peek()) != null) {
      String kw = l.keyword().text();
      if (kw.equals("patch")) {
        next++;
        Patch p = parsePatch(l);
        if (!idsInFile.add(p.id())) {
          throw error(l.no(), l.arg(0), "duplicate patch id " + p.id() + " in this file");
        }
        patches.add(p);
      } else if (kw.equals("helper") || kw.startsWith("helper@")) {
        next++;
        helpers.add(parseHelper(l));
      } else {
        throw error(l.no(), l.keyword(), "expected 'patch ID' or 'helper ID' here, found '" + kw + "'");
      }
    }
  }

  private Helper parseHelper(Line l) throws PatchSyntaxException {
    PolicyScope scope = scopeOf(l, "helper");
    if (l.argc() != 1) {
      throw error(l.no(), l.keyword(), "expected 'helper ID' followed by smali lines and 'end'");
    }
    String id = l.arg(0).text();
    if (!PATCH_ID.matcher(id).matches()) {
      throw error(l.no(), l.arg(0), "helper id '" + id + "' must be lowercase letters, digits, '.', '-', '_'");
    }
    SmaliBlock block = readBlock(l);
    return new Helper(id, scope, block, List.of());
  }

  private PolicyScope scopeOf(Line l, String base) throws PatchSyntaxException {
    String kw = l.keyword().text();
    if (kw.equals(base)) {
      return PolicyScope.ANY;
    }
    String suffix = kw.substring(base.length() + 1);
    PolicyScope s = PolicyScope.fromKeyword(suffix);
    if (s == null || s == PolicyScope.ANY) {
      throw error(l.no(), l.keyword(), "unknown policy '" + suffix + "' (use " + base + "@block or "
          + base + "@honor-switch)");
    }
    return s;
  }

  /** Lines after {@code opener} up to a line that is exactly {@code end}. */
  private SmaliBlock readBlock(Line opener) throws PatchSyntaxException {
    List<String> body = new ArrayList<>();
    int first = next + 1;
    while (next < lines.length) {
      String raw = lines[next++];
      if (raw.strip().equals("end")) {
        if (body.stream().allMatch(s -> s.isBlank())) {
          throw error(opener.no(), opener.keyword(), "empty block");
        }
        return new SmaliBlock(body, pos(first, 1), pos(opener.no(), opener.keyword().column()));
      }
      body.add(raw);
    }
    throw error(opener.no(), opener.keyword(), "block is not closed: add a line 'end'");
  }

  // ---------------------------------------------------------------------------------------------------------

  private static final Set<String> CLAUSES = Set.of(
      "class", "class-prefix", "class-extends", "class-implements", "name", "proto", "returns", "params", "access",
      "string", "string-any", "string-contains", "calls", "calls-prefix", "reads-field", "writes-field", "count");

  private Patch parsePatch(Line head) throws PatchSyntaxException {
    if (head.argc() != 1) {
      throw error(head.no(), head.keyword(), "expected 'patch ID'");
    }
    String id = head.arg(0).text();
    if (!PATCH_ID.matcher(id).matches()) {
      throw error(head.no(), head.arg(0), "patch id '" + id + "' must be lowercase letters, digits, '.', '-', '_'");
    }
    String title = null;
    List<String> why = new ArrayList<>();
    List<String> sources = new ArrayList<>();
    List<AppSelector> apps = new ArrayList<>();
    PolicyScope policy = null;
    Severity severity = null;
    List<String> requires = new ArrayList<>();
    Map<String, FingerprintBuilder> fps = new LinkedHashMap<>();
    List<Action> actions = new ArrayList<>();
    List<VerifyClaim> verifies = new ArrayList<>();
    FingerprintBuilder current = null;

    Line l;
    while ((l = peek()) != null) {
      String kw = l.keyword().text();
      if (kw.equals("patch") || kw.equals("helper") || kw.startsWith("helper@")) {
        break;
      }
      next++;
      if (CLAUSES.contains(kw)) {
        if (current == null) {
          throw error(l.no(), l.keyword(), "'" + kw + "' is a fingerprint clause: put it after 'match NAME'");
        }
        current.add(l);
        continue;
      }
      current = null;
      switch (kw) {
        case "title" -> {
          if (title != null) {
            throw error(l.no(), l.keyword(), "title given twice");
          }
          title = nonEmptyRest(l);
        }
        case "why" -> why.add(nonEmptyRest(l));
        case "source" -> sources.add(nonEmptyRest(l));
        case "apps" -> apps.add(parseSelector(l));
        case "policy" -> {
          if (policy != null) {
            throw error(l.no(), l.keyword(), "policy given twice");
          }
          policy = PolicyScope.fromKeyword(single(l, "block, honor-switch or any"));
          if (policy == null) {
            throw error(l.no(), l.arg(0), "unknown policy '" + l.arg(0).text() + "' (block, honor-switch or any)");
          }
        }
        case "severity" -> {
          if (severity != null) {
            throw error(l.no(), l.keyword(), "severity given twice");
          }
          severity = Severity.fromKeyword(single(l, "high, medium or low"));
          if (severity == null) {
            throw error(l.no(), l.arg(0), "unknown severity '" + l.arg(0).text() + "' (high, medium or low)");
          }
        }
        case "requires" -> {
          if (l.argc() < 2 || !l.arg(0).text().equals("helper")) {
            throw error(l.no(), l.keyword(), "expected 'requires helper ID'");
          }
          for (int i = 1; i < l.argc(); i++) {
            String h = l.arg(i).text();
            if (!PATCH_ID.matcher(h).matches()) {
              throw error(l.no(), l.arg(i), "'" + h + "' is not a helper id");
            }
            if (!requires.contains(h)) {
              requires.add(h);
            }
          }
        }
        case "match" -> {
          String name = single(l, "a fingerprint name");
          if (!NAME.matcher(name).matches()) {
            throw error(l.no(), l.arg(0), "fingerprint name '" + name + "' may use letters, digits, '_', '.', '-'");
          }
          if (fps.containsKey(name)) {
            throw error(l.no(), l.arg(0), "fingerprint " + name + " defined twice in patch " + id);
          }
          current = new FingerprintBuilder(name, pos(l.no(), l.keyword().column()));
          fps.put(name, current);
        }
        case "verify" -> verifies.add(parseVerify(l));
        default -> {
          if (kw.equals("action") || kw.startsWith("action@")) {
            actions.add(parseAction(l));
          } else if (kw.startsWith("verify@")) {
            verifies.add(parseVerify(l));
          } else {
            throw error(l.no(), l.keyword(), "unknown directive '" + kw + "' in patch " + id);
          }
        }
      }
    }

    SourcePos at = pos(head.no(), head.keyword().column());
    if (title == null) {
      throw new PatchSyntaxException(at, "patch " + id + " has no title");
    }
    if (why.isEmpty()) {
      throw new PatchSyntaxException(at, "patch " + id + " has no 'why' (which telemetry, and the public source)");
    }
    if (apps.isEmpty()) {
      throw new PatchSyntaxException(at, "patch " + id + " has no 'apps' selector");
    }
    if (fps.isEmpty()) {
      throw new PatchSyntaxException(at, "patch " + id + " has no fingerprint ('match NAME')");
    }
    if (actions.isEmpty()) {
      throw new PatchSyntaxException(at, "patch " + id + " has no action");
    }
    List<Fingerprint> fingerprints = new ArrayList<>();
    for (FingerprintBuilder b : fps.values()) {
      fingerprints.add(b.build());
    }
    if (policy == null) {
      policy = PolicyScope.ANY;
    }
    checkActions(id, policy, fps.keySet(), actions);
    for (VerifyClaim v : verifies) {
      if (!fps.containsKey(v.fingerprint())) {
        throw new PatchSyntaxException(v.pos(), "verify names fingerprint " + v.fingerprint()
            + ", which patch " + id + " does not define");
      }
    }
    for (VerifyClaim v : verifies) {
      if (policy != PolicyScope.ANY && v.scope() != PolicyScope.ANY && v.scope() != policy) {
        throw new PatchSyntaxException(v.pos(), "verify@" + v.scope().keyword() + " in a patch with policy "
            + policy.keyword() + " would never be checked");
      }
    }
    Patch patch = new Patch(id, at, title, why, sources, apps, policy,
        severity == null ? Severity.MEDIUM : severity, requires, fingerprints, actions, verifies);
    for (Fingerprint f : fingerprints) {
      if (verifies.stream().noneMatch(v -> v.fingerprint().equals(f.name()))) {
        throw new PatchSyntaxException(f.pos(), "fingerprint " + f.name()
            + " has no 'verify' claim (say what the checker will see)");
      }
      // A fingerprint acted on under a policy needs a claim for that policy: what holds differs (a stub is
      // neutralized under block, the same method gated under honor-switch).
      for (dev.untrack.patcher.Policy p : dev.untrack.patcher.Policy.values()) {
        boolean acted = patch.actionsUnder(p).stream().anyMatch(a -> a.fingerprint().equals(f.name()));
        if (acted && patch.verifiesUnder(p).stream().noneMatch(v -> v.fingerprint().equals(f.name()))) {
          throw new PatchSyntaxException(f.pos(), "fingerprint " + f.name() + " has no 'verify' claim under --policy "
              + p.keyword() + " (add 'verify@" + p.keyword() + " " + f.name() + " CLAIM')");
        }
      }
    }
    return patch;
  }

  private void checkActions(String id, PolicyScope policy, Set<String> fps, List<Action> actions)
      throws PatchSyntaxException {
    for (Action a : actions) {
      if (!fps.contains(a.fingerprint())) {
        throw new PatchSyntaxException(a.pos(), "action names fingerprint " + a.fingerprint()
            + ", which patch " + id + " does not define");
      }
      if (policy != PolicyScope.ANY && a.scope() != PolicyScope.ANY && a.scope() != policy) {
        throw new PatchSyntaxException(a.pos(), "action@" + a.scope().keyword() + " in a patch with policy "
            + policy.keyword() + " would never run");
      }
    }
    for (int i = 0; i < actions.size(); i++) {
      for (int j = 0; j < i; j++) {
        Action a = actions.get(i);
        Action b = actions.get(j);
        boolean overlap = a.scope() == PolicyScope.ANY || b.scope() == PolicyScope.ANY || a.scope() == b.scope();
        if (overlap && a.fingerprint().equals(b.fingerprint())
            && (a.operation().touchesBody() || b.operation().touchesBody())) {
          throw new PatchSyntaxException(a.pos(), "two actions on fingerprint " + a.fingerprint()
              + " under the same policy (the other at line " + b.pos().line()
              + "); only strings rewrites may be combined");
        }
      }
    }
  }

  private String nonEmptyRest(Line l) throws PatchSyntaxException {
    String r = l.rest();
    if (r.isEmpty()) {
      throw error(l.no(), l.keyword(), "'" + l.keyword().text() + "' needs text");
    }
    return r;
  }

  private String single(Line l, String what) throws PatchSyntaxException {
    if (l.argc() != 1) {
      throw error(l.no(), l.keyword(), "'" + l.keyword().text() + "' takes one argument: " + what);
    }
    return l.arg(0).text();
  }

  private AppSelector parseSelector(Line l) throws PatchSyntaxException {
    if (l.argc() < 1) {
      throw error(l.no(), l.keyword(), "expected 'apps package NAME...', 'apps defines TYPE', "
          + "'apps defines-prefix PKG/' or 'apps any'");
    }
    Token kind = l.arg(0);
    switch (kind.text()) {
      case "package" -> {
        if (l.argc() < 2) {
          throw error(l.no(), kind, "'apps package' needs at least one package name");
        }
        List<String> names = new ArrayList<>();
        for (int i = 1; i < l.argc(); i++) {
          String n = l.arg(i).text();
          if (!n.matches("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*")) {
            throw error(l.no(), l.arg(i), "'" + n + "' is not a package name");
          }
          names.add(n);
        }
        return new AppSelector.Package(names);
      }
      case "defines" -> {
        Token t = exactlyOneAfter(l, kind, "a class descriptor");
        classType(l, t);
        return new AppSelector.Defines(t.text());
      }
      case "defines-prefix" -> {
        Token t = exactlyOneAfter(l, kind, "a package prefix like Lcom/example/");
        packagePrefix(l, t);
        return new AppSelector.DefinesPrefix(t.text());
      }
      case "any" -> {
        if (l.argc() != 1) {
          throw error(l.no(), l.arg(1), "'apps any' takes no arguments");
        }
        return new AppSelector.Any();
      }
      default -> throw error(l.no(), kind, "unknown app selector '" + kind.text()
          + "' (package, defines, defines-prefix, any)");
    }
  }

  private Token exactlyOneAfter(Line l, Token kind, String what) throws PatchSyntaxException {
    if (l.argc() != 2) {
      throw error(l.no(), kind, "'" + kind.text() + "' takes exactly one argument: " + what);
    }
    return l.arg(1);
  }

  private void classType(Line l, Token t) throws PatchSyntaxException {
    noQuotes(l, t);
    try {
      Descriptors.checkClassType(t.text());
    } catch (Descriptors.BadDescriptor e) {
      throw error(l.no(), t.column() + e.offset(), e.getMessage());
    }
  }

  private void anyType(Line l, Token t, boolean allowVoid) throws PatchSyntaxException {
    noQuotes(l, t);
    try {
      Descriptors.checkType(t.text(), allowVoid);
    } catch (Descriptors.BadDescriptor e) {
      throw error(l.no(), t.column() + e.offset(), e.getMessage());
    }
  }

  private void packagePrefix(Line l, Token t) throws PatchSyntaxException {
    noQuotes(l, t);
    try {
      Descriptors.checkPackagePrefix(t.text());
    } catch (Descriptors.BadDescriptor e) {
      throw error(l.no(), t.column() + e.offset(), e.getMessage());
    }
  }

  private void noQuotes(Line l, Token t) throws PatchSyntaxException {
    if (t.quoted()) {
      throw error(l.no(), t, "type descriptors and references are written without quotes");
    }
  }

  private MethodPattern methodPattern(Line l, Token t, boolean wildcards) throws PatchSyntaxException {
    noQuotes(l, t);
    try {
      return Descriptors.parseMethodPattern(t.text(), wildcards);
    } catch (Descriptors.BadDescriptor e) {
      throw error(l.no(), t.column() + e.offset(), e.getMessage());
    }
  }

  private FieldPattern fieldPattern(Line l, Token t) throws PatchSyntaxException {
    noQuotes(l, t);
    try {
      return Descriptors.parseFieldPattern(t.text());
    } catch (Descriptors.BadDescriptor e) {
      throw error(l.no(), t.column() + e.offset(), e.getMessage());
    }
  }

  // ---------------------------------------------------------------------------------------------------------

  private final class FingerprintBuilder {
    final String name;
    final SourcePos pos;
    final List<Clause> clauses = new ArrayList<>();
    Count count;
    final Set<String> once = new HashSet<>();

    FingerprintBuilder(String name, SourcePos pos) {
      this.name = name;
      this.pos = pos;
    }

    void add(Line l) throws PatchSyntaxException {
      Token kw = l.keyword();
      String k = kw.text();
      SourcePos at = pos(l.no(), kw.column());
      String group = switch (k) {
        case "proto", "params", "returns" -> "signature:" + k;
        case "class", "class-prefix", "class-extends", "name", "count" -> k;
        default -> null;
      };
      if (group != null && !once.add(group)) {
        throw error(l.no(), kw, "'" + k + "' given twice in fingerprint " + name);
      }
      if ((k.equals("proto") && (once.contains("signature:params") || once.contains("signature:returns")))
          || ((k.equals("params") || k.equals("returns")) && once.contains("signature:proto"))) {
        throw error(l.no(), kw, "use either 'proto' or 'params'/'returns', not both");
      }
      switch (k) {
        case "class" -> {
          Token t = one(l);
          classType(l, t);
          clauses.add(new Clause.ClassIs(t.text(), at));
        }
        case "class-prefix" -> {
          Token t = one(l);
          packagePrefix(l, t);
          clauses.add(new Clause.ClassPrefix(t.text(), at));
        }
        case "class-extends" -> {
          Token t = one(l);
          classType(l, t);
          clauses.add(new Clause.ClassExtends(t.text(), at));
        }
        case "class-implements" -> {
          Token t = one(l);
          classType(l, t);
          clauses.add(new Clause.ClassImplements(t.text(), at));
        }
        case "name" -> {
          Token t = one(l);
          noQuotes(l, t);
          try {
            Descriptors.checkMethodName(t.text());
          } catch (Descriptors.BadDescriptor e) {
            throw error(l.no(), t.column() + e.offset(), e.getMessage());
          }
          clauses.add(new Clause.Name(t.text(), at));
        }
        case "proto" -> {
          Token t = one(l);
          noQuotes(l, t);
          try {
            List<String> p = Descriptors.parseProto(t.text());
            clauses.add(new Clause.Signature(p.subList(0, p.size() - 1), p.get(p.size() - 1), at));
          } catch (Descriptors.BadDescriptor e) {
            throw error(l.no(), t.column() + e.offset(), e.getMessage());
          }
        }
        case "returns" -> {
          Token t = one(l);
          anyType(l, t, true);
          clauses.add(new Clause.Signature(null, t.text(), at));
        }
        case "params" -> {
          List<String> ps = new ArrayList<>();
          for (int i = 0; i < l.argc(); i++) {
            anyType(l, l.arg(i), false);
            ps.add(l.arg(i).text());
          }
          clauses.add(new Clause.Signature(ps, null, at));
        }
        case "access" -> {
          if (l.argc() == 0) {
            throw error(l.no(), kw, "'access' needs flags, e.g. 'access public static !abstract'");
          }
          int required = 0;
          int forbidden = 0;
          for (int i = 0; i < l.argc(); i++) {
            Token t = l.arg(i);
            boolean not = t.text().startsWith("!");
            String flag = not ? t.text().substring(1) : t.text();
            AccessFlags f = AccessFlags.getAccessFlag(flag);
            if (f == null || !METHOD_FLAGS.contains(flag)) {
              throw error(l.no(), t, "unknown method access flag '" + flag + "'");
            }
            if (not) {
              forbidden |= f.getValue();
            } else {
              required |= f.getValue();
            }
          }
          if ((required & forbidden) != 0) {
            throw error(l.no(), kw, "a flag is both required and forbidden");
          }
          clauses.add(new Clause.Access(required, forbidden, at));
        }
        case "string" -> clauses.add(new Clause.LoadsString(one(l).text(), at));
        case "string-any" -> {
          if (l.argc() < 1) {
            throw error(l.no(), kw, "'string-any' needs at least one string");
          }
          List<String> vs = new ArrayList<>();
          for (int i = 0; i < l.argc(); i++) {
            vs.add(l.arg(i).text());
          }
          clauses.add(new Clause.LoadsAnyString(vs, at));
        }
        case "string-contains" -> {
          Token t = one(l);
          if (t.text().isEmpty()) {
            throw error(l.no(), t, "'string-contains' needs a non-empty string");
          }
          clauses.add(new Clause.LoadsStringContaining(t.text(), at));
        }
        case "calls" -> clauses.add(new Clause.Calls(methodPattern(l, one(l), true), at));
        case "calls-prefix" -> {
          Token t = one(l);
          packagePrefix(l, t);
          clauses.add(new Clause.CallsPrefix(t.text(), at));
        }
        case "reads-field" -> clauses.add(new Clause.ReadsField(fieldPattern(l, one(l)), at));
        case "writes-field" -> clauses.add(new Clause.WritesField(fieldPattern(l, one(l)), at));
        case "count" -> {
          if (l.argc() == 1 && l.arg(0).text().equals("one")) {
            count = Count.ONE;
          } else if (l.argc() == 1 && l.arg(0).text().equals("all")) {
            count = Count.ALL;
          } else if (l.argc() == 2 && l.arg(0).text().equals("at-most")) {
            try {
              int n = Integer.parseInt(l.arg(1).text());
              if (n < 1) {
                throw new NumberFormatException();
              }
              count = Count.atMost(n);
            } catch (NumberFormatException e) {
              throw error(l.no(), l.arg(1), "'count at-most' needs a positive number");
            }
          } else {
            throw error(l.no(), kw, "expected 'count one', 'count all' or 'count at-most N'");
          }
        }
        default -> throw new IllegalStateException(k);
      }
    }

    private Token one(Line l) throws PatchSyntaxException {
      if (l.argc() != 1) {
        throw error(l.no(), l.keyword(), "'" + l.keyword().text() + "' takes exactly one argument");
      }
      return l.arg(0);
    }

    Fingerprint build() throws PatchSyntaxException {
      Fingerprint f = new Fingerprint(name, pos, clauses, count == null ? Count.ONE : count);
      boolean hasClass = f.clauses().stream()
          .anyMatch(c -> c instanceof Clause.ClassIs || c instanceof Clause.ClassPrefix);
      if (!hasClass && f.codeClauses().isEmpty()) {
        throw new PatchSyntaxException(pos, "fingerprint " + name + " is too broad: give 'class' or "
            + "'class-prefix', or a code clause (string*, calls*, reads-field, writes-field)");
      }
      return f;
    }
  }

  // ---------------------------------------------------------------------------------------------------------

  private Action parseAction(Line l) throws PatchSyntaxException {
    PolicyScope scope = scopeOf(l, "action");
    SourcePos at = pos(l.no(), l.keyword().column());
    if (l.argc() < 2) {
      throw error(l.no(), l.keyword(), "expected 'action FINGERPRINT OPERATION'");
    }
    String fp = l.arg(0).text();
    Token op = l.arg(1);
    int extra = l.argc() - 2;
    Operation operation = switch (op.text()) {
      case "return-default" -> {
        noMore(l, 2);
        yield new Operation.ReturnDefault();
      }
      case "return" -> {
        if (extra != 1) {
          throw error(l.no(), op, "'return' takes one value: true, false, an integer, null or \"string\"");
        }
        yield new Operation.Return(literal(l, l.arg(2)));
      }
      case "replace" -> {
        noMore(l, 2);
        yield new Operation.Replace(readBlock(l));
      }
      case "prepend" -> {
        noMore(l, 2);
        yield new Operation.Prepend(readBlock(l));
      }
      case "gate" -> {
        if (extra != 1) {
          throw error(l.no(), op, "'gate' takes one method reference: Lcls;->name()Z or "
              + "Lcls;->name(Landroid/content/Context;)Z");
        }
        MethodPattern m = methodPattern(l, l.arg(2), false);
        boolean plain = m.params().isEmpty();
        boolean withContext = m.params().equals(List.of("Landroid/content/Context;"));
        if (!m.returnType().equals("Z") || !(plain || withContext)) {
          throw error(l.no(), l.arg(2), "a gate must be a static method ()Z or (Landroid/content/Context;)Z");
        }
        yield new Operation.Gate(m);
      }
      case "strings", "strings-containing" -> {
        if (extra != 3 || !l.arg(3).text().equals("->") || l.arg(3).quoted()) {
          throw error(l.no(), op, "expected '" + op.text() + " \"OLD\" -> \"NEW\"'");
        }
        String from = l.arg(2).text();
        String to = l.arg(4).text();
        if (from.isEmpty()) {
          throw error(l.no(), l.arg(2), "the string to replace cannot be empty");
        }
        yield op.text().equals("strings") ? new Operation.Strings(from, to) : new Operation.StringsContaining(from, to);
      }
      default -> throw error(l.no(), op, "unknown action '" + op.text()
          + "' (return-default, return, replace, prepend, gate, strings, strings-containing)");
    };
    return new Action(fp, scope, operation, at);
  }

  private void noMore(Line l, int expected) throws PatchSyntaxException {
    if (l.argc() > expected) {
      throw error(l.no(), l.arg(expected), "unexpected '" + l.arg(expected).text() + "'");
    }
  }

  private Literal literal(Line l, Token t) throws PatchSyntaxException {
    if (t.quoted()) {
      return new Literal.Str(t.text());
    }
    String s = t.text();
    switch (s) {
      case "true":
        return new Literal.Bool(true);
      case "false":
        return new Literal.Bool(false);
      case "null":
        return new Literal.Null();
      default:
        break;
    }
    try {
      boolean neg = s.startsWith("-");
      String digits = neg ? s.substring(1) : s;
      long v;
      if (digits.startsWith("0x") || digits.startsWith("0X")) {
        v = Long.parseUnsignedLong(digits.substring(2), 16);
      } else {
        v = Long.parseLong(digits);
      }
      return new Literal.Int(neg ? -v : v);
    } catch (NumberFormatException e) {
      throw error(l.no(), t, "'" + s + "' is not a value: use true, false, an integer, null or \"string\"");
    }
  }

  private VerifyClaim parseVerify(Line l) throws PatchSyntaxException {
    PolicyScope scope = scopeOf(l, "verify");
    SourcePos at = pos(l.no(), l.keyword().column());
    if (l.argc() < 2) {
      throw error(l.no(), l.keyword(), "expected 'verify FINGERPRINT CLAIM'");
    }
    VerifyClaim.Kind kind = VerifyClaim.Kind.fromKeyword(l.arg(1).text());
    if (kind == null) {
      throw error(l.no(), l.arg(1), "unknown claim '" + l.arg(1).text()
          + "' (neutralized, gated, strings-absent, unchanged)");
    }
    List<String> strings = new ArrayList<>();
    for (int i = 2; i < l.argc(); i++) {
      strings.add(l.arg(i).text());
    }
    if (kind == VerifyClaim.Kind.STRINGS_ABSENT && strings.isEmpty()) {
      throw error(l.no(), l.arg(1), "'strings-absent' needs at least one string");
    }
    if (kind != VerifyClaim.Kind.STRINGS_ABSENT && !strings.isEmpty()) {
      throw error(l.no(), l.arg(2), "'" + kind.keyword() + "' takes no arguments");
    }
    return new VerifyClaim(l.arg(0).text(), scope, kind, strings, at);
  }
}
