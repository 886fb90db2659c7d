package dev.untrack.cli;

import dev.untrack.signing.SigningException;
import dev.untrack.signing.keys.KeyGenOptions;
import dev.untrack.signing.keys.KeyGenerator;
import dev.untrack.signing.keys.KeyLoader;
import dev.untrack.signing.keys.KeyLocation;
import dev.untrack.signing.keys.PasswordSource;
import dev.untrack.signing.keys.SigningKey;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code untrack keys}: make and inspect signing keys. */
@Command(name = "keys", mixinStandardHelpOptions = true,
    description = "Make and inspect signing keys (see docs/signing.md).",
    subcommands = {KeysCommand.Generate.class, KeysCommand.Info.class})
final class KeysCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return ExitCode.USAGE.code();
  }

  /** {@code keys generate}. */
  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = {"Generate an RSA key with a self-signed certificate into a new PKCS12 keystore.",
          "The password is read from --pass-file or --pass-env, or asked twice on the console."})
  static final class Generate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "KEY.p12", description = "Keystore to write.")
    Path output;

    @Option(names = "--alias", defaultValue = "untrack", description = "Key alias (default: ${DEFAULT-VALUE}).")
    String alias;

    @Option(names = "--dn", defaultValue = KeyGenOptions.DEFAULT_DN,
        description = "Certificate subject (default: ${DEFAULT-VALUE}).")
    String dn;

    @Option(names = "--bits", defaultValue = "4096", description = "RSA key size: 2048, 3072, 4096 (default) or 8192.")
    int bits;

    @Option(names = "--validity-days", defaultValue = "10000",
        description = "Certificate validity in days (default: ${DEFAULT-VALUE}, as AOSP's make_key).")
    int validityDays;

    @Option(names = "--deterministic-serial",
        description = "Derive the certificate serial from the public key instead of drawing it at random.")
    boolean deterministicSerial;

    @Option(names = "--pk8", paramLabel = "PREFIX",
        description = "Also write PREFIX.pk8 (unencrypted DER PKCS#8, owner-only) and PREFIX.x509.pem.")
    Path pk8;

    @Option(names = "--force", description = "Overwrite existing output files.")
    boolean force;

    @Option(names = "--pass-file", paramLabel = "FILE", description = "Read the new password from the first line of FILE.")
    Path passFile;

    @Option(names = "--pass-env", paramLabel = "VAR", description = "Read the new password from environment variable VAR.")
    String passEnv;

    @Override
    public Integer call() throws SigningException {
      if (bits != 2048 && bits != 3072 && bits != 4096 && bits != 8192) {
        throw new UserException(ExitCode.USAGE, "--bits must be 2048, 3072, 4096 or 8192");
      }
      if (validityDays < 1) {
        throw new UserException(ExitCode.USAGE, "--validity-days must be positive");
      }
      PasswordSource password = PasswordOptions.source(passFile, passEnv, "--pass-file", "--pass-env",
          System.console(), "Password for the new keystore", true, true);
      char[] probe = password.password();
      if (probe.length == 0) {
        throw new UserException(ExitCode.USAGE, "refusing an empty keystore password");
      }
      java.util.Arrays.fill(probe, '\0');
      KeyGenOptions options = new KeyGenOptions(dn, bits, Instant.now().truncatedTo(ChronoUnit.SECONDS),
          java.time.Duration.ofDays(validityDays), deterministicSerial);
      SigningKey key = KeyGenerator.generate(options);
      if (pk8 != null && !force) {
        // fail before the keystore is written, not after
        for (Path p : List.of(pk8.resolveSibling(pk8.getFileName() + ".pk8"),
            pk8.resolveSibling(pk8.getFileName() + ".x509.pem"))) {
          if (java.nio.file.Files.exists(p)) {
            throw SigningException.of(SigningException.Kind.OUTPUT_EXISTS, p, "already exists (use --force to overwrite)");
          }
        }
      }
      KeyGenerator.writePkcs12(key, output, alias, password, force);
      PrintWriter out = spec.commandLine().getOut();
      out.println("wrote " + output + " (alias " + alias + ")");
      if (pk8 != null) {
        for (Path p : KeyGenerator.writePk8(key, pk8, force)) {
          out.println("wrote " + p);
        }
      }
      KeysCommand.describe(key, out);
      out.flush();
      return ExitCode.OK.code();
    }
  }

  /** {@code keys info}. */
  @Command(name = "info", mixinStandardHelpOptions = true,
      description = "Show a key's certificate subject, SHA-256 fingerprint and algorithm.")
  static final class Info implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "KEYSPEC", description = "A .p12/.jks keystore, or a .pk8 (with --cert).")
    Path keyFile;

    @Option(names = "--cert", paramLabel = "FILE", description = "Certificate (.x509.pem) of a .pk8 key.")
    Path cert;

    @Option(names = "--alias", paramLabel = "NAME", description = "Keystore alias (default: the only key in it).")
    String alias;

    @Option(names = "--pass-file", paramLabel = "FILE", description = "Read the keystore password from FILE.")
    Path passFile;

    @Option(names = "--pass-env", paramLabel = "VAR", description = "Read the keystore password from variable VAR.")
    String passEnv;

    @Option(names = "--key-pass-file", paramLabel = "FILE", description = "Key password file (default: the keystore's).")
    Path keyPassFile;

    @Option(names = "--key-pass-env", paramLabel = "VAR", description = "Key password variable (default: the keystore's).")
    String keyPassEnv;

    @Override
    public Integer call() throws SigningException {
      PasswordSource store = PasswordOptions.source(passFile, passEnv, "--pass-file", "--pass-env", System.console(),
          "Password for " + keyFile.getFileName(), false, true);
      PasswordSource keyPw = PasswordOptions.source(keyPassFile, keyPassEnv, "--key-pass-file", "--key-pass-env",
          System.console(), "Key password", false, false);
      SigningKey key = KeyLoader.load(new KeyLocation(keyFile, cert, alias, store, keyPw));
      PrintWriter out = spec.commandLine().getOut();
      out.println("file:        " + keyFile);
      describe(key, out);
      out.flush();
      return ExitCode.OK.code();
    }
  }

  static void describe(SigningKey key, PrintWriter out) {
    out.println("algorithm:   " + key.algorithm() + " " + key.keySizeBits());
    if (key.certificates().isEmpty()) {
      out.println("certificate: none (bare key: usable for AVB and payload signatures only)");
      out.println("public key SHA-256: " + colonHex(sha256(key.publicKey().getEncoded())));
      return;
    }
    X509Certificate c = key.certificates().get(0);
    out.println("subject:     " + c.getSubjectX500Principal().getName());
    out.println("issuer:      " + c.getIssuerX500Principal().getName());
    out.println("serial:      " + c.getSerialNumber().toString(16));
    out.println("valid:       " + c.getNotBefore().toInstant() + " .. " + c.getNotAfter().toInstant());
    out.println("SHA-256:     " + colonHex(HexFormat.of().parseHex(key.certificateSha256())));
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code AB:CD:...}, as keytool and apksigner print fingerprints. */
  static String colonHex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < b.length; i++) {
      if (i > 0) {
        sb.append(':');
      }
      sb.append(String.format(Locale.ROOT, "%02X", b[i] & 0xff));
    }
    return sb.toString();
  }
}
