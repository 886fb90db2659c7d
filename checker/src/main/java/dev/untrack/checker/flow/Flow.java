package dev.untrack.checker.flow;

import dev.untrack.checker.CheckerException;
import dev.untrack.checker.dex.AppCode;
import dev.untrack.checker.dex.MethodRef;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jf.dexlib2.Opcode;
import org.jf.dexlib2.iface.instruction.FiveRegisterInstruction;
import org.jf.dexlib2.iface.instruction.Instruction;
import org.jf.dexlib2.iface.instruction.NarrowLiteralInstruction;
import org.jf.dexlib2.iface.instruction.OneRegisterInstruction;
import org.jf.dexlib2.iface.instruction.RegisterRangeInstruction;
import org.jf.dexlib2.iface.instruction.TwoRegisterInstruction;
import org.jf.dexlib2.iface.instruction.VariableRegisterInstruction;
import org.jf.dexlib2.iface.instruction.WideLiteralInstruction;

/**
 * Forward constant propagation over one method's CFG, in one of two worlds:
 *
 * <ul>
 *   <li>{@link World#FULL}: nothing is assumed; a branch is decided only by real constants (including calls to
 *       methods that always return the same constant). What is unreachable here is dead code.
 *   <li>{@link World#UNSET}: every opt-out switch of the packs is assumed unset, so a settings read returns its
 *       default and a consent predicate returns what it returns when the switch is unset. What is reachable
 *       here runs on a phone whose user never said yes.
 * </ul>
 *
 * <p>A call site reachable in FULL but not in UNSET is gated: every path to it passes a consent check whose
 * unset value means "out".
 */
final class Flow {
  enum World { FULL, UNSET }

  /** The interprocedural side: how calls and settings reads evaluate. */
  interface Env {
    /** Value of a call's result when a branch, return or arithmetic needs it. */
    Val resolve(Val call, World world) throws CheckerException;

    /** Value of a settings read of {@code key} with default {@code def} (null: the read has none). */
    Val setting(SettingsApi.Getter g, Val key, Val def, World world);

    /** Whether {@code key} is an opt-out switch of the packs. */
    boolean isOptOutKey(String key);
  }

  /** A branch decided by a consent value in the UNSET world. */
  record Decision(int insn, int keptBlock, int prunedBlock, String source) {}

  /** Receives every reachable instruction with the register state before it. */
  interface Visitor {
    void visit(int insn, Val[] regs) throws CheckerException;
  }

  private static final int MAX_VISITS_PER_BLOCK = 64;

  final MethodBody body;
  final Cfg cfg;
  final World world;
  private final Env env;
  private final Val[][] in;
  /** Per block, the first instruction that always throws in this world, or -1. */
  private final int[] haltAt;
  private boolean conservative;

  private Flow(MethodBody body, Cfg cfg, World world, Env env) {
    this.body = body;
    this.cfg = cfg;
    this.world = world;
    this.env = env;
    this.in = new Val[cfg.blocks()][];
    this.haltAt = new int[cfg.blocks()];
    java.util.Arrays.fill(haltAt, -1);
  }

  static Flow run(MethodBody body, Cfg cfg, World world, Env env) throws CheckerException {
    Flow f = new Flow(body, cfg, world, env);
    f.solve();
    return f;
  }

  boolean reachableBlock(int b) {
    return conservative || in[b] != null;
  }

  boolean reachable(int insn) {
    int b = cfg.blockOf[insn];
    return reachableBlock(b) && (conservative || haltAt[b] < 0 || insn <= haltAt[b]);
  }

  /** A call result as its callee's summary evaluates it in this world; other values unchanged. */
  Val resolved(Val v) throws CheckerException {
    return v.kind == Val.Kind.CALL ? env.resolve(v, world) : v;
  }

  /** The result was too costly to compute precisely: everything counts as reachable, nothing as known. */
  boolean conservative() {
    return conservative;
  }

  private Val[] entryState() {
    int slots = body.registers + 1;
    Val[] s = new Val[slots];
    Arrays.fill(s, Val.UNKNOWN);
    MethodRef ref = body.loc.ref();
    int[] pos = ref.parameterPositions(body.isStatic);
    int first = body.firstParamRegister();
    for (int p = 0; p < pos.length; p++) {
      s[first + pos[p]] = Val.param(p);
    }
    return s;
  }

