package dev.untrack.signing.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Assumptions;

/**
 * Small unsigned zips shaped like APKs, built in code: deflated and stored entries, a stored native library that
 * lands off any page boundary. apksig's verifier needs a binary AndroidManifest.xml; until the testkit's
 * manifest builder is here, the real one of Debian's framework-res.apk is borrowed (skipped locally when absent,
 * a failure in CI, where {@code .ci/run} installs it).
 */
public final class TestApks {
  private TestApks() {}

  public static Path unsigned(Path target) throws IOException {
    return unsigned(target, 0);
  }

  /** {@code soPadding} bytes of extra field on the library entry move its data around. */
  public static Path unsigned(Path target, int soPadding) throws IOException {
    byte[] manifest = frameworkResManifest();
    try (OutputStream os = Files.newOutputStream(target); ZipOutputStream z = new ZipOutputStream(os)) {
      deflated(z, "AndroidManifest.xml", manifest);
      deflated(z, "classes.dex", repeat("dex\n035\0 fake dex contents ", 400));
      stored(z, "resources.arsc", repeat("arsc", 333), 0);
      stored(z, "lib/arm64-v8a/libfoo.so", repeat("\u007fELF native code ", 700), soPadding);
      stored(z, "assets/odd.bin", new byte[] {1, 2, 3}, 0);
      deflated(z, "res/layout/main.xml", repeat("<xml/>", 100));
      deflated(z, "META-INF/com/android/otacert", "not a signature file".getBytes(StandardCharsets.US_ASCII));
    }
    return target;
  }

  private static byte[] frameworkResManifest() throws IOException {
    Path fr = Path.of("/usr/share/android-framework-res/framework-res.apk");
    if (!Files.isRegularFile(fr)) {
      String ci = System.getenv("CI");
      if (ci != null && !ci.isEmpty() && !ci.equalsIgnoreCase("false")) {
        throw new AssertionError(fr + " missing — required in CI");
      }
      Assumptions.abort(fr + " not found (apt-get install android-framework-res) — skipped");
    }
    try (ZipFile zf = new ZipFile(fr.toFile())) {
      return zf.getInputStream(zf.getEntry("AndroidManifest.xml")).readAllBytes();
    }
  }

  private static byte[] repeat(String s, int n) {
    return s.repeat(n).getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void deflated(ZipOutputStream z, String name, byte[] data) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setTime(315532800000L + 86400000L);
    z.putNextEntry(e);
    z.write(data);
    z.closeEntry();
  }

  private static void stored(ZipOutputStream z, String name, byte[] data, int extra) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(data.length);
    e.setCompressedSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    e.setCrc(crc.getValue());
    e.setTime(315532800000L + 86400000L);
    if (extra > 0) {
      byte[] x = new byte[4 + extra];
      x[0] = (byte) 0xfe;
      x[1] = (byte) 0xca;
      x[2] = (byte) extra;
      x[3] = (byte) (extra >> 8);
      e.setExtra(x);
    }
    z.putNextEntry(e);
    z.write(data);
    z.closeEntry();
  }

  /** Flips one byte of {@code apk} at {@code offset}, leaving its length and structure alone. */
  public static void flipByte(Path apk, long offset) throws IOException {
    byte[] b = Files.readAllBytes(apk);
    b[(int) offset] ^= 0x5a;
    Files.write(apk, b);
  }

  public static boolean sameBytes(Path a, Path b) throws IOException {
    return Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b));
  }
}
