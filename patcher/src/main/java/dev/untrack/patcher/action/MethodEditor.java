package dev.untrack.patcher.action;

import dev.untrack.patcher.PatchException;
import dev.untrack.patcher.patch.Action;
import dev.untrack.patcher.patch.Operation;
import dev.untrack.patcher.patch.Patch;
import dev.untrack.patcher.patch.SmaliBlock;
import dev.untrack.patcher.patch.SourcePos;
import dev.untrack.patcher.smali.BodyAssembler;
import dev.untrack.patcher.smali.CodeText;
import dev.untrack.patcher.smali.MethodShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jf.dexlib2.Opcode;
import org.jf.dexlib2.iface.Method;
import org.jf.dexlib2.iface.MethodImplementation;
import org.jf.dexlib2.iface.instruction.Instruction;

/**
 * Applies the actions aimed at one method and says what each did. A body that already is exactly what the
 * action would produce (an app patched before) is left alone and reported as already applied.
 */
public final class MethodEditor {
  /** Parameter types a gate may take its Context from. */
  static final Set<String> CONTEXT_TYPES = Set.of("Landroid/content/Context;", "Landroid/content/ContextWrapper;",
      "Landroid/view/ContextThemeWrapper;", "Landroid/app/Activity;", "Landroid/app/Application;",
      "Landroid/app/Service;");

  private MethodEditor() {}

  /** One action from one patch. */
  public record Step(Patch patch, Action action) {}

  /** What one step did. */
  public record StepResult(Step step, String detail, boolean changed) {}

  /** The new body (null if nothing changed) and per-step results. */
  public record Outcome(MethodImplementation implementation, List<StepResult> steps) {}

  /**
   * Why two actions may not both change one method, or null when they can be combined: string rewrites always
   * combine; the same {@code return-default}, {@code return} or {@code gate} from two patches is one change;
   * a body change and string rewrites combine when they come from different patches. Within one patch a method
   * gets one body change or string rewrites, never both.
   */
  public static String conflict(Step first, Step second) {
    Operation a = first.action().operation();
    Operation b = second.action().operation();
    if (!a.touchesBody() && !b.touchesBody()) {
      return null;
    }
    if (first.patch() == second.patch()) {
      return "two actions of patch " + first.patch().id() + " (" + a.keyword() + ", " + b.keyword() + ") change "
          + "it; one patch may give a method one body change, or string rewrites only";
    }
    if (a.touchesBody() && b.touchesBody() && !(a.equals(b) && sameChangeTwice(a))) {
      return "patch " + first.patch().id() + " (" + a.keyword() + ") and patch " + second.patch().id() + " ("
          + b.keyword() + ") both change its body; two patches may give a method only the same return-default, "
          + "return or gate";
    }
    return null;
  }

  private static boolean sameChangeTwice(Operation op) {
    return op instanceof Operation.ReturnDefault || op instanceof Operation.Return || op instanceof Operation.Gate;
  }

  /** Whether the operation throws the old body away (so string rewrites on it have nothing left to change). */
  static boolean replacesBody(Operation op) {
    return op instanceof Operation.ReturnDefault || op instanceof Operation.Return || op instanceof Operation.Replace;
  }