  private void solve() throws CheckerException {
    int nb = cfg.blocks();
    int[] visits = new int[nb];
    boolean[] queued = new boolean[nb];
    ArrayDeque<Integer> work = new ArrayDeque<>();
    in[0] = entryState();
    work.add(0);
    queued[0] = true;
    while (!work.isEmpty()) {
      int b = work.poll();
      queued[b] = false;
      if (++visits[b] > MAX_VISITS_PER_BLOCK) {
        conservative = true;
        return;
      }
      Val[] state = in[b].clone();
      Val[] exc = state.clone();
      boolean halted = false;
      for (int i = cfg.start[b]; i < cfg.end[b]; i++) {
        if (alwaysThrows(i, state)) {
          haltAt[b] = i;
          halted = true;
          break;
        }
        transfer(i, state);
        joinInto(exc, state);
      }
      int last = cfg.end[b] - 1;
      for (int s : halted ? new int[0] : feasible(b, last, state, null)) {
        if (propagate(s, state) && !queued[s]) {
          work.add(s);
          queued[s] = true;
        }
      }
      for (int s : cfg.excSucc[b]) {
        if (propagate(s, exc) && !queued[s]) {
          work.add(s);
          queued[s] = true;
        }
      }
    }
  }

  private void joinInto(Val[] acc, Val[] s) throws CheckerException {
    for (int i = 0; i < acc.length; i++) {
      acc[i] = join(acc[i], s[i]);
    }
  }

  /**
   * Joins two values; a call result meeting a different value is first evaluated through its callee's summary,
   * so {@code v0 = 0 / v0 = consentCheck()} meeting at a return still yields "0 when unset".
   */
  private Val join(Val a, Val b) throws CheckerException {
    if (a == null || b == null || a == b || a.equals(b)) {
      return Val.join(a, b);
    }
    if (a.kind == Val.Kind.CALL || b.kind == Val.Kind.CALL) {
      return Val.join(resolved(a), resolved(b));
    }
    return Val.join(a, b);
  }

  private boolean propagate(int succ, Val[] state) throws CheckerException {
    Val[] cur = in[succ];
    if (cur == null) {
      in[succ] = state.clone();
      return true;
    }
    boolean changed = false;
    for (int i = 0; i < cur.length; i++) {
      Val j = join(cur[i], state[i]);
      if (!j.equals(cur[i])) {
        cur[i] = j;
        changed = true;
      }
    }
    return changed;
  }

  /** Replays every reachable block once with the final states, in block order. */
  void forEach(Visitor v) throws CheckerException {
    for (int b = 0; b < cfg.blocks(); b++) {
      if (!reachableBlock(b)) {
        continue;
      }
      Val[] state = conservative ? unknownState() : in[b].clone();
      int stop = conservative || haltAt[b] < 0 ? cfg.end[b] : haltAt[b] + 1;
      for (int i = cfg.start[b]; i < stop; i++) {
        v.visit(i, state);
        if (!conservative) {
          transfer(i, state);
        }
      }
    }
  }

  private Val[] unknownState() {
    Val[] s = new Val[body.registers + 1];
    Arrays.fill(s, Val.UNKNOWN);
    return s;
  }

  /** Branches decided by a consent value (UNSET world only), with the final states. */
  List<Decision> decisions() throws CheckerException {
    List<Decision> out = new ArrayList<>();
    if (conservative) {
      return out;
    }
    for (int b = 0; b < cfg.blocks(); b++) {
      if (in[b] == null || haltAt[b] >= 0) {
        continue;
      }
      Val[] state = in[b].clone();
      for (int i = cfg.start[b]; i < cfg.end[b] - 1; i++) {
        transfer(i, state);
      }
      feasible(b, cfg.end[b] - 1, state, out);
    }
    return out;
  }

  // ------------------------------------------------------------------ branches

