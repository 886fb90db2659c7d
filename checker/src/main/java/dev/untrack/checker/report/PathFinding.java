package dev.untrack.checker.report;

/**
 * A telemetry URL path fragment found in strings: URLs are assembled at run time ({@code "https://" + host +
 * "/track/v4"}), so the fragments are evidence on their own.
 *
 * @param fragment the fragment from the pack
 * @param sdk the SDK it belongs to
 * @param where dex file or file path
 * @param example the string containing it (shortened)
 */
public record PathFinding(String fragment, String sdk, String where, String example) {
  public Severity severity() {
    return Severity.MEDIUM;
  }
}
