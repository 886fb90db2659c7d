package dev.untrack.checker.report;

/** A file of the input that is neither an app nor a scanned text file, kept for baseline comparison. */
public record FileDigest(String path, long size, String sha256) {}
