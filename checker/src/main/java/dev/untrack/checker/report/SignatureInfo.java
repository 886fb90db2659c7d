package dev.untrack.checker.report;

import dev.untrack.signing.inspect.SignatureReport;
import java.util.List;

/**
 * An APK's signature as the checker reports it.
 *
 * @param status {@code verifies} (apksig accepts it), {@code original-cert-kept} (digests no longer match but the
 *     certificates and signature blocks are exactly the original's: what a keep-cert patch produces, accepted for
 *     system apps; only told with a baseline), {@code unsigned}, {@code broken}, or {@code not-checked}
 * @param schemes signature schemes present (v1, v2, v3, v3.1)
 * @param certificates SHA-256 fingerprints of the certificates Android takes as the app's identity
 * @param issues why the status is not {@code verifies}
 * @param judgedAgainstBaseline true when the status was decided by comparing with the original APK
 * @param detail the signing module's full report (not printed; used to judge against a baseline), or null
 */
public record SignatureInfo(String status, List<String> schemes, List<String> certificates, List<String> issues,
    boolean judgedAgainstBaseline, SignatureReport detail) {
  public SignatureInfo {
    schemes = List.copyOf(schemes);
    certificates = List.copyOf(certificates);
    issues = List.copyOf(issues);
  }

  static SignatureInfo notChecked(String why) {
    return new SignatureInfo("not-checked", List.of(), List.of(), List.of(why), false, null);
  }

  /**
   * Severity: a broken or missing signature of a changed app means the output will not install or boot. Alone,
   * a keep-cert patch looks broken (its digests changed), so without a baseline this is evidence only.
   */
  public Severity severity() {
    if (judgedAgainstBaseline && (status.equals("broken") || status.equals("unsigned"))) {
      return Severity.MEDIUM;
    }
    return Severity.INFO;
  }

  /** The same signature judged against the original's. */
  public SignatureInfo judgedAgainst(SignatureInfo original) {
    if (detail == null || original == null || original.detail == null) {
      return this;
    }
    String s = Signatures.label(detail.statusAgainst(original.detail));
    return new SignatureInfo(s, schemes, certificates, s.equals("verifies") || s.equals("original-cert-kept")
        ? List.of() : issues, true, detail);
  }

  /** Conversions from the signing module's report. */
  public static final class Signatures {
    private Signatures() {}

    static String label(dev.untrack.signing.inspect.SignatureStatus s) {
      switch (s) {
        case VERIFIES:
          return "verifies";
        case ORIGINAL_CERT_KEPT:
          return "original-cert-kept";
        case UNSIGNED:
          return "unsigned";
        default:
          return "broken";
      }
    }

    /** The report of one APK judged alone. */
    public static SignatureInfo of(SignatureReport r) {
      List<String> schemes = r.schemes().stream().map(x -> x.scheme().name().toLowerCase(java.util.Locale.ROOT)
          .replace("v31", "v3.1")).toList();
      List<String> certs = new java.util.ArrayList<>();
      for (java.security.cert.X509Certificate c : r.identityCertificates()) {
        try {
          byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(c.getEncoded());
          certs.add(java.util.HexFormat.of().formatHex(d));
        } catch (java.security.GeneralSecurityException e) {
          certs.add("unreadable certificate: " + e.getMessage());
        }
      }
      return new SignatureInfo(label(r.status()), schemes, certs, r.issues(), false, r);
    }

    public static SignatureInfo notChecked(String why) {
      return SignatureInfo.notChecked(why);
    }
  }
}
