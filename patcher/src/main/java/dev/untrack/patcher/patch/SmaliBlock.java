package dev.untrack.patcher.patch;

import java.util.List;

/**
 * Smali lines between a block opener and {@code end}, verbatim. {@code firstLine} is the position of the first
 * line of the block (the line after the opener), so assembler errors can be mapped back into the patch file.
 */
public record SmaliBlock(List<String> lines, SourcePos firstLine, SourcePos opener) {
  public SmaliBlock {
    lines = List.copyOf(lines);
  }

  public String text() {
    return String.join("\n", lines) + "\n";
  }
}
