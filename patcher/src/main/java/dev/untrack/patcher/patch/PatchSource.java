package dev.untrack.patcher.patch;

/** The text of one patch file and the name errors should use for it. */
public record PatchSource(String name, String text) {}
