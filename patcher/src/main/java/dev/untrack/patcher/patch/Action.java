package dev.untrack.patcher.patch;

/** {@code action[@policy] FINGERPRINT OPERATION}. */
public record Action(String fingerprint, PolicyScope scope, Operation operation, SourcePos pos) {}
