package dev.untrack.signing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.untrack.signing.keys.KeyGenerator;
import dev.untrack.signing.keys.KeyLoader;
import dev.untrack.signing.keys.KeyLocation;
import dev.untrack.signing.keys.PasswordSource;
import dev.untrack.signing.keys.SigningKey;
import dev.untrack.testkit.Oracle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys written by OpenSSL (as AOSP's make_key and people do) load, encrypted or not. */
class KeyFormatsOracleTest {
  @TempDir Path dir;

  private Path openssl() {
    return Oracle.require("openssl", "openssl");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-v2 aes-256-cbc", "-v2 aes-128-cbc -v2prf hmacWithSHA1", "-v2 des3", "-v1 PBE-SHA1-3DES"})
  void encryptedPk8FromOpenssl(String scheme) throws Exception {
    SigningKey k = SigningFixtures.key("openssl pk8");
    List<Path> plain = KeyGenerator.writePk8(k, dir.resolve("plain"), false);
    Path pw = Files.writeString(dir.resolve("pw"), "open sesame\n");
    Path enc = dir.resolve("enc.pk8");
    List<String> cmd = new java.util.ArrayList<>(List.of(openssl().toString(), "pkcs8", "-topk8", "-inform", "DER",
        "-in", plain.get(0).toString(), "-outform", "DER", "-out", enc.toString(), "-passout", "file:" + pw));
    cmd.addAll(List.of(scheme.split(" ")));
    Oracle.run(dir, Duration.ofMinutes(1), cmd).assertOk("openssl pkcs8 -topk8 " + scheme);
    SigningKey loaded = KeyLoader.load(KeyLocation.pk8(enc, plain.get(1), PasswordSource.fromFile(pw)));
    assertArrayEquals(k.privateKey().getEncoded(), loaded.privateKey().getEncoded());
  }

  @Test
  void opensslPemKeysAndPkcs12() throws Exception {
    SigningKey k = SigningFixtures.key("openssl pem");
    List<Path> plain = KeyGenerator.writePk8(k, dir.resolve("plain"), false);
    Path rsaPem = dir.resolve("key.pem");
    Oracle.run(dir, Duration.ofMinutes(1), List.of(openssl().toString(), "rsa", "-inform", "DER", "-in",
        plain.get(0).toString(), "-traditional", "-out", rsaPem.toString())).assertOk("openssl rsa -traditional");
    assertEquals(k.certificateSha256(),
        KeyLoader.load(KeyLocation.pk8(rsaPem, plain.get(1), null)).certificateSha256());
    Path pw = Files.writeString(dir.resolve("pw"), "p12 pass\n");
    Path p12 = dir.resolve("k.p12");
    Oracle.run(dir, Duration.ofMinutes(1), List.of(openssl().toString(), "pkcs12", "-export", "-inkey",
        rsaPem.toString(), "-in", plain.get(1).toString(), "-name", "from-openssl", "-out", p12.toString(),
        "-passout", "file:" + pw)).assertOk("openssl pkcs12 -export");
    SigningKey fromP12 = KeyLoader.load(KeyLocation.keystore(p12, "from-openssl", PasswordSource.fromFile(pw), null));
    assertEquals(k.certificateSha256(), fromP12.certificateSha256());
  }
}
