package dev.untrack.checker.report;

/** A signature pack used by a scan, with its licence, for the report header. */
public record PackInfo(String id, String title, String license, int sdks) {}