  /** Successor blocks that can be taken from block {@code b} whose last instruction is {@code last}. */
  private int[] feasible(int b, int last, Val[] state, List<Decision> decisions) throws CheckerException {
    int[] succ = cfg.succ[b];
    Instruction insn = body.insns[last];
    Opcode op = insn.getOpcode();
    if (Cfg.isIf(op)) {
      Val a = value(state, ((OneRegisterInstruction) insn).getRegisterA());
      Val c;
      boolean zero = insn instanceof TwoRegisterInstruction ? false : true;
      c = zero ? Val.constant(0) : value(state, ((TwoRegisterInstruction) insn).getRegisterB());
      Boolean taken = compare(op, a, c);
      if (taken == null) {
        return succ;
      }
      int kept = taken ? succ[1] : succ[0];
      int pruned = taken ? succ[0] : succ[1];
      String source = a.consent != null ? a.consent : c.consent;
      if (decisions != null && source != null && kept != pruned) {
        decisions.add(new Decision(last, kept, pruned, source));
      }
      return new int[] {kept};
    }
    if (Cfg.isSwitch(op)) {
      Val a = value(state, ((OneRegisterInstruction) insn).getRegisterA());
      if (!a.isConst()) {
        return succ;
      }
      int[] keys = Cfg.switchKeys(body, last);
      int pick = 0;
      for (int k = 0; k < keys.length; k++) {
        if (keys[k] == (int) a.num) {
          pick = k + 1;
          break;
        }
      }
      if (decisions != null && a.consent != null) {
        for (int k = 0; k < succ.length; k++) {
          if (succ[k] != succ[pick]) {
            decisions.add(new Decision(last, succ[pick], succ[k], a.consent));
          }
        }
      }
      return new int[] {succ[pick]};
    }
    return succ;
  }

  /** Resolves a register's value for a decision: call results are looked up in the callee's summary. */
  private Val value(Val[] state, int reg) throws CheckerException {
    Val v = reg >= 0 && reg < body.registers ? state[reg] : Val.UNKNOWN;
    if (v.kind == Val.Kind.CALL) {
      v = env.resolve(v, world);
    }
    if (v.kind == Val.Kind.STRING) {
      return Val.constant(1); // a string constant is a non-null reference
    }
    return v;
  }

  private static Boolean compare(Opcode op, Val a, Val b) {
    if (!a.isConst() || !b.isConst()) {
      return null;
    }
    int x = (int) a.num;
    int y = (int) b.num;
    switch (op) {
      case IF_EQ: case IF_EQZ:
        return x == y;
      case IF_NE: case IF_NEZ:
        return x != y;
      case IF_LT: case IF_LTZ:
        return x < y;
      case IF_GE: case IF_GEZ:
        return x >= y;
      case IF_GT: case IF_GTZ:
        return x > y;
      case IF_LE: case IF_LEZ:
        return x <= y;
      default:
        return null;
    }
  }

  // ------------------------------------------------------------------ transfer

  /**
   * True for a settings read without a default of an opt-out key in the UNSET world: on a phone where the
   * switch was never set, {@code Settings.Secure.getInt(cr, key)} throws {@code SettingNotFoundException}, so
   * only the exception handlers run after it.
   */
  private boolean alwaysThrows(int i, Val[] state) {
    if (world != World.UNSET) {
      return false;
    }
    AppCode.InvokeKind kind = invokeKind(body.insns[i].getOpcode());
    if (kind == null) {
      return false;
    }
    SettingsApi.Getter g = SettingsApi.getter(body.methodRef(i));
    if (g == null || g.defaultParam() >= 0 || g.type() == 'S') {
      return false;
    }
    Val key = argument(body.insns[i], body.methodRef(i), kind == AppCode.InvokeKind.STATIC, g.keyParam(), state);
    if (key.kind == Val.Kind.STRING && env.isOptOutKey(key.str)) {
      haltSource = "Settings." + Character.toUpperCase(g.namespace().charAt(0)) + g.namespace().substring(1) + " "
          + key.str + " read without a default (unset throws)";
      return true;
    }
    return false;
  }

  private String haltSource;

  /** The consent read that made some block stop (UNSET world), or null. */
  String haltSource() {
    return haltSource;
  }

  static AppCode.InvokeKind invokeKind(Opcode op) {
    switch (op) {
      case INVOKE_STATIC: case INVOKE_STATIC_RANGE:
        return AppCode.InvokeKind.STATIC;
      case INVOKE_DIRECT: case INVOKE_DIRECT_RANGE:
        return AppCode.InvokeKind.DIRECT;
      case INVOKE_VIRTUAL: case INVOKE_VIRTUAL_RANGE:
        return AppCode.InvokeKind.VIRTUAL;
      case INVOKE_SUPER: case INVOKE_SUPER_RANGE:
        return AppCode.InvokeKind.SUPER;
      case INVOKE_INTERFACE: case INVOKE_INTERFACE_RANGE:
        return AppCode.InvokeKind.INTERFACE;
      default:
        return null;
    }
  }

