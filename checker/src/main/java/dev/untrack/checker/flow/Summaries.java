package dev.untrack.checker.flow;

import dev.untrack.checker.CheckerException;
import dev.untrack.checker.dex.AppCode;
import dev.untrack.checker.dex.MethodRef;
import dev.untrack.checker.match.Signatures;
import dev.untrack.checker.pack.SettingKey;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jf.dexlib2.Opcode;
import org.jf.dexlib2.iface.instruction.Instruction;
import org.jf.dexlib2.iface.instruction.OneRegisterInstruction;

/**
 * Per-app cache of method summaries, computed on demand with a bounded call depth. Recognises gates by what
 * they do — a settings read of an opt-out key compared with a constant, or a constant {@code false} — never by
 * their name.
 */
public final class Summaries {
  /** How deep summaries look through calls; beyond it a callee may do anything. */
  public static final int MAX_DEPTH = 4;

  private final AppCode app;
  private final Signatures sigs;
  private final Map<AppCode.MethodLoc, Summary> complete = new HashMap<>();
  private final Map<AppCode.MethodLoc, Summary> partial = new HashMap<>();
  private final Map<AppCode.MethodLoc, Integer> partialDepth = new HashMap<>();
  /** Set while computing a summary when something below it hit the depth limit or a recursion. */
  private boolean truncated;
  private final Set<AppCode.MethodLoc> inProgress = new HashSet<>();
  private final Map<AppCode.MethodLoc, MethodBody> bodies = new HashMap<>();
  private final Map<AppCode.MethodLoc, Cfg> cfgs = new HashMap<>();

  public Summaries(AppCode app, Signatures sigs) {
    this.app = app;
    this.sigs = sigs;
  }

  AppCode app() {
    return app;
  }

  MethodBody body(AppCode.MethodLoc m) throws CheckerException {
    MethodBody b = bodies.get(m);
    if (b == null) {
      b = MethodBody.decode(app, m);
      bodies.put(m, b);
    }
    return b;
  }

  Cfg cfg(AppCode.MethodLoc m) throws CheckerException {
    Cfg c = cfgs.get(m);
    if (c == null) {
      c = Cfg.build(body(m));
      cfgs.put(m, c);
    }
    return c;
  }

  /** Frees decoded bodies; summaries stay. */
  public void releaseBodies() {
    bodies.clear();
    cfgs.clear();
  }

  /**
   * The summary of an app method, looking at most {@link #MAX_DEPTH} calls deep from {@code depth}.
   *
   * <p>A summary that did not run into the depth limit or a recursion holds everywhere and is kept for good. One
   * that did is only as good as the depth it was computed at: it is reused for requests at that depth or deeper,
   * and recomputed when a shallower caller asks (which can see further).
   */
  public Summary of(AppCode.MethodLoc m, int depth) {
    Summary s = complete.get(m);
    if (s != null) {
      return s;
    }
    Integer pd = partialDepth.get(m);
    if (pd != null && depth >= pd) {
      return partial.get(m);
    }
    if (depth > MAX_DEPTH || inProgress.contains(m)) {
      truncated = true;
      return Summary.UNKNOWN;
    }
    if (!m.hasCode()) {
      complete.put(m, Summary.UNKNOWN);
      return Summary.UNKNOWN;
    }
    boolean outer = truncated;
    truncated = false;
    inProgress.add(m);
    try {
      s = compute(m, depth);
    } catch (CheckerException | RuntimeException e) {
      s = Summary.UNKNOWN; // a method we cannot decode may do anything
    } finally {
      inProgress.remove(m);
    }
    boolean mine = truncated;
    truncated = outer || mine;
    if (mine) {
      partial.put(m, s);
      partialDepth.put(m, depth);
    } else {
      complete.put(m, s);
    }
    return s;
  }

  private Summary compute(AppCode.MethodLoc m, int depth) throws CheckerException {
    MethodBody body = body(m);
    Cfg cfg = cfg(m);
    Env env = new Env(depth);
    Flow full = Flow.run(body, cfg, Flow.World.FULL, env);
    if (full.conservative()) {
      return Summary.UNKNOWN;
    }
    boolean pure = !anySideEffect(full, depth);
    Long constReturn = commonReturn(full);
    boolean primitiveReturn = isPrimitive(m.ref().returnType());
    if (pure && !primitiveReturn) {
      return new Summary(true, false, constReturn, constReturn, null, true);
    }
    Flow unset = Flow.run(body, cfg, Flow.World.UNSET, env);
    if (unset.conservative()) {
      return new Summary(pure, false, constReturn, null, null, true);
    }
    boolean gated = !pure && !anySideEffect(unset, depth);
    String source = unset.haltSource();
    for (Flow.Decision d : unset.decisions()) {
      source = d.source();
      break;
    }
    Long unsetReturn = null;
    if (primitiveReturn) {
      String[] returnedSource = new String[1];
      unsetReturn = commonReturn(unset, returnedSource);
      if (source == null) {
        source = returnedSource[0];
      }
    }
    if (constReturn != null) {
      source = null; // a constant is not a consent check, whatever it reads on the way
    }
    if (source == null) {
      gated = false;
    }
    return new Summary(pure, gated, constReturn, unsetReturn, source, true);
  }

  private static boolean isPrimitive(String t) {
    return t.length() == 1 && !t.equals("V");
  }

  private Long commonReturn(Flow f) throws CheckerException {
    return commonReturn(f, new String[1]);
  }

