package dev.untrack.checker.report;

/** A zip entry as the central directory describes its content: CRC-32 and size. */
public record EntryFingerprint(long crc32, long size) {}