  /** Argument registers of an invoke, in order (receiver first). */
  static int[] argRegisters(Instruction insn) {
    if (insn instanceof FiveRegisterInstruction) {
      FiveRegisterInstruction f = (FiveRegisterInstruction) insn;
      int n = f.getRegisterCount();
      int[] all = {f.getRegisterC(), f.getRegisterD(), f.getRegisterE(), f.getRegisterF(), f.getRegisterG()};
      return Arrays.copyOf(all, Math.min(n, 5));
    }
    if (insn instanceof RegisterRangeInstruction) {
      RegisterRangeInstruction r = (RegisterRangeInstruction) insn;
      int[] out = new int[((VariableRegisterInstruction) insn).getRegisterCount()];
      for (int i = 0; i < out.length; i++) {
        out[i] = r.getStartRegister() + i;
      }
      return out;
    }
    return new int[0];
  }

  /** The value of argument {@code param} (declared parameter index) of the invoke at {@code insn}. */
  static Val argument(Instruction insn, MethodRef ref, boolean isStatic, int param, Val[] state) {
    int[] regs = argRegisters(insn);
    int[] pos = ref.parameterPositions(isStatic);
    if (param < 0 || param >= pos.length || pos[param] >= regs.length) {
      return Val.UNKNOWN;
    }
    int r = regs[pos[param]];
    return r < state.length - 1 ? state[r] : Val.UNKNOWN;
  }

  private void transfer(int i, Val[] s) throws CheckerException {
    Instruction insn = body.insns[i];
    Opcode op = insn.getOpcode();
    int result = s.length - 1;
    switch (op) {
      case CONST_4: case CONST_16: case CONST: case CONST_HIGH16:
        set(s, ((OneRegisterInstruction) insn).getRegisterA(), Val.constant(((NarrowLiteralInstruction) insn).getNarrowLiteral()));
        return;
      case CONST_WIDE_16: case CONST_WIDE_32: case CONST_WIDE: case CONST_WIDE_HIGH16: {
        int a = ((OneRegisterInstruction) insn).getRegisterA();
        set(s, a, Val.constant(((WideLiteralInstruction) insn).getWideLiteral()));
        set(s, a + 1, Val.UNKNOWN);
        return;
      }
      case CONST_STRING: case CONST_STRING_JUMBO:
        set(s, ((OneRegisterInstruction) insn).getRegisterA(), Val.string((String) body.refs[i]));
        return;
      case MOVE: case MOVE_FROM16: case MOVE_16: case MOVE_OBJECT: case MOVE_OBJECT_FROM16: case MOVE_OBJECT_16:
        set(s, ((OneRegisterInstruction) insn).getRegisterA(), get(s, ((TwoRegisterInstruction) insn).getRegisterB()));
        return;
      case MOVE_WIDE: case MOVE_WIDE_FROM16: case MOVE_WIDE_16: {
        int a = ((OneRegisterInstruction) insn).getRegisterA();
        int b = ((TwoRegisterInstruction) insn).getRegisterB();
        Val lo = get(s, b);
        Val hi = get(s, b + 1);
        set(s, a, lo);
        set(s, a + 1, hi);
        return;
      }
      case MOVE_RESULT: case MOVE_RESULT_OBJECT:
        set(s, ((OneRegisterInstruction) insn).getRegisterA(), s[result] == null ? Val.UNKNOWN : s[result]);
        s[result] = Val.UNKNOWN;
        return;
      case MOVE_RESULT_WIDE: {
        int a = ((OneRegisterInstruction) insn).getRegisterA();
        set(s, a, s[result] == null ? Val.UNKNOWN : s[result]);
        set(s, a + 1, Val.UNKNOWN);
        s[result] = Val.UNKNOWN;
        return;
      }
      case INT_TO_LONG: case LONG_TO_INT: case INT_TO_BYTE: case INT_TO_SHORT: case INT_TO_CHAR: {
        int a = ((OneRegisterInstruction) insn).getRegisterA();
        Val v = get(s, ((TwoRegisterInstruction) insn).getRegisterB());
        set(s, a, numeric(v));
        if (op == Opcode.INT_TO_LONG) {
          set(s, a + 1, Val.UNKNOWN);
        }
        return;
      }
      case NOT_INT: case NEG_INT: {
        Val v = numeric(get(s, ((TwoRegisterInstruction) insn).getRegisterB()));
        Val r = v.isConst() ? derive(v, op == Opcode.NOT_INT ? ~(int) v.num : -(int) v.num) : Val.UNKNOWN;
        set(s, ((OneRegisterInstruction) insn).getRegisterA(), r);
        return;
      }
      case ADD_INT_LIT16: case RSUB_INT: case MUL_INT_LIT16: case DIV_INT_LIT16: case REM_INT_LIT16:
      case AND_INT_LIT16: case OR_INT_LIT16: case XOR_INT_LIT16:
      case ADD_INT_LIT8: case RSUB_INT_LIT8: case MUL_INT_LIT8: case DIV_INT_LIT8: case REM_INT_LIT8:
      case AND_INT_LIT8: case OR_INT_LIT8: case XOR_INT_LIT8: case SHL_INT_LIT8: case SHR_INT_LIT8:
      case USHR_INT_LIT8: {
        Val v = numeric(get(s, ((TwoRegisterInstruction) insn).getRegisterB()));
        int lit = ((NarrowLiteralInstruction) insn).getNarrowLiteral();
        Val r = v.isConst() ? literalOp(op, v, lit) : Val.UNKNOWN;
        set(s, ((OneRegisterInstruction) insn).getRegisterA(), r);
        return;
      }
      default:
        break;
    }
    AppCode.InvokeKind kind = invokeKind(op);
    if (kind != null) {
      MethodRef ref = body.methodRef(i);
      SettingsApi.Getter g = SettingsApi.getter(ref);
      if (g != null) {
        boolean st = kind == AppCode.InvokeKind.STATIC;
        Val key = argument(insn, ref, st, g.keyParam(), s);
        Val def = g.defaultParam() < 0 ? null : argument(insn, ref, st, g.defaultParam(), s);
        s[result] = env.setting(g, key, def, world);
      } else if (ref.returnType().equals("V")) {
        s[result] = Val.UNKNOWN;
      } else {
        s[result] = Val.call(ref, kind);
      }
      return;
    }
    if (op == Opcode.FILLED_NEW_ARRAY || op == Opcode.FILLED_NEW_ARRAY_RANGE || op == Opcode.INVOKE_CUSTOM
        || op == Opcode.INVOKE_CUSTOM_RANGE || op == Opcode.INVOKE_POLYMORPHIC || op == Opcode.INVOKE_POLYMORPHIC_RANGE) {
      s[result] = Val.UNKNOWN;
      return;
    }
    if (op.setsRegister() && insn instanceof OneRegisterInstruction) {
      int a = ((OneRegisterInstruction) insn).getRegisterA();
      set(s, a, Val.UNKNOWN);
      if (op.setsWideRegister()) {
        set(s, a + 1, Val.UNKNOWN);
      }
    }
  }

