package dev.untrack.signing.inspect;

import dev.untrack.signing.SigningException;
import dev.untrack.signing.SigningException.Kind;
import dev.untrack.signing.internal.ApkZip;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Everything about an APK's signatures, as data: the certificates of each scheme read <em>without</em> verifying
 * content digests (as Android's {@code unsafeGetCertsWithoutVerification} does for system apps), plus apksig's
 * full verification, and a {@link SignatureStatus}.
 *
 * <p>{@link #of(Path)} judges an APK alone: {@code VERIFIES}, {@code UNSIGNED} or {@code BROKEN}. Only a
 * comparison with the original APK can tell a faithful keep-cert patch ({@code ORIGINAL_CERT_KEPT}) from a broken
 * signature: {@link #of(Path, Path)} or {@link #statusAgainst(SignatureReport)}.
 *
 * @param apk the file inspected
 * @param schemes the schemes found, in order v1, v2, v3, v3.1
 * @param verification apksig's verdict
 * @param status the status judged from this APK alone, or against a baseline
 * @param issues why the status is not {@code VERIFIES}, in words
 */
public record SignatureReport(String apk, List<SchemeSigners> schemes, Verification verification,
    SignatureStatus status, List<String> issues) {
  public SignatureReport {
    schemes = List.copyOf(schemes);
    issues = List.copyOf(issues);
  }

  /** Reads and verifies {@code apk}. Throws only if it is not a readable zip at all. */
  public static SignatureReport of(Path apk) throws SigningException {
    List<SchemeSigners> schemes = new ArrayList<>();
    List<String> issues = new ArrayList<>();
    try (ApkZip zip = ApkZip.open(apk)) {
      V1Reader.read(zip).ifPresent(schemes::add);
      Optional<long[]> range = zip.signingBlockRange();
      if (range.isPresent()) {
        long[] r = range.get();
        java.nio.ByteBuffer bb = zip.read(r[0], (int) r[1]);
        byte[] bytes = new byte[bb.remaining()];
        bb.get(bytes);
        String src = apk + " > APK Signing Block";
        ApkSigningBlock block = ApkSigningBlock.parse(bytes, src);
        for (Scheme s : new Scheme[] {Scheme.V2, Scheme.V3, Scheme.V31}) {
          Optional<ApkSigningBlock.Pair> pair = block.find(s.blockId());
          if (pair.isPresent()) {
            try {
              schemes.add(BlockSchemeReader.read(s, pair.get().value(), pair.get().offset(), src));
            } catch (SigningException e) {
              issues.add(s + " block unreadable: " + e.getMessage());
            }
          }
        }
      }
    } catch (SigningException e) {
      throw e;
    } catch (IOException e) {
      throw SigningException.of(Kind.IO, apk, "cannot read: " + e.getMessage(), e);
    }
    Verification v = Verification.of(apk);
    SignatureStatus status;
    if (v.verified()) {
      status = SignatureStatus.VERIFIES;
    } else if (schemes.isEmpty() && issues.isEmpty()) {
      status = SignatureStatus.UNSIGNED;
      issues.add("no v1, v2 or v3 signature");
    } else {
      status = SignatureStatus.BROKEN;
      issues.addAll(v.errors());
    }
    return new SignatureReport(apk.toString(), schemes, v, status, issues);
  }

  /** Reads {@code apk} and judges it against {@code baseline}, the original APK it was patched from. */
  public static SignatureReport of(Path apk, Path baseline) throws SigningException {
    SignatureReport r = of(apk);
    SignatureReport b = of(baseline);
    List<String> issues = new ArrayList<>();
    SignatureStatus s = r.statusAgainst(b, issues);
    return new SignatureReport(r.apk, r.schemes, r.verification, s, s == SignatureStatus.VERIFIES
        || s == SignatureStatus.ORIGINAL_CERT_KEPT ? List.of() : issues);
  }

  /** The status of this APK compared with {@code baseline}, the original it was patched from. */
  public SignatureStatus statusAgainst(SignatureReport baseline) {
    return statusAgainst(baseline, new ArrayList<>());
  }

  private SignatureStatus statusAgainst(SignatureReport baseline, List<String> why) {
    if (verification.verified()) {
      return SignatureStatus.VERIFIES;
    }
    if (schemes.isEmpty()) {
      why.addAll(issues);
      return SignatureStatus.UNSIGNED;
    }
    if (baseline.schemes.isEmpty()) {
      why.add("the baseline is unsigned: there is no certificate to keep");
      why.addAll(issues);
      return SignatureStatus.BROKEN;
    }
    boolean hasBlockScheme = schemes.stream().anyMatch(x -> x.scheme() != Scheme.V1);
    for (SchemeSigners want : baseline.schemes) {
      Optional<SchemeSigners> got = scheme(want.scheme());
      if (got.isEmpty()) {
        why.add(want.scheme() + " signature of the baseline is missing");
        continue;
      }
      if (!sameCertificates(want, got.get())) {
        why.add(want.scheme() + " certificates differ from the baseline's");
      }
      // Android reads v1 only when there is no v2/v3 block, so only then must v1's signed data hold
      boolean needed = want.scheme() != Scheme.V1 || !hasBlockScheme;
      if (needed && !got.get().allSignedDataVerifies()) {
        int before = why.size();
        for (SignerCertificates sc : got.get().signers()) {
          sc.issues().forEach(i -> why.add(want.scheme() + ": " + i));
        }
        if (why.size() == before) {
          why.add(want.scheme() + ": signed data does not verify");
        }
      }
    }
    for (SchemeSigners extra : schemes) {
      if (baseline.scheme(extra.scheme()).isEmpty()) {
        why.add(extra.scheme() + " signature is not the baseline's");
      }
    }
    return why.isEmpty() ? SignatureStatus.ORIGINAL_CERT_KEPT : SignatureStatus.BROKEN;
  }

  public Optional<SchemeSigners> scheme(Scheme s) {
    return schemes.stream().filter(x -> x.scheme() == s).findFirst();
  }

  /**
   * The certificates Android would take for the package's identity: the first signer of the newest scheme
   * present (v3.1, v3, v2, then v1). Empty if unsigned.
   */
  public List<X509Certificate> identityCertificates() {
    for (Scheme s : new Scheme[] {Scheme.V31, Scheme.V3, Scheme.V2, Scheme.V1}) {
      Optional<SchemeSigners> x = scheme(s);
      if (x.isPresent() && !x.get().signers().isEmpty()) {
        return x.get().signers().get(0).certificates();
      }
    }
    return List.of();
  }

  /** True if every scheme present in either report carries the same certificates in both. */
  public boolean sameCertificatesAs(SignatureReport other) {
    if (schemes.size() != other.schemes.size()) {
      return false;
    }
    for (SchemeSigners s : schemes) {
      Optional<SchemeSigners> o = other.scheme(s.scheme());
      if (o.isEmpty() || !sameCertificates(s, o.get())) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameCertificates(SchemeSigners a, SchemeSigners b) {
    if (a.signers().size() != b.signers().size()) {
      return false;
    }
    for (int i = 0; i < a.signers().size(); i++) {
      List<X509Certificate> ca = a.signers().get(i).certificates();
      List<X509Certificate> cb = b.signers().get(i).certificates();
      if (ca.size() != cb.size()) {
        return false;
      }
      for (int j = 0; j < ca.size(); j++) {
        try {
          if (!Arrays.equals(ca.get(j).getEncoded(), cb.get(j).getEncoded())) {
            return false;
          }
        } catch (CertificateEncodingException e) {
          return false;
        }
      }
    }
    return true;
  }
}
