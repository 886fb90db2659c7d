package dev.untrack.signing;

import dev.untrack.rom.apk.AndroidManifest;
import dev.untrack.rom.io.FileByteSource;
import dev.untrack.rom.zip.ZipArchive;
import dev.untrack.rom.zip.ZipEntry;
import dev.untrack.rom.zip.ZipWriter;
import dev.untrack.signing.keys.KeyGenOptions;
import dev.untrack.signing.keys.KeyGenerator;
import dev.untrack.signing.keys.SigningKey;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Keys and APK edits shared by the signing oracle tests. */
final class SigningFixtures {
  private static final Map<String, SigningKey> KEYS = new HashMap<>();

  private SigningFixtures() {}

  static synchronized SigningKey key(String cn) {
    return KEYS.computeIfAbsent(cn, n -> {
      try {
        return KeyGenerator.generate(KeyGenOptions.defaults(Instant.parse("2026-01-01T00:00:00Z")).withBits(2048)
            .withDistinguishedName("CN=" + n).withDeterministicSerial(true));
      } catch (SigningException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  static AndroidManifest manifest(Path apk) throws IOException {
    try (ZipArchive z = ZipArchive.open(FileByteSource.open(apk))) {
      ZipEntry e = z.entry("AndroidManifest.xml").orElseThrow();
      return AndroidManifest.parse(z.readAll(e, 16 << 20), apk.toString());
    }
  }

  /**
   * What the patcher's keep-cert output looks like: every entry copied verbatim except {@code name}, whose
   * content is replaced; META-INF and the APK Signing Block carried over unchanged.
   */
  static Path patchKeepingSignature(Path original, Path out, String name, UnaryOperator<byte[]> edit)
      throws IOException {
    try (ZipArchive z = ZipArchive.open(FileByteSource.open(original));
        OutputStream os = Files.newOutputStream(out);
        ZipWriter w = new ZipWriter(os)) {
      for (ZipEntry e : z.entries()) {
        int align = e.isStored() ? (e.name().endsWith(".so") ? 4096 : 4) : 1;
        if (e.name().equals(name)) {
          w.replace(e, edit.apply(z.readAll(e, 64 << 20)), align);
        } else {
          w.copy(z, e, align);
        }
      }
      w.finish(z.apkSigningBlock().orElse(null), z.comment());
    }
    return out;
  }
}
