package dev.untrack.signing.apk;

import com.android.apksig.ApkSigner;
import com.android.apksig.apk.ApkFormatException;
import dev.untrack.signing.SigningException;
import dev.untrack.signing.SigningException.Kind;
import dev.untrack.signing.internal.ApkZip;
import dev.untrack.signing.internal.AtomicFiles;
import dev.untrack.signing.keys.SigningKey;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;

/**
 * {@code resign}: strips an APK's signatures (META-INF signature files and the APK Signing Block) and signs it
 * again, v1+v2+v3, with the user's key, through apksig.
 *
 * <p>Alignment: apksig re-aligns stored entries when it is not told to preserve the input's alignment (the
 * default, used here): {@code .so} to the library page size, everything else to 4 bytes, unless an entry carries
 * an explicit alignment field (0xd935). An input alignment field that asks for less than a page on a {@code .so}
 * would win over the page size, so the output is checked afterwards: every stored {@code .so} must start on a
 * page and every other stored entry on 4 bytes, or the output is discarded and signing fails.
 *
 * <p>Determinism: apksig writes the signature entries with the newest timestamp found in the input (no clock),
 * its PKCS#7 carries no signing time, and RSA PKCS#1 v1.5 signatures are deterministic, so the same input and
 * key give the same bytes.
 */
public final class ApkResigner {
  private ApkResigner() {}

  public static ResignResult resign(Path in, Path out, SigningKey key, ResignOptions options) throws SigningException {
    List<java.security.cert.X509Certificate> chain = key.certificates();
    if (chain.isEmpty()) {
      key.certificate(); // throws the explanatory error
    }
    if (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
      throw SigningException.of(Kind.IO, out, "output must differ from the input (the input is never modified)");
    }
    int pageAlignment = options.libraryPageAlignment() == ResignOptions.AUTO
        ? detectLibraryAlignment(in) : options.libraryPageAlignment();
    AtomicFiles.write(out, true, false, temp -> {
      try {
        ApkSigner.SignerConfig signer = new ApkSigner.SignerConfig.Builder("CERT", key.privateKey(), chain).build();
        new ApkSigner.Builder(List.of(signer))
            .setInputApk(in.toFile())
            .setOutputApk(temp.toFile())
            .setMinSdkVersion(options.minSdkVersion())
            .setV1SigningEnabled(options.v1())
            .setV2SigningEnabled(options.v2())
            .setV3SigningEnabled(options.v3())
            .setV4SigningEnabled(false)
            .setVerityEnabled(false)
            .setOtherSignersSignaturesPreserved(false)
            .setAlignmentPreserved(false)
            .setLibraryPageAlignmentBytes(pageAlignment)
            .setCreatedBy("1.0 (untrack)")
            .build()
            .sign();
      } catch (ApkFormatException e) {
        throw SigningException.corrupt(in.toString(), SigningException.NO_OFFSET, "not a valid APK: " + e.getMessage(), e);
      } catch (GeneralSecurityException | IllegalStateException | IllegalArgumentException e) {
        throw SigningException.of(Kind.SIGN_FAILED, in, "apksig could not sign: " + e.getMessage(), e);
      }
      checkAlignment(temp, pageAlignment, out);
    });
    return new ResignResult(pageAlignment, countStoredLibraries(out), key.certificateSha256());
  }

  /** 16384 if the input has stored {@code .so} and all of them start on 16 KiB; 4096 otherwise. */
  static int detectLibraryAlignment(Path apk) throws SigningException {
    try (ApkZip zip = ApkZip.open(apk)) {
      boolean any = false;
      for (ApkZip.Entry e : zip.entries()) {
        if (e.stored() && e.name().endsWith(".so")) {
          any = true;
          if (zip.dataOffset(e) % 16384 != 0) {
            return 4096;
          }
        }
      }
      return any ? 16384 : 4096;
    } catch (SigningException e) {
      throw e;
    } catch (IOException e) {
      throw SigningException.of(Kind.IO, apk, "cannot read: " + e.getMessage(), e);
    }
  }

  private static void checkAlignment(Path apk, int pageAlignment, Path reportAs) throws SigningException {
    try (ApkZip zip = ApkZip.open(apk)) {
      for (ApkZip.Entry e : zip.entries()) {
        if (!e.stored() || e.name().endsWith("/")) {
          continue;
        }
        int want = e.name().endsWith(".so") ? pageAlignment : 4;
        long at = zip.dataOffset(e);
        if (at % want != 0) {
          throw SigningException.of(Kind.SIGN_FAILED, reportAs, "stored entry " + e.name() + " starts at " + at
              + ", not on a " + want + "-byte boundary (its alignment field asks for less)");
        }
      }
    } catch (SigningException e) {
      throw e;
    } catch (IOException e) {
      throw SigningException.of(Kind.IO, reportAs, "cannot re-read the signed APK: " + e.getMessage(), e);
    }
  }

  private static int countStoredLibraries(Path apk) throws SigningException {
    try (ApkZip zip = ApkZip.open(apk)) {
      return (int) zip.entries().stream().filter(e -> e.stored() && e.name().endsWith(".so")).count();
    } catch (SigningException e) {
      throw e;
    } catch (IOException e) {
      throw SigningException.of(Kind.IO, apk, "cannot read: " + e.getMessage(), e);
    }
  }
}
