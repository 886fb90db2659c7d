package dev.untrack.pipeline.demo;

import dev.untrack.patcher.PatchSyntaxException;
import dev.untrack.patcher.patch.SourcePos;
import dev.untrack.patcher.smali.SmaliAssembler;
import dev.untrack.rom.zip.ZipEntry;
import dev.untrack.rom.zip.ZipWriter;
import dev.untrack.rom.zip.ZipWriter.EntrySpec;
import dev.untrack.signing.SigningException;
import dev.untrack.signing.apk.ApkResigner;
import dev.untrack.signing.apk.ResignOptions;
import dev.untrack.signing.keys.SigningKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the demo's original apps in code, as a phone maker would ship them: code assembled from the smali texts
 * in the cli jar (generated once from the test fixtures), a binary manifest, a stub resources.arsc, signed v1+v2+v3
 * with the demo vendor key; framework jars are a plain unsigned zip. Same version, same bytes.
 */
public final class DemoApps {
  static final String RESOURCES = "dev/untrack/pipeline/demo/";
  /** The smallest valid-looking resource table header the fixtures use: apps here have no resources. */
  private static final byte[] RESOURCES_ARSC = {2, 0, 12, 0, 12, 0, 0, 0, 0, 0, 0, 0};

  private DemoApps() {}

  /** Writes {@code app}, signed with {@code vendor}, to {@code target}. */
  public static void build(DemoApp app, SigningKey vendor, Path target) throws IOException, SigningException {
    byte[] dex = dex(app.smali());
    if (app.isJar()) {
      try (OutputStream o = Files.newOutputStream(target); ZipWriter w = new ZipWriter(o)) {
        w.add(EntrySpec.of("META-INF/MANIFEST.MF", ZipEntry.DEFLATED, 1),
            "Manifest-Version: 1.0\r\nCreated-By: untrack demo\r\n\r\n".getBytes(StandardCharsets.UTF_8));
        w.add(EntrySpec.of("classes.dex", ZipEntry.STORED, 4), dex);
        w.finish(null, null);
      }
      return;
    }
    byte[] manifest = DemoManifest.of(app.packageName(), app.fileName().replace(".apk", ""), app.sharedUserId(),
        app.kind(), app.component(), app.action());
    Path unsigned = target.resolveSibling("." + target.getFileName() + ".unsigned");
    try {
      try (OutputStream o = Files.newOutputStream(unsigned); ZipWriter w = new ZipWriter(o)) {
        w.add(EntrySpec.of("AndroidManifest.xml", ZipEntry.DEFLATED, 1), manifest);
        w.add(EntrySpec.of("classes.dex", ZipEntry.DEFLATED, 1), dex);
        w.add(EntrySpec.of("resources.arsc", ZipEntry.STORED, 4), RESOURCES_ARSC);
        w.finish(null, null);
      }
      ApkResigner.resign(unsigned, target, vendor, ResignOptions.forMinSdk(28));
    } finally {
      Files.deleteIfExists(unsigned);
    }
  }

  /** Assembles one smali resource (classes separated by their {@code .class} lines) into a dex file. */
  static byte[] dex(String resource) throws IOException {
    String text = read(RESOURCES + resource);
    List<String> classes = new ArrayList<>();
    List<Integer> firstLines = new ArrayList<>();
    StringBuilder current = null;
    int line = 0;
    for (String l : text.split("\n", -1)) {
      line++;
      if (l.startsWith(".class ")) {
        if (current != null) {
          classes.add(current.toString());
        }
        current = new StringBuilder();
        firstLines.add(line);
      }
      if (current != null) {
        current.append(l).append('\n');
      }
    }
    if (current != null) {
      classes.add(current.toString());
    }
    try {
      return SmaliAssembler.assembleDex(classes, 26,
          (i, l) -> new SourcePos(resource, firstLines.get(i) + l - 1, 1));
    } catch (PatchSyntaxException e) {
      // The texts ship inside the jar and are checked by the tests: failing here is a build defect.
      throw new IllegalStateException("demo code does not assemble: " + e.getMessage(), e);
    }
  }

  private static String read(String resource) {
    try (InputStream in = DemoApps.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing demo resource " + resource + " (a broken build)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
