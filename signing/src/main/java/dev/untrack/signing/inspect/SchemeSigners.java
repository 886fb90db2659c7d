package dev.untrack.signing.inspect;

import java.util.List;

/** The signers found for one scheme. */
public record SchemeSigners(Scheme scheme, List<SignerCertificates> signers) {
  public SchemeSigners {
    signers = List.copyOf(signers);
  }

  /** True if every signer's signed data verifies (see {@link SignerCertificates#signedDataVerifies()}). */
  public boolean allSignedDataVerifies() {
    return !signers.isEmpty() && signers.stream().allMatch(SignerCertificates::signedDataVerifies);
  }
}
