package dev.untrack.signing.inspect;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * One signer of one scheme, read without checking the APK's content digests.
 *
 * @param certificates the signer's certificates, its own first
 * @param signedDataVerifies whether what Android checks even when it skips digest verification holds: for v2/v3
 *     the signatures over the signer's signed data (with the embedded public key, which must be the first
 *     certificate's); for v1 the PKCS#7 signature over the {@code .SF}, the {@code .SF}'s digest of the manifest
 *     (whole, or the {@code AndroidManifest.xml} section), and that section's digest of {@code AndroidManifest.xml}
 * @param issues why {@code signedDataVerifies} is false, or oddities noticed on the way
 */
public record SignerCertificates(List<X509Certificate> certificates, boolean signedDataVerifies, List<String> issues) {
  public SignerCertificates {
    certificates = List.copyOf(certificates);
    issues = List.copyOf(issues);
  }
}