  /** The constant every reachable return yields, or null; records a consent source seen on the way. */
  private Long commonReturn(Flow f, String[] consent) throws CheckerException {
    long[] value = new long[1];
    boolean[] state = new boolean[] {false, true}; // seen, agree
    f.forEach((i, regs) -> {
      Instruction insn = f.body.insns[i];
      Opcode op = insn.getOpcode();
      if (op == Opcode.RETURN || op == Opcode.RETURN_WIDE || op == Opcode.RETURN_OBJECT) {
        Val v = regs[((OneRegisterInstruction) insn).getRegisterA()];
        v = f.resolved(v);
        if (v.kind == Val.Kind.STRING) {
          state[1] = false;
          return;
        }
        if (!v.isConst()) {
          state[1] = false;
          return;
        }
        if (v.consent != null && consent[0] == null) {
          consent[0] = v.consent;
        }
        if (state[0] && value[0] != v.num) {
          state[1] = false;
        }
        state[0] = true;
        value[0] = v.num;
      }
    });
    return state[0] && state[1] ? value[0] : null;
  }

  private boolean anySideEffect(Flow f, int depth) throws CheckerException {
    boolean[] found = new boolean[1];
    f.forEach((i, regs) -> {
      if (!found[0] && sideEffect(f.body, i, f.world, depth)) {
        found[0] = true;
      }
    });
    return found[0];
  }

  /**
   * Whether executing {@code insn} may have an effect outside the method: a field or array store, or a call
   * to something that is not known to be free of effects. In the UNSET world a call to a method that is gated
   * on its own entry does nothing, and a call to a consent check is a read.
   */
  boolean sideEffect(MethodBody body, int i, Flow.World world, int depth) throws CheckerException {
    Opcode op = body.insns[i].getOpcode();
    switch (op) {
      case IPUT: case IPUT_WIDE: case IPUT_OBJECT: case IPUT_BOOLEAN: case IPUT_BYTE: case IPUT_CHAR: case IPUT_SHORT:
      case SPUT: case SPUT_WIDE: case SPUT_OBJECT: case SPUT_BOOLEAN: case SPUT_BYTE: case SPUT_CHAR: case SPUT_SHORT:
      case APUT: case APUT_WIDE: case APUT_OBJECT: case APUT_BOOLEAN: case APUT_BYTE: case APUT_CHAR: case APUT_SHORT:
      case INVOKE_CUSTOM: case INVOKE_CUSTOM_RANGE: case INVOKE_POLYMORPHIC: case INVOKE_POLYMORPHIC_RANGE:
        return true;
      default:
        break;
    }
    AppCode.InvokeKind kind = Flow.invokeKind(op);
    if (kind == null) {
      return false;
    }
    MethodRef ref = body.methodRef(i);
    if (PureApi.isPure(ref) || SettingsApi.getter(ref) != null) {
      return false;
    }
    AppCode.Resolution r = app.resolve(ref, kind);
    if (r.open()) {
      return true;
    }
    for (AppCode.MethodLoc t : r.targets()) {
      Summary s = of(t, depth + 1);
      if (s.pure() || s.isConsentCheck() || (world == Flow.World.UNSET && s.gatedEntry())) {
        continue;
      }
      return true;
    }
    return false;
  }

  /** Resolution of a call-site's callees: every target app method and whether code outside may run. */
  AppCode.Resolution resolve(MethodRef ref, AppCode.InvokeKind kind) throws CheckerException {
    return app.resolve(ref, kind);
  }

  Env env(int depth) {
    return new Env(depth);
  }

  /** Evaluates calls through summaries and settings reads through the packs' opt-out keys. */
  final class Env implements Flow.Env {
    private final int depth;

    Env(int depth) {
      this.depth = depth;
    }

    @Override
    public Val resolve(Val call, Flow.World world) throws CheckerException {
      AppCode.Resolution r = app.resolve(call.call, call.invokeKind);
      if (r.open() || r.targets().isEmpty()) {
        return Val.UNKNOWN;
      }
      Long common = null;
      Long unset = null;
      String source = null;
      boolean allConst = true;
      boolean allUnset = true;
      for (AppCode.MethodLoc t : r.targets()) {
        Summary s = of(t, depth + 1);
        if (s.constReturn() == null || (common != null && !common.equals(s.constReturn()))) {
          allConst = false;
        } else {
          common = s.constReturn();
        }
        if (!s.isConsentCheck() || (unset != null && !unset.equals(s.unsetReturn()))) {
          allUnset = false;
        } else {
          unset = s.unsetReturn();
          source = s.consentSource();
        }
      }
      if (allConst && common != null) {
        return Val.constant(common);
      }
      if (world == Flow.World.UNSET && allUnset && unset != null) {
        return Val.consent(unset, source);
      }
      return Val.UNKNOWN;
    }

    @Override
    public boolean isOptOutKey(String key) {
      return sigs.settingKey(key) != null;
    }

    @Override
    public Val setting(SettingsApi.Getter g, Val key, Val def, Flow.World world) {
      if (world != Flow.World.UNSET || key.kind != Val.Kind.STRING) {
        return Val.UNKNOWN;
      }
      SettingKey k = sigs.settingKey(key.str);
      if (k == null) {
        return Val.UNKNOWN;
      }
      String ns = "Settings." + Character.toUpperCase(g.namespace().charAt(0)) + g.namespace().substring(1);
      if (g.type() == 'S') {
        return Val.consent(0, ns + " " + k.key() + " (unset reads as null)");
      }
      if (def == null || !def.isConst()) {
        return Val.UNKNOWN; // no default: unset throws; unknown default: cannot tell
      }
      long d = g.type() == 'F' ? (long) Float.intBitsToFloat((int) def.num) : def.num;
      return Val.consent(d, ns + " " + k.key() + ", default " + d);
    }
  }
}
