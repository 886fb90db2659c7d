package dev.untrack.checker.flow;

import dev.untrack.checker.CheckerException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.jf.dexlib2.Opcode;
import org.jf.dexlib2.iface.instruction.Instruction;
import org.jf.dexlib2.iface.instruction.OffsetInstruction;
import org.jf.dexlib2.iface.instruction.PayloadInstruction;
import org.jf.dexlib2.iface.instruction.SwitchPayload;
import org.jf.dexlib2.iface.instruction.SwitchElement;

/**
 * The intra-procedural control-flow graph of one method: basic blocks over instruction indexes, normal edges
 * (fall-through, branches, switch cases) and exception edges (from every block inside a try range to its
 * handlers), and the dominator tree (Cooper, Harvey and Kennedy's iterative algorithm).
 */
final class Cfg {
  final MethodBody body;
  final int[] start;
  final int[] end;
  final int[] blockOf;
  /** Normal successors; for an if-*: [fall-through, target]; for a switch: [fall-through, cases...]. */
  final int[][] succ;
  final int[][] excSucc;
  final int[][] pred;
  private int[] idom;

  private Cfg(MethodBody body, int[] start, int[] end, int[] blockOf, int[][] succ, int[][] excSucc) {
    this.body = body;
    this.start = start;
    this.end = end;
    this.blockOf = blockOf;
    this.succ = succ;
    this.excSucc = excSucc;
    int n = start.length;
    List<List<Integer>> p = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      p.add(new ArrayList<>());
    }
    for (int b = 0; b < n; b++) {
      for (int s : succ[b]) {
        p.get(s).add(b);
      }
      for (int s : excSucc[b]) {
        p.get(s).add(b);
      }
    }
    this.pred = new int[n][];
    for (int i = 0; i < n; i++) {
      pred[i] = p.get(i).stream().mapToInt(Integer::intValue).distinct().toArray();
    }
  }

  int blocks() {
    return start.length;
  }

  static boolean isBranch(Opcode op) {
    switch (op) {
      case GOTO: case GOTO_16: case GOTO_32:
      case IF_EQ: case IF_NE: case IF_LT: case IF_GE: case IF_GT: case IF_LE:
      case IF_EQZ: case IF_NEZ: case IF_LTZ: case IF_GEZ: case IF_GTZ: case IF_LEZ:
      case PACKED_SWITCH: case SPARSE_SWITCH:
        return true;
      default:
        return false;
    }
  }

  static boolean isIf(Opcode op) {
    switch (op) {
      case IF_EQ: case IF_NE: case IF_LT: case IF_GE: case IF_GT: case IF_LE:
      case IF_EQZ: case IF_NEZ: case IF_LTZ: case IF_GEZ: case IF_GTZ: case IF_LEZ:
        return true;
      default:
        return false;
    }
  }

  static boolean isGoto(Opcode op) {
    return op == Opcode.GOTO || op == Opcode.GOTO_16 || op == Opcode.GOTO_32;
  }

  static boolean isSwitch(Opcode op) {
    return op == Opcode.PACKED_SWITCH || op == Opcode.SPARSE_SWITCH;
  }

  /** Instruction index a branch at {@code i} jumps to. */
  private static int target(MethodBody b, int i, int relative) throws CheckerException {
    int t = b.indexAt(b.addr[i] + relative);
    if (t < 0 || t >= b.size()) {
      throw b.loc.dex().corruptAt(b.offset[i], "branch to code address " + (b.addr[i] + relative)
          + " which is not an instruction of " + b.loc.ref().key());
    }
    return t;
  }

  /** Case targets of the switch at {@code i}. */
  static int[] switchTargets(MethodBody b, int i) throws CheckerException {
    int payloadIdx = target(b, i, ((OffsetInstruction) b.insns[i]).getCodeOffset());
    Instruction p = b.insns[payloadIdx];
    if (!(p instanceof SwitchPayload)) {
      throw b.loc.dex().corruptAt(b.offset[i], "switch does not point at a switch payload");
    }
    List<? extends SwitchElement> els = ((SwitchPayload) p).getSwitchElements();
    int[] out = new int[els.size()];
    for (int k = 0; k < out.length; k++) {
      out[k] = target(b, i, els.get(k).getOffset());
    }
    return out;
  }

  static int[] switchKeys(MethodBody b, int i) throws CheckerException {
    int payloadIdx = target(b, i, ((OffsetInstruction) b.insns[i]).getCodeOffset());
    List<? extends SwitchElement> els = ((SwitchPayload) b.insns[payloadIdx]).getSwitchElements();
    int[] out = new int[els.size()];
    for (int k = 0; k < out.length; k++) {
      out[k] = els.get(k).getKey();
    }
    return out;
  }

  static Cfg build(MethodBody b) throws CheckerException {
    int n = b.size();
    BitSet leader = new BitSet(n + 1);
    leader.set(0);
    for (int i = 0; i < n; i++) {
      Instruction insn = b.insns[i];
      Opcode op = insn.getOpcode();
      if (insn instanceof PayloadInstruction) {
        leader.set(i);
        leader.set(i + 1);
        continue;
      }
      if (isBranch(op)) {
        if (isSwitch(op)) {
          for (int t : switchTargets(b, i)) {
            leader.set(t);
          }
        } else {
          leader.set(target(b, i, ((OffsetInstruction) insn).getCodeOffset()));
        }
        leader.set(i + 1);
      } else if (!op.canContinue()) {
        leader.set(i + 1);
      }
    }
    for (MethodBody.Try t : b.tries) {
      markAddr(b, leader, t.startAddr());
      markAddr(b, leader, t.endAddr());
      for (int h : t.handlerAddrs()) {
        int hi = b.indexAt(h);
        if (hi < 0 || hi >= n) {
          throw b.loc.dex().corruptAt(b.loc.codeOffset(), "exception handler at address " + h
              + " is not an instruction of " + b.loc.ref().key());
        }
        leader.set(hi);
      }
    }
    leader.clear(n, n + 1);
    int[] starts = leader.stream().filter(x -> x < n).toArray();
    int nb = starts.length;
    int[] ends = new int[nb];
    int[] blockOf = new int[n];
    for (int k = 0; k < nb; k++) {
      ends[k] = k + 1 < nb ? starts[k + 1] : n;
      for (int i = starts[k]; i < ends[k]; i++) {
        blockOf[i] = k;
      }
    }
    int[][] succ = new int[nb][];
    int[][] exc = new int[nb][];
    for (int k = 0; k < nb; k++) {
      int last = ends[k] - 1;
      Instruction insn = b.insns[last];
      Opcode op = insn.getOpcode();
      List<Integer> s = new ArrayList<>();
      if (insn instanceof PayloadInstruction) {
        // never executed
      } else if (isGoto(op)) {
        s.add(blockOf[target(b, last, ((OffsetInstruction) insn).getCodeOffset())]);
      } else if (isIf(op)) {
        if (last + 1 < n) {
          s.add(blockOf[last + 1]);
        } else {
          s.add(-1);
        }
        s.add(blockOf[target(b, last, ((OffsetInstruction) insn).getCodeOffset())]);
      } else if (isSwitch(op)) {
        s.add(last + 1 < n ? blockOf[last + 1] : -1);
        for (int t : switchTargets(b, last)) {
          s.add(blockOf[t]);
        }
      } else if (op.canContinue() && last + 1 < n) {
        s.add(blockOf[last + 1]);
      }
      succ[k] = s.stream().mapToInt(Integer::intValue).toArray();
      if (Arrays.stream(succ[k]).anyMatch(x -> x < 0)) {
        throw b.loc.dex().corruptAt(b.offset[last], "control falls off the end of " + b.loc.ref().key());
      }
      List<Integer> e = new ArrayList<>();
      for (MethodBody.Try t : b.tries) {
        if (b.addr[starts[k]] >= t.startAddr() && b.addr[starts[k]] < t.endAddr() && mayThrow(b, starts[k], ends[k])) {
          for (int h : t.handlerAddrs()) {
            int hb = blockOf[b.indexAt(h)];
            if (!e.contains(hb)) {
              e.add(hb);
            }
          }
        }
      }
      exc[k] = e.stream().mapToInt(Integer::intValue).toArray();
    }
    return new Cfg(b, starts, ends, blockOf, succ, exc);
  }

  private static boolean mayThrow(MethodBody b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b.insns[i].getOpcode().canThrow()) {
        return true;
      }
    }
    return false;
  }

  private static void markAddr(MethodBody b, BitSet leader, int codeAddr) throws CheckerException {
    int i = b.indexAt(codeAddr);
    if (i < 0) {
      throw b.loc.dex().corruptAt(b.loc.codeOffset(), "try range boundary at address " + codeAddr
          + " is not an instruction of " + b.loc.ref().key());
    }
    leader.set(i);
  }

  // ------------------------------------------------------------------ dominators

  /** Immediate dominator of each block reachable from the entry; -1 for the entry and unreachable blocks. */
  int[] idom() {
    if (idom != null) {
      return idom;
    }
    int n = blocks();
    int[] order = new int[n];
    int[] rpoNum = new int[n];
    Arrays.fill(rpoNum, -1);
    int count = reversePostorder(order, rpoNum);
    int[] dom = new int[n];
    Arrays.fill(dom, -1);
    dom[0] = 0;
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int k = 1; k < count; k++) {
        int b = order[k];
        int newIdom = -1;
        for (int p : pred[b]) {
          if (dom[p] < 0) {
            continue;
          }
          newIdom = newIdom < 0 ? p : intersect(dom, rpoNum, p, newIdom);
        }
        if (newIdom >= 0 && dom[b] != newIdom) {
          dom[b] = newIdom;
          changed = true;
        }
      }
    }
    dom[0] = -1;
    idom = dom;
    return dom;
  }

  private static int intersect(int[] dom, int[] rpo, int a, int b) {
    while (a != b) {
      while (rpo[a] > rpo[b]) {
        a = dom[a];
      }
      while (rpo[b] > rpo[a]) {
        b = dom[b];
      }
    }
    return a;
  }

  private int reversePostorder(int[] order, int[] rpoNum) {
    int n = blocks();
    int[] post = new int[n];
    int pc = 0;
    boolean[] seen = new boolean[n];
    int[] stack = new int[n];
    int[] next = new int[n];
    int sp = 0;
    stack[sp++] = 0;
    seen[0] = true;
    while (sp > 0) {
      int b = stack[sp - 1];
      int total = succ[b].length + excSucc[b].length;
      if (next[b] < total) {
        int k = next[b]++;
        int s = k < succ[b].length ? succ[b][k] : excSucc[b][k - succ[b].length];
        if (!seen[s]) {
          seen[s] = true;
          stack[sp++] = s;
        }
      } else {
        post[pc++] = b;
        sp--;
      }
    }
    for (int i = 0; i < pc; i++) {
      order[i] = post[pc - 1 - i];
      rpoNum[order[i]] = i;
    }
    return pc;
  }

  /** True when block {@code a} dominates block {@code b}. */
  boolean dominates(int a, int b) {
    int[] d = idom();
    int x = b;
    for (int guard = 0; guard <= blocks() && x >= 0; guard++) {
      if (x == a) {
        return true;
      }
      x = d[x];
    }
    return false;
  }
}
