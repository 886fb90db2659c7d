package dev.untrack.signing.ota;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.untrack.signing.SigningException;
import dev.untrack.signing.keys.KeyLoader;
import dev.untrack.signing.keys.KeyLocation;
import dev.untrack.signing.keys.PasswordSource;
import dev.untrack.signing.testing.TestKeys;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Hostile signed zips and key files: only {@link SigningException} may escape. */
class OtaFuzzTest {
  private static byte[] signedZip;

  private static synchronized byte[] signedZip() {
    if (signedZip == null) {
      try {
        Path dir = Files.createTempDirectory(
            Files.createDirectories(Path.of("target").toAbsolutePath()), "fuzz-ota");
        Path in = dir.resolve("in.zip");
        try (OutputStream os = Files.newOutputStream(in); ZipOutputStream z = new ZipOutputStream(os)) {
          z.putNextEntry(new ZipEntry("payload.bin"));
          z.write(new byte[2000]);
          z.closeEntry();
        }
        Path out = dir.resolve("out.zip");
        OtaZipSigner.sign(in, out, TestKeys.rsa2048());
        signedZip = Files.readAllBytes(out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return signedZip;
  }

  @FuzzTest(maxDuration = "30s")
  void otaVerifierOnlyThrowsSigningException(FuzzedDataProvider data) throws IOException {
    byte[] b = signedZip().clone();
    int edits = data.consumeInt(0, 16);
    for (int i = 0; i < edits; i++) {
      // bias towards the comment, where the framing is
      int from = data.consumeBoolean() ? Math.max(0, b.length - 1600) : 0;
      b[data.consumeInt(from, b.length - 1)] = data.consumeByte();
    }
    Path f = Files.createTempFile("fuzz", ".zip");
    try {
      Files.write(f, b);
      OtaZipVerifier.verify(f, List.of());
    } catch (SigningException expected) {
      // fine
    } finally {
      Files.deleteIfExists(f);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void keyLoaderOnlyThrowsSigningException(FuzzedDataProvider data) throws IOException {
    boolean pem = data.consumeBoolean();
    byte[] raw = data.consumeRemainingAsBytes();
    Path f = Files.createTempFile("fuzz", ".pk8");
    try {
      if (pem) {
        Files.writeString(f, "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
            + java.util.Base64.getMimeEncoder().encodeToString(raw) + "\n-----END ENCRYPTED PRIVATE KEY-----\n");
      } else {
        Files.write(f, raw);
      }
      KeyLoader.load(KeyLocation.pk8(f, null, PasswordSource.of("pw".toCharArray())));
    } catch (SigningException expected) {
      // fine
    } finally {
      Files.deleteIfExists(f);
    }
  }
}
