package dev.untrack.checker.report;

/**
 * A telemetry host found in an app's strings or in a file.
 *
 * @param host the host as found (a maximal host-like token)
 * @param rule the pack rule it matched (a bare host, or an Exodus network regex)
 * @param sdk the SDK the rule belongs to, or null for hosts the pack does not tie to one SDK
 * @param where the dex file or file path where it was found
 * @param example the string or line containing it (shortened)
 * @param blocked true when found in a hosts file mapped to a null address (0.0.0.0, 127.0.0.1, ::): a block
 *     entry, not a use
 * @param functional the host belongs to a functional SDK (push)
 */
public record HostFinding(String host, String rule, String sdk, String where, String example, boolean blocked,
    boolean functional) {
  public Severity severity() {
    return blocked || functional ? Severity.INFO : Severity.MEDIUM;
  }
}
