package dev.untrack.pipeline;

import dev.untrack.patcher.PatchException;
import dev.untrack.patcher.PatchReport;
import dev.untrack.patcher.PatchResult;
import dev.untrack.patcher.Patcher;
import dev.untrack.patcher.Policy;
import dev.untrack.patcher.app.App;
import dev.untrack.patcher.patch.PatchSet;
import dev.untrack.patcher.write.AppWriter;
import dev.untrack.rom.apk.AndroidManifest;
import dev.untrack.rom.io.AtomicOutput;
import dev.untrack.rom.zip.ZipEntry;
import dev.untrack.signing.SigningException;
import dev.untrack.signing.apk.ApkResigner;
import dev.untrack.signing.apk.AppSigningFacts;
import dev.untrack.signing.apk.InstallLocation;
import dev.untrack.signing.apk.ResignOptions;
import dev.untrack.signing.apk.SigningDecision;
import dev.untrack.signing.apk.SigningMode;
import dev.untrack.signing.apk.SigningPolicy;
import dev.untrack.signing.keys.SigningKey;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code untrack patch IN -o OUT} for one APK or JAR: plan the patches, decide how the result is signed, then
 * write the output atomically. On any failure nothing is written (and a previous file at OUT is left as it was).
 * The input is only read. The key is loaded only if the decision is to re-sign.
 */
public final class SingleAppPatch {
  private SingleAppPatch() {}

  /** Loads the signing key when (and only when) it is needed. */
  @FunctionalInterface
  public interface KeySupplier {
    SigningKey load() throws SigningException;
  }

  /**
   * What to patch, where to, with which patches, policy and signing.
   *
   * @param key null when no key was given
   */
  public record Request(Path input, Path output, PatchSet patches, Policy policy, SigningMode signing,
      InstallLocation location, KeySupplier key) {
    /** keep-cert-or-copy signing for a system app, no key. */
    public static Request keepCert(Path input, Path output, PatchSet patches, Policy policy) {
      return new Request(input, output, patches, policy, SigningMode.AUTO, InstallLocation.SYSTEM, null);
    }
  }

  /** Whether {@code output} names the input file itself (which would be overwritten). */
  public static boolean sameFile(Path input, Path output) throws IOException {
    if (Files.exists(output)) {
      return Files.isSameFile(input, output);
    }
    return input.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize());
  }

  public static PatchReport run(Request r) throws IOException, PatchException {
    if (sameFile(r.input(), r.output())) {
      throw new IllegalArgumentException("the output must not be the input file: " + r.output());
    }
    try (App app = App.open(r.input())) {
      return patchApp(app, r.input().getFileName().toString(), r.output(), r);
    }
  }

  /**
   * Patches an already opened app (a file inside a firmware image, for example) into {@code output}, deciding
   * the signing as {@link #run} does. {@code r.input()} is only used in messages.
   *
   * @param name the app's name for the signing facts when it has no package name
   */
  public static PatchReport patchApp(App app, String name, Path output, Request r)
      throws IOException, PatchException {
    return writeResult(app, new Patcher(r.patches(), r.policy()).patch(app), name, output, r);
  }

  /** Writes a patch result into {@code output}, signed as the request and the app's facts decide. */
  public static PatchReport writeResult(App app, PatchResult result, String name, Path output, Request r)
      throws IOException, PatchException {
    PatchReport report = result.report();
    boolean changes = result.hasChanges();
    if (!changes && r.signing() != SigningMode.RESIGN) {
      // Nothing changed: the copy is the original, whose signature still verifies wherever it is installed.
      write(app, result, output);
      return report.withSigning("unchanged", "byte-identical copy: the original signature still verifies");
    }
    if (app.manifest().isEmpty() && !originalSigned(app) && r.signing() != SigningMode.RESIGN) {
      // Framework and class-path jars are loaded by path, never by certificate: there is nothing to sign.
      write(app, result, output);
      return report.withSigning("none", "a code jar without AndroidManifest.xml and without a signature: "
          + "framework and system class-path jars are not signature-checked");
    }
    SigningDecision decision = SigningPolicy.decide(r.signing(), facts(app, name, r));
    switch (decision.action()) {
      case REFUSE:
        throw SigningException.of(SigningException.Kind.REFUSED, r.input(), decision.reason());
      case KEEP_CERT:
        write(app, result, output);
        return report.withSigning("keep-cert", decision.reason());
      case RESIGN:
      default:
        SigningKey key = r.key().load();
        resign(app, result, output, key);
        return report.withSigning("resign", decision.reason());
    }
  }

  private static AppSigningFacts facts(App app, String fileName, Request r) {
    String name = app.packageName().orElse(fileName);
    String sharedUser = app.manifest().map(AndroidManifest::sharedUserId).orElse(null);
    return new AppSigningFacts(name, sharedUser, r.location(), originalSigned(app), r.key() != null, false);
  }

  /** A v2/v3 signing block or a v1 signature file. */
  static boolean originalSigned(App app) {
    if (app.zip().apkSigningBlock().isPresent()) {
      return true;
    }
    for (ZipEntry e : app.zip().entries()) {
      String n = e.name().toUpperCase(Locale.ROOT);
      if (n.startsWith("META-INF/") && n.indexOf('/', 9) < 0
          && (n.endsWith(".RSA") || n.endsWith(".DSA") || n.endsWith(".EC"))) {
        return true;
      }
    }
    return false;
  }

  private static void write(App app, PatchResult result, Path target) throws IOException {
    try (AtomicOutput out = AtomicOutput.create(target)) {
      AppWriter.write(app, result, out.stream());
      out.commit();
    }
  }

  /** The patched app goes to a temporary file beside the target, then apksig signs it into the target. */
  private static void resign(App app, PatchResult result, Path target, SigningKey key) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path unsigned = Files.createTempFile(dir, "." + target.getFileName() + ".", ".unsigned-tmp");
    try {
      try (OutputStream o = Files.newOutputStream(unsigned)) {
        AppWriter.write(app, result, o);
      }
      int minSdk = app.manifest().map(AndroidManifest::minSdk).orElse(1);
      ApkResigner.resign(unsigned, target, key, ResignOptions.forMinSdk(Math.max(1, minSdk)));
    } finally {
      Files.deleteIfExists(unsigned);
    }
  }
}
