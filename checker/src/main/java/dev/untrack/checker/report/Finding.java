package dev.untrack.checker.report;

/**
 * One reportable fact with its severity, flattened for SARIF, HTML and {@code --fail-on}.
 *
 * @param severity how much it matters
 * @param rule stable rule id ({@code live-call-site}, {@code sdk-defined}, ...)
 * @param message one line
 * @param app the app path
 * @param location class and method, or file, or null
 * @param dex dex file, or null
 * @param offset byte offset in that dex, or -1
 */
public record Finding(Severity severity, String rule, String message, String app, String location, String dex,
    long offset) {}