  /**
   * Applies {@code steps} (already checked with {@link #conflict}). String rewrites run first, on the original
   * code; then the body change, if any. A body change that throws the old body away supersedes the rewrites, and
   * a second identical body change from another patch is superseded by the first; both are reported, not run.
   */
  public static Outcome edit(Method m, List<Step> steps, int apiLevel, String target) throws PatchException {
    MethodImplementation original = m.getImplementation();
    if (original == null) {
      throw new IllegalArgumentException("no code: " + target);
    }
    List<String> params = new ArrayList<>();
    m.getParameterTypes().forEach(p -> params.add(p.toString()));
    MethodShape shape = new MethodShape((m.getAccessFlags() & 0x8) != 0, params, m.getReturnType());
    Step bodyStep = null;
    for (Step s : steps) {
      if (s.action().operation().touchesBody()) {
        bodyStep = s;
        break;
      }
    }
    MethodImplementation current = original;
    boolean any = false;
    StepResult[] results = new StepResult[steps.size()];
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      Operation op = s.action().operation();
      if (op.touchesBody()) {
        if (s != bodyStep) {
          results[i] = new StepResult(s, "superseded by patch " + bodyStep.patch().id() + " (the same "
              + op.keyword() + ")", false);
        }
        continue;
      }
      if (bodyStep != null && replacesBody(bodyStep.action().operation())) {
        results[i] = new StepResult(s, "superseded by patch " + bodyStep.patch().id() + " ("
            + bodyStep.action().operation().keyword() + "): the old body and its strings are gone", false);
        continue;
      }
      StringRewriter.Result r = StringRewriter.rewrite(current, stringRule(op));
      current = r.implementation();
      any |= r.replaced() > 0;
      results[i] = new StepResult(s, r.replaced() + " string constant(s) rewritten", r.replaced() > 0);
    }
    if (bodyStep != null) {
      MethodImplementation base = current;
      BodyChange c = body(m, base, shape, bodyStep, apiLevel, target);
      boolean same = c.alreadyApplied;
      if (!same) {
        current = c.implementation;
        any = true;
      }
      results[steps.indexOf(bodyStep)] = new StepResult(bodyStep, same ? "already applied" : c.detail, !same);
    }
    return new Outcome(any ? current : null, List.of(results));
  }

  /** A {@code strings} or {@code strings-containing} rewrite: the new value for a matching constant, else null. */
  private static UnaryOperator<String> stringRule(Operation op) {
    if (op instanceof Operation.Strings x) {
      return v -> v.equals(x.oldValue()) ? x.newValue() : null;
    }
    Operation.StringsContaining x = (Operation.StringsContaining) op;
    return v -> v.contains(x.part()) ? x.newValue() : null;
  }

  private record BodyChange(MethodImplementation implementation, String detail, boolean alreadyApplied) {}

  private static BodyChange body(Method m, MethodImplementation original, MethodShape shape, Step s, int api,
      String target) throws PatchException {
    Operation op = s.action().operation();
    String id = s.patch().id();
    SourcePos at = s.action().pos();
    boolean ctor = m.getName().equals("<init>");
    String ret = m.getReturnType();
    // Bodies that fit the original frame keep its size, so the dex can be edited in place.
    int origLocals = Math.max(0, original.getRegisterCount() - shape.parameterRegisters());
    if (op instanceof Operation.ReturnDefault) {
      refuseConstructor(ctor, id, target, "return-default");
      MethodImplementation impl = generated(ret, ReturnValues.neutral(ret), at, shape, api, origLocals);
      return replaced(original, impl, "returns " + ReturnValues.describeNeutral(ret));
    }
    if (op instanceof Operation.Return r) {
      refuseConstructor(ctor, id, target, "return");
      String problem = ReturnValues.mismatch(r.value(), ret);
      if (problem != null) {
        throw new PatchException(id, target, problem);
      }
      MethodImplementation impl = generated(ret, ReturnValues.constant(r.value(), ret), at, shape, api,
          origLocals);
      return replaced(original, impl, "returns " + r.value());
    }
    if (op instanceof Operation.Replace r) {
      SmaliBlock b = r.block();
      BodyAssembler.Frame frame = BodyAssembler.frame(b.lines(), b.firstLine());
      int declared = frame == null ? 0 : frame.isLocals() ? frame.count() : frame.count() - shape.parameterRegisters();
      List<String> lines = declared >= 0 && declared < origLocals && frame != null
          ? BodyAssembler.withLocals(b.lines(), frame, origLocals) : b.lines();
      MethodImplementation impl = BodyAssembler.assemble(lines, b.firstLine(), false, shape, api);
      return replaced(original, impl, "body replaced");
    }
    if (op instanceof Operation.Prepend p) {
      SmaliBlock b = p.block();
      return prepended(original, b.lines(), b.firstLine(), shape, api, id, target, "prepended");
    }
    if (op instanceof Operation.Gate g) {
      refuseConstructor(ctor, id, target, "gate");
      return prepended(original, gateLines(g, shape, ret), at, shape, api, id, target,
          "gated by " + g.check().definingClass() + "->" + g.check().name() + "; when it says no, returns "
              + ReturnValues.describeNeutral(ret));
    }
    throw new IllegalStateException("unknown operation " + op);
  }

  private static void refuseConstructor(boolean ctor, String id, String target, String what) throws PatchException {
    if (ctor) {
      throw new PatchException(id, target, "'" + what + "' cannot be applied to a constructor: it must call its "
          + "superclass constructor before returning (use replace)");
    }
  }

  private static MethodImplementation generated(String ret, List<String> code, SourcePos at, MethodShape shape,
      int api, int origLocals) throws PatchException {
    List<String> lines = new ArrayList<>();
    lines.add(".locals " + Math.max(origLocals, Math.max(1, ReturnValues.locals(ret))));
    lines.addAll(code);
    return BodyAssembler.assemble(lines, at, false, shape, api);
  }

  private static BodyChange replaced(MethodImplementation original, MethodImplementation impl, String detail) {
    boolean same = CodeText.of(original).equals(CodeText.of(impl)) || paddedCopy(original, impl);
    return new BodyChange(impl, detail, same);
  }

  /** Whether {@code original} is {@code impl} as an in-place edit leaves it: then nops and a closing return. */
  static boolean paddedCopy(MethodImplementation original, MethodImplementation impl) {
    if (original.getRegisterCount() != impl.getRegisterCount() || !impl.getTryBlocks().isEmpty()) {
      return false;
    }
    List<Instruction> ours = new ArrayList<>();
    impl.getInstructions().forEach(ours::add);
    List<Instruction> theirs = new ArrayList<>();
    original.getInstructions().forEach(theirs::add);
    int n = ours.size();
    if (theirs.size() < n || !CodeText.prefix(original, n).equals(CodeText.prefix(impl, n))) {
      return false;
    }
    for (int i = n; i < theirs.size(); i++) {
      Opcode op = theirs.get(i).getOpcode();
      boolean last = i == theirs.size() - 1;
      if (op != Opcode.NOP && !(last && (op == Opcode.RETURN_VOID || op == Opcode.RETURN || op == Opcode.RETURN_WIDE
          || op == Opcode.RETURN_OBJECT))) {
        return false;
      }
    }
    return true;
  }

  private static BodyChange prepended(MethodImplementation original, List<String> lines, SourcePos at,
      MethodShape shape, int api, String id, String target, String what) throws PatchException {
    Prepender.Result r = Prepender.prepend(original, lines, at, shape, api, id, target);
    boolean same = r.layout() == Prepender.Layout.FITS
        && CodeText.prefix(original, r.prepended()).equals(CodeText.prefix(r.implementation(), r.prepended()));
    String detail = what + switch (r.layout()) {
      case FITS -> "";
      case SHIFT -> "; frame grew by " + r.addedRegisters() + " register(s), parameters renumbered";
      case COPY -> "; frame grew by " + r.addedRegisters() + " register(s), parameters copied back ("
          + r.note() + ")";
    };
    return new BodyChange(r.implementation(), detail, same);
  }

  /** The smali a {@code gate} prepends: ask the consent method, return the neutral value when it says no. */
  static List<String> gateLines(Operation.Gate g, MethodShape shape, String ret) {
    List<String> lines = new ArrayList<>();
    lines.add(".locals " + Math.max(1, ReturnValues.locals(ret)));
    String ref = g.check().toString();
    if (g.check().params().isEmpty()) {
      lines.add("invoke-static {}, " + ref);
    } else {
      int p = contextParameter(shape);
      if (p >= 0) {
        lines.add("invoke-static/range {p" + p + " .. p" + p + "}, " + ref);
      } else {
        lines.add("const/4 v0, 0x0");
        lines.add("invoke-static {v0}, " + ref);
      }
    }
    lines.add("move-result v0");
    lines.add("if-nez v0, :untrack_gate_open");
    lines.addAll(ReturnValues.neutral(ret));
    lines.add(":untrack_gate_open");
    return lines;
  }

  /** The p-register of the first Context parameter, or -1. */
  static int contextParameter(MethodShape shape) {
    int slot = shape.isStatic() ? 0 : 1;
    for (String p : shape.params()) {
      if (CONTEXT_TYPES.contains(p)) {
        return slot;
      }
      slot += p.equals("J") || p.equals("D") ? 2 : 1;
    }
    return -1;
  }
}
