package dev.untrack.testkit;

import com.android.apksig.ApkSigner;
import dev.untrack.rom.zip.ZipEntry;
import dev.untrack.rom.zip.ZipWriter;
import dev.untrack.rom.zip.ZipWriter.EntrySpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds fixture APKs/JARs in code: a binary manifest, one or more dex files, resources, native libraries
 * (stored, page-aligned), compressed and stored entries — optionally signed v1+v2+v3 with a test key, as the
 * vendor would have signed the original. Test code only.
 */
public final class ApkBuilder {
  private record Item(String name, byte[] data, int method, int alignment) {}

  private final List<Item> items = new ArrayList<>();
  private TestKeys.SigningKey key;
  private int minSdk = 26;

  public static ApkBuilder create() {
    return new ApkBuilder();
  }

  public ApkBuilder manifest(byte[] binaryManifest) {
    return deflated("AndroidManifest.xml", binaryManifest);
  }

  /** classes.dex, classes2.dex, ... in order. */
  public ApkBuilder dex(List<byte[]> dexes) {
    for (int i = 0; i < dexes.size(); i++) {
      deflated(i == 0 ? "classes.dex" : "classes" + (i + 1) + ".dex", dexes.get(i));
    }
    return this;
  }

  public ApkBuilder deflated(String name, byte[] data) {
    items.add(new Item(name, data, ZipEntry.DEFLATED, 1));
    return this;
  }

  public ApkBuilder stored(String name, byte[] data) {
    items.add(new Item(name, data, ZipEntry.STORED, name.endsWith(".so") ? 4096 : 4));
    return this;
  }

  public ApkBuilder resourcesArsc(byte[] data) {
    return stored("resources.arsc", data);
  }

  public ApkBuilder nativeLib(String abi, String name, byte[] data) {
    return stored("lib/" + abi + "/" + name, data);
  }

  /** Sign the result v1+v2+v3 with this key (as the vendor's original would be). */
  public ApkBuilder signedWith(TestKeys.SigningKey key, int minSdk) {
    this.key = key;
    this.minSdk = minSdk;
    return this;
  }

  public byte[] build() {
    try {
      ByteArrayOutputStream bo = new ByteArrayOutputStream();
      try (ZipWriter w = new ZipWriter(bo)) {
        for (Item i : items) {
          w.add(EntrySpec.of(i.name, i.method, i.alignment), i.data);
        }
        w.finish(null, null);
      }
      if (key == null) {
        return bo.toByteArray();
      }
      Path dir = Files.createTempDirectory("apkbuilder");
      try {
        Path in = dir.resolve("in.apk");
        Path out = dir.resolve("out.apk");
        Files.write(in, bo.toByteArray());
        ApkSigner.SignerConfig signer = new ApkSigner.SignerConfig.Builder(
            "CERT", key.privateKey(), List.of(key.certificate())).build();
        new ApkSigner.Builder(List.of(signer))
            .setInputApk(in.toFile())
            .setOutputApk(out.toFile())
            .setMinSdkVersion(minSdk)
            .setV1SigningEnabled(true)
            .setV2SigningEnabled(true)
            .setV3SigningEnabled(true)
            .setCreatedBy("untrack test fixtures")
            .build()
            .sign();
        return Files.readAllBytes(out);
      } finally {
        DexCompiler.deleteTree(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot build fixture APK", e);
    }
  }

  public Path write(Path target) {
    try {
      Files.write(target, build());
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
