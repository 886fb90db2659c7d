package dev.untrack.checker.flow;

import dev.untrack.checker.CheckerException;
import dev.untrack.checker.dex.AppCode;
import dev.untrack.checker.dex.MethodRef;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jf.dexlib2.iface.instruction.Instruction;

/**
 * Analyses one method that contains call sites of interest or settings reads: classifies each call site as
 * live, gated or neutralized and records the settings reads with their defaults.
 */
public final class MethodAnalysis {
  /** How a call site behaves on a phone whose user never opted in. */
  public enum Status { LIVE, GATED, NEUTRALIZED }

  /**
   * One classified call site.
   *
   * @param insnOffset absolute offset of the invoke instruction in its dex file
   * @param target the method reference the instruction names
   * @param tag what the caller's filter attached to the target
   * @param status live, gated or neutralized
   * @param reason why, in words (the gate that dominates it, the callee that does nothing, ...)
   * @param stringArgs string constants passed as arguments (event names such as {@code page_load_event_start})
   * @param forwardsParameter an argument other than the receiver is one of the caller's own parameters: the caller
   *     is a thin wrapper or dispatcher
   */
  public record Site(int insnOffset, MethodRef target, Object tag, Status status, String reason,
      List<String> stringArgs, boolean forwardsParameter) {}

  /**
   * One read of an opt-out settings key.
   *
   * @param insnOffset absolute offset of the invoke instruction
   * @param namespace secure, system or global
   * @param key the key
   * @param defaultValue the default passed, or null
   * @param defaultKind {@code const}, {@code none} (the call has no default: unset throws or reads as null) or
   *     {@code unknown} (not a constant)
   * @param reachedWhenUnset whether the read runs at all when every opt-out switch is unset (a read behind the
   *     Program switch, such as "diagnostics follow the Program switch", does not)
   */
  public record SettingsRead(int insnOffset, String namespace, String key, Long defaultValue, String defaultKind,
      boolean reachedWhenUnset) {}

  /** Everything found in one method. */
  public record Result(List<Site> sites, List<SettingsRead> reads, int codeUnits) {}

  private MethodAnalysis() {}

