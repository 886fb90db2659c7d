package dev.untrack.patcher.patch;

/** A place in a patch file: 1-based line and column. Printed as {@code FILE:LINE:COLUMN}. */
public record SourcePos(String file, int line, int column) {
  public SourcePos at(int newColumn) {
    return new SourcePos(file, line, newColumn);
  }

  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
