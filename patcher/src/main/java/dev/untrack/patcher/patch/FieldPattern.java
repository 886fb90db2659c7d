package dev.untrack.patcher.patch;

/** A field reference {@code Lcls;->name:TYPE} in {@code reads-field} / {@code writes-field}. */
public record FieldPattern(String definingClass, String name, String type) {
  @Override
  public String toString() {
    return definingClass + "->" + name + ":" + type;
  }
}