  /**
   * Analyses {@code caller}. {@code targets} maps a method reference to a tag when an invoke of it is a call site
   * of interest, or to null. {@code settingsKeys} says which settings keys to record reads of.
   */
  public static Result analyze(Summaries sums, AppCode.MethodLoc caller, Function<MethodRef, Object> targets,
      java.util.function.Predicate<String> settingsKeys) throws CheckerException {
    MethodBody body = sums.body(caller);
    Cfg cfg = sums.cfg(caller);
    Summaries.Env env = sums.env(0);
    Flow full = Flow.run(body, cfg, Flow.World.FULL, env);
    List<Integer> siteInsns = new ArrayList<>();
    List<Object> tags = new ArrayList<>();
    boolean anySettings = false;
    for (int i = 0; i < body.size(); i++) {
      AppCode.InvokeKind k = Flow.invokeKind(body.insns[i].getOpcode());
      if (k == null) {
        continue;
      }
      MethodRef ref = body.methodRef(i);
      Object tag = targets.apply(ref);
      if (tag != null) {
        siteInsns.add(i);
        tags.add(tag);
      }
      anySettings |= SettingsApi.getter(ref) != null;
    }
    List<SettingsRead> reads = new ArrayList<>();
    Val[][] stateAt = new Val[body.size()][];
    boolean[] wanted = new boolean[body.size()];
    for (int i : siteInsns) {
      wanted[i] = true;
    }
    boolean recordSettings = anySettings;
    full.forEach((i, regs) -> {
      if (wanted[i]) {
        stateAt[i] = regs.clone();
      }
      if (recordSettings) {
        Instruction insn = body.insns[i];
        AppCode.InvokeKind k = Flow.invokeKind(insn.getOpcode());
        if (k != null) {
          MethodRef ref = body.methodRef(i);
          SettingsApi.Getter g = SettingsApi.getter(ref);
          if (g != null) {
            boolean st = k == AppCode.InvokeKind.STATIC;
            Val key = Flow.argument(insn, ref, st, g.keyParam(), regs);
            if (key.kind == Val.Kind.STRING && settingsKeys.test(key.str)) {
              Long def = null;
              String kind;
              if (g.defaultParam() < 0) {
                kind = "none";
              } else {
                Val d = Flow.argument(insn, ref, st, g.defaultParam(), regs);
                if (d.isConst()) {
                  def = g.type() == 'F' ? (long) Float.intBitsToFloat((int) d.num) : d.num;
                  kind = "const";
                } else {
                  kind = "unknown";
                }
              }
              reads.add(new SettingsRead(body.offset[i], g.namespace(), key.str, def, kind, true));
            }
          }
        }
      }
    });
    List<Site> sites = new ArrayList<>();
    Flow unset = null;
    List<Flow.Decision> decisions = null;
    if (!reads.isEmpty()) {
      unset = Flow.run(body, cfg, Flow.World.UNSET, env);
      decisions = unset.decisions();
      for (int k = 0; k < reads.size(); k++) {
        SettingsRead r = reads.get(k);
        int insn = indexOfOffset(body, r.insnOffset());
        boolean reached = unset.conservative() || insn < 0 || unset.reachable(insn);
        reads.set(k, new SettingsRead(r.insnOffset(), r.namespace(), r.key(), r.defaultValue(), r.defaultKind(),
            reached));
      }
    }
    if (siteInsns.isEmpty()) {
      return new Result(sites, reads, body.addr.length == 0 ? 0 : body.addr[body.size() - 1] + 1);
    }
    for (int n = 0; n < siteInsns.size(); n++) {
      int i = siteInsns.get(n);
      Instruction insn = body.insns[i];
      AppCode.InvokeKind kind = Flow.invokeKind(insn.getOpcode());
      MethodRef ref = body.methodRef(i);
      Val[] regs = stateAt[i];
      List<String> strings = new ArrayList<>();
      boolean forwards = false;
      if (regs != null) {
        int[] args = Flow.argRegisters(insn);
        int from = kind == AppCode.InvokeKind.STATIC ? 0 : 1;
        for (int a = from; a < args.length; a++) {
          Val v = args[a] < regs.length - 1 ? regs[args[a]] : Val.UNKNOWN;
          if (v.kind == Val.Kind.STRING) {
            strings.add(v.str);
          } else if (v.kind == Val.Kind.PARAM) {
            forwards = true;
          }
        }
      }
      Status status;
      String reason;
      if (!full.reachable(i)) {
        status = Status.NEUTRALIZED;
        reason = "dead code: no path reaches the call (its guard is always false)";
      } else {
        AppCode.Resolution res = sums.resolve(ref, kind);
        List<Summary> calleeSummaries = new ArrayList<>();
        if (!res.open()) {
          for (AppCode.MethodLoc t : res.targets()) {
            calleeSummaries.add(sums.of(t, 1));
          }
        }
        boolean known = !res.open() && !calleeSummaries.isEmpty();
        if (known && calleeSummaries.stream().allMatch(Summary::pure)) {
          status = Status.NEUTRALIZED;
          reason = "the callee has no side effects (its body only returns)";
        } else {
          if (unset == null) {
            unset = Flow.run(body, cfg, Flow.World.UNSET, env);
            decisions = unset.decisions();
          }
          int block = cfg.blockOf[i];
          if (!unset.conservative() && !unset.reachable(i)) {
            status = Status.GATED;
            String g = gate(cfg, decisions, block, true);
            if (g.equals("a consent check") && unset.haltSource() != null) {
              g = unset.haltSource();
            }
            reason = "dominated by a consent check: " + g;
          } else if (known && calleeSummaries.stream().allMatch(s -> s.pure() || s.gatedEntry())) {
            status = Status.GATED;
            reason = "the callee checks consent first: " + calleeSummaries.stream()
                .map(Summary::consentSource).filter(s -> s != null).findFirst().orElse("a consent check");
          } else {
            status = Status.LIVE;
            String passes = gate(cfg, decisions, block, false);
            reason = res.open() ? "the callee runs code outside this app" : "the callee has side effects";
            if (passes != null) {
              reason += "; a consent check lets it through when the switch is unset: " + passes;
            }
          }
        }
      }
      sites.add(new Site(body.offset[i], ref, tags.get(n), status, reason, List.copyOf(strings), forwards));
    }
    return new Result(sites, reads, body.addr[body.size() - 1] + 1);
  }

  private static int indexOfOffset(MethodBody body, int offset) {
    for (int i = 0; i < body.size(); i++) {
      if (body.offset[i] == offset) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Describes the consent decision that governs {@code block}: with {@code pruned}, the check whose rejected
   * edge leads to the block; otherwise one whose accepted edge does.
   */
  private static String gate(Cfg cfg, List<Flow.Decision> decisions, int block, boolean pruned) {
    if (decisions == null) {
      return pruned ? "a consent check" : null;
    }
    for (Flow.Decision d : decisions) {
      int edge = pruned ? d.prunedBlock() : d.keptBlock();
      int other = pruned ? d.keptBlock() : d.prunedBlock();
      if (cfg.dominates(edge, block) && !cfg.dominates(other, block)) {
        return d.source() + " (branch at 0x" + Integer.toHexString(cfg.body.offset[d.insn()]) + ")";
      }
    }
    if (pruned) {
      return decisions.isEmpty() ? "a consent check" : decisions.get(0).source() + " (several checks)";
    }
    return null;
  }
}
