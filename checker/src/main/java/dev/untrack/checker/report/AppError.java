package dev.untrack.checker.report;

/**
 * Something in an app that could not be analysed. The scan of the other apps (and of the rest of this one,
 * where possible) goes on.
 *
 * @param where the entry or method concerned
 * @param message one line
 * @param fatal true when nothing could be said about the app at all
 */
public record AppError(String where, String message, boolean fatal) {}
