package dev.untrack.patcher.smali;

import dev.untrack.patcher.PatchSyntaxException;
import dev.untrack.patcher.patch.SourcePos;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jf.dexlib2.iface.ClassDef;
import org.jf.dexlib2.iface.Method;
import org.jf.dexlib2.iface.MethodImplementation;
import org.jf.dexlib2.immutable.ImmutableMethodImplementation;

/**
 * Assembles a method body (the lines of a {@code replace} or {@code prepend} block, or code the engine
 * generates) inside a scratch class whose only method has the target's static-ness and prototype, so that
 * {@code pN} registers mean what they will mean in the target.
 */
public final class BodyAssembler {
  private static final String SCRATCH_CLASS = "Ldev/untrack/scratch/Body;";
  private static final String SCRATCH_METHOD = "untrack$body";
  private static final int HEADER_LINES = 3;
  private static final Pattern FRAME = Pattern.compile("^(\\s*)\\.(locals|registers)(\\s+)(\\S+)(.*)$");

  private static final int CACHE_SIZE = 512;
  private static final Map<String, MethodImplementation> CACHE = new LinkedHashMap<>(64, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, MethodImplementation> eldest) {
      return size() > CACHE_SIZE;
    }
  };

  private BodyAssembler() {}

  /** The frame directive of a block: {@code .locals N} or {@code .registers N}, with its line index. */
  public record Frame(boolean isLocals, int count, int lineIndex) {}

  /** Finds the block's {@code .locals}/{@code .registers} line, or null if it has none. */
  public static Frame frame(List<String> lines, SourcePos firstLine) throws PatchSyntaxException {
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = FRAME.matcher(lines.get(i));
      if (m.matches()) {
        String n = m.group(4);
        try {
          int v = n.startsWith("0x") || n.startsWith("0X") ? Integer.parseInt(n.substring(2), 16) : Integer.parseInt(n);
          if (v < 0 || v > 65535) {
            throw new NumberFormatException();
          }
          return new Frame(m.group(2).equals("locals"), v, i);
        } catch (NumberFormatException e) {
          throw new PatchSyntaxException(new SourcePos(firstLine.file(), firstLine.line() + i, m.start(4) + 1),
              "'." + m.group(2) + "' needs a register count between 0 and 65535");
        }
      }
    }
    return null;
  }

  /** The lines with the frame directive replaced by {@code .locals locals} (inserted first if absent). */
  public static List<String> withLocals(List<String> lines, Frame frame, int locals) {
    List<String> out = new ArrayList<>(lines);
    if (frame == null) {
      out.add(0, ".locals " + locals);
    } else {
      Matcher m = FRAME.matcher(lines.get(frame.lineIndex()));
      if (!m.matches()) {
        throw new IllegalStateException();
      }
      out.set(frame.lineIndex(), m.group(1) + ".locals" + m.group(3) + locals + m.group(5));
    }
    return out;
  }

  /**
   * Assembles {@code lines} as the body of a method of the given shape.
   *
   * @param firstLine where {@code lines.get(0)} is in the patch file (errors are mapped there)
   * @param shifted true if a line was inserted at the top of the author's lines (errors move up by one)
   */
  public static MethodImplementation assemble(
      List<String> lines, SourcePos firstLine, boolean shifted, MethodShape shape, int apiLevel)
      throws PatchSyntaxException {
    StringBuilder text = new StringBuilder();
    text.append(".class public ").append(SCRATCH_CLASS).append('\n');
    text.append(".super Ljava/lang/Object;\n");
    text.append(".method public ").append(shape.isStatic() ? "static " : "").append(SCRATCH_METHOD)
        .append(shape.proto()).append('\n');
    for (String l : lines) {
      text.append(l).append('\n');
    }
    text.append(".end method\n");
    String key = apiLevel + "\u0000" + text;
    synchronized (CACHE) {
      MethodImplementation hit = CACHE.get(key);
      if (hit != null) {
        return hit;
      }
    }
    int offset = shifted ? 1 : 0;
    ClassDef c = SmaliAssembler.assembleClass(text.toString(), apiLevel, line -> {
      int inBlock = line - HEADER_LINES - 1 - offset;
      if (inBlock < 0) {
        return firstLine;
      }
      return new SourcePos(firstLine.file(), firstLine.line() + inBlock, 1);
    });
    Method m = null;
    for (Method x : c.getMethods()) {
      m = x;
    }
    if (m == null || m.getImplementation() == null) {
      throw new PatchSyntaxException(firstLine, "the block has no code");
    }
    MethodImplementation impl = ImmutableMethodImplementation.of(m.getImplementation());
    synchronized (CACHE) {
      CACHE.put(key, impl);
    }
    return impl;
  }
}
