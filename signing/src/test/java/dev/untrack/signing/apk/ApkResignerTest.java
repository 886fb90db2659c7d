package dev.untrack.signing.apk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.untrack.signing.SigningException;
import dev.untrack.signing.internal.ApkZip;
import dev.untrack.signing.inspect.ApkSigningBlock;
import dev.untrack.signing.inspect.Scheme;
import dev.untrack.signing.inspect.SignatureReport;
import dev.untrack.signing.inspect.SignatureStatus;
import dev.untrack.signing.keys.SigningKey;
import dev.untrack.signing.testing.TestApks;
import dev.untrack.signing.testing.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApkResignerTest {
  @TempDir Path dir;

  @Test
  void resignedApkVerifiesWithAllThreeSchemesAndIsAligned() throws Exception {
    Path in = TestApks.unsigned(dir.resolve("in.apk"), 7);
    Path out = dir.resolve("out.apk");
    SigningKey key = TestKeys.rsa2048();
    ResignResult r = ApkResigner.resign(in, out, key, ResignOptions.forMinSdk(21));
    assertEquals(4096, r.libraryPageAlignment());
    assertEquals(1, r.storedLibraries());
    assertEquals(key.certificateSha256(), r.certificateSha256());

    SignatureReport report = SignatureReport.of(out);
    assertEquals(SignatureStatus.VERIFIES, report.status(), report.issues().toString());
    // apksig names only the schemes the manifest's SDK range relies on; all three must be there
    assertTrue(report.verification().verifiedSchemes().contains(Scheme.V3));
    assertEquals(EnumSet.of(Scheme.V1, Scheme.V2, Scheme.V3),
        EnumSet.copyOf(report.schemes().stream().map(x -> x.scheme()).toList()));
    assertEquals(key.certificate(), report.identityCertificates().get(0));
    for (Scheme s : new Scheme[] {Scheme.V2, Scheme.V3}) {
      assertTrue(report.scheme(s).orElseThrow().allSignedDataVerifies(), s.toString());
    }
    try (ApkZip zip = ApkZip.open(out)) {
      for (ApkZip.Entry e : zip.entries()) {
        if (e.stored()) {
          long at = zip.dataOffset(e);
          assertEquals(0, at % (e.name().endsWith(".so") ? 4096 : 4), e.name() + " at " + at);
        }
      }
    }
  }

  @Test
  void sameInputAndKeyGiveTheSameBytes() throws Exception {
    Path in = TestApks.unsigned(dir.resolve("in.apk"));
    Path a = dir.resolve("a.apk");
    Path b = dir.resolve("b.apk");
    ApkResigner.resign(in, a, TestKeys.rsa2048(), ResignOptions.forMinSdk(21));
    ApkResigner.resign(in, b, TestKeys.rsa2048(), ResignOptions.forMinSdk(21));
    assertTrue(TestApks.sameBytes(a, b));
  }

  @Test
  void sixteenKilobyteLibraryAlignmentIsKeptWhenTheInputHadIt() throws Exception {
    Path in = TestApks.unsigned(dir.resolve("in.apk"), 3);
    Path aligned16 = dir.resolve("aligned16.apk");
    ApkResigner.resign(in, aligned16, TestKeys.rsa2048(), ResignOptions.forMinSdk(24).withLibraryPageAlignment(16384));
    assertEquals(16384, ApkResigner.detectLibraryAlignment(aligned16));
    Path again = dir.resolve("again.apk");
    ResignResult r = ApkResigner.resign(aligned16, again, TestKeys.rsa(2048, "other"), ResignOptions.forMinSdk(24));
    assertEquals(16384, r.libraryPageAlignment());
    assertEquals(4096, ApkResigner.detectLibraryAlignment(in));
  }

  @Test
  void resigningStripsTheOldSignerAndTheReportTellsCertificatesApart() throws Exception {
    Path in = TestApks.unsigned(dir.resolve("in.apk"));
    Path first = dir.resolve("first.apk");
    Path second = dir.resolve("second.apk");
    ApkResigner.resign(in, first, TestKeys.rsa2048(), ResignOptions.forMinSdk(24));
    ApkResigner.resign(first, second, TestKeys.rsa(2048, "other"), ResignOptions.forMinSdk(24));
    SignatureReport a = SignatureReport.of(first);
    SignatureReport b = SignatureReport.of(second);
    assertEquals(SignatureStatus.VERIFIES, b.status());
    assertEquals(1, b.scheme(Scheme.V2).orElseThrow().signers().size());
    assertEquals(1, b.scheme(Scheme.V1).orElseThrow().signers().size());
    assertFalse(a.sameCertificatesAs(b));
    assertEquals("CN=other", b.identityCertificates().get(0).getSubjectX500Principal().getName());
  }

  @Test
  void keptSignatureBlockOverChangedContentIsOriginalCertKept() throws Exception {
    Path in = TestApks.unsigned(dir.resolve("in.apk"));
    Path signed = dir.resolve("signed.apk");
    ApkResigner.resign(in, signed, TestKeys.rsa2048(), ResignOptions.forMinSdk(24));
    Path patched = dir.resolve("patched.apk");
    Files.copy(signed, patched);
    long at;
    try (ApkZip zip = ApkZip.open(patched)) {
      at = zip.dataOffset(zip.entry("resources.arsc").orElseThrow());
    }
    TestApks.flipByte(patched, at + 10);

    SignatureReport alone = SignatureReport.of(patched);
    assertEquals(SignatureStatus.BROKEN, alone.status());
    assertFalse(alone.issues().isEmpty());
    assertTrue(alone.scheme(Scheme.V2).orElseThrow().allSignedDataVerifies(),
        "the block is untouched, only content digests are stale");
    SignatureReport judged = SignatureReport.of(patched, signed);
    assertEquals(SignatureStatus.ORIGINAL_CERT_KEPT, judged.status(), judged.issues().toString());
    assertTrue(judged.sameCertificatesAs(SignatureReport.of(signed)));

    // against a different original the same file is broken: its certificate is not that one's
    Path other = dir.resolve("other.apk");
    ApkResigner.resign(in, other, TestKeys.rsa(2048, "other"), ResignOptions.forMinSdk(24));
    assertEquals(SignatureStatus.BROKEN, SignatureReport.of(patched, other).status());
  }

  @Test
  void tamperedSignedDataIsBrokenEvenAgainstTheBaseline() throws Exception {
    Path in = TestApks.unsigned(dir.resolve("in.apk"));
    Path signed = dir.resolve("signed.apk");
    ApkResigner.resign(in, signed, TestKeys.rsa2048(), ResignOptions.forMinSdk(24));
    Path tampered = dir.resolve("tampered.apk");
    Files.copy(signed, tampered);
    long blockStart;
    long v3;
    try (ApkZip zip = ApkZip.open(tampered)) {
      long[] range = zip.signingBlockRange().orElseThrow();
      blockStart = range[0];
      var bb = zip.read(range[0], (int) range[1]);
      byte[] block = new byte[bb.remaining()];
      bb.get(block);
      v3 = ApkSigningBlock.parse(block, "test").find(Scheme.V3.blockId()).orElseThrow().offset();
    }
    // inside the v3 signer's first digest: signers, signer, signed data, digests, digest lengths, algorithm id,
    // digest length, then 5 bytes in
    TestApks.flipByte(tampered, blockStart + v3 + 4 * 7 + 5);
    SignatureReport r = SignatureReport.of(tampered, signed);
    assertEquals(SignatureStatus.BROKEN, r.status());
    assertFalse(r.scheme(Scheme.V3).orElseThrow().allSignedDataVerifies());
    assertTrue(r.scheme(Scheme.V2).orElseThrow().allSignedDataVerifies());
    assertTrue(r.issues().stream().anyMatch(i -> i.startsWith("V3:")), r.issues().toString());
  }

  @Test
  void unsignedInputIsUnsigned() throws Exception {
    SignatureReport r = SignatureReport.of(TestApks.unsigned(dir.resolve("in.apk")));
    assertEquals(SignatureStatus.UNSIGNED, r.status());
    assertTrue(r.schemes().isEmpty());
  }

  @Test
  void notAZipIsASigningExceptionAndNothingIsWritten() throws Exception {
    Path junk = dir.resolve("junk.apk");
    Files.write(junk, new byte[1000]);
    Path out = dir.resolve("out.apk");
    assertThrows(SigningException.class,
        () -> ApkResigner.resign(junk, out, TestKeys.rsa2048(), ResignOptions.forMinSdk(24)));
    assertFalse(Files.exists(out));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
    assertThrows(SigningException.class, () -> SignatureReport.of(junk));
  }
}