  /** Call results become constants here when the callee always returns one (or, UNSET, is a consent check). */
  private Val numeric(Val v) throws CheckerException {
    if (v.kind == Val.Kind.CALL) {
      return env.resolve(v, world);
    }
    return v;
  }

  private static Val derive(Val from, long value) {
    return from.consent != null ? Val.consent(value, from.consent) : Val.constant(value);
  }

  private static Val literalOp(Opcode op, Val v, int lit) {
    int x = (int) v.num;
    switch (op) {
      case ADD_INT_LIT16: case ADD_INT_LIT8:
        return derive(v, x + lit);
      case RSUB_INT: case RSUB_INT_LIT8:
        return derive(v, lit - x);
      case MUL_INT_LIT16: case MUL_INT_LIT8:
        return derive(v, x * lit);
      case DIV_INT_LIT16: case DIV_INT_LIT8:
        return lit == 0 ? Val.UNKNOWN : derive(v, x / lit);
      case REM_INT_LIT16: case REM_INT_LIT8:
        return lit == 0 ? Val.UNKNOWN : derive(v, x % lit);
      case AND_INT_LIT16: case AND_INT_LIT8:
        return derive(v, x & lit);
      case OR_INT_LIT16: case OR_INT_LIT8:
        return derive(v, x | lit);
      case XOR_INT_LIT16: case XOR_INT_LIT8:
        return derive(v, x ^ lit);
      case SHL_INT_LIT8:
        return derive(v, x << (lit & 31));
      case SHR_INT_LIT8:
        return derive(v, x >> (lit & 31));
      case USHR_INT_LIT8:
        return derive(v, x >>> (lit & 31));
      default:
        return Val.UNKNOWN;
    }
  }

  private Val get(Val[] s, int r) {
    return r >= 0 && r < body.registers ? s[r] : Val.UNKNOWN;
  }

  private void set(Val[] s, int r, Val v) {
    if (r >= 0 && r < body.registers) {
      s[r] = v;
    }
  }
}
