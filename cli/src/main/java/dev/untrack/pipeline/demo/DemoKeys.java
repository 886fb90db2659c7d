package dev.untrack.pipeline.demo;

import dev.untrack.signing.SigningException;
import dev.untrack.signing.keys.KeyGenOptions;
import dev.untrack.signing.keys.KeyGenerator;
import dev.untrack.signing.keys.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;

/**
 * The demo's throw-away keys, made in memory from fixed seeds so that two demo runs write the same bytes. They
 * protect nothing (anyone can make them again): never use them for a real device.
 */
public final class DemoKeys {
  /** Fixed certificate start: the demo reads no clock. */
  static final Instant NOT_BEFORE = Instant.parse("2024-01-01T00:00:00Z");

  private DemoKeys() {}

  /** Stands in for the phone maker's key that signed the original apps. */
  public static SigningKey vendor() throws SigningException {
    return generate("CN=Demo Vendor, OU=untrack demo - not a real key", "untrack demo vendor key");
  }

  /** Stands in for the user's own key (what {@code untrack keys generate} makes). */
  public static SigningKey user() throws SigningException {
    return generate("CN=Demo User, OU=untrack demo - not a real key", "untrack demo user key");
  }

  /** Stands in for the phone maker's AVB key that signs vbmeta and vbmeta_system. */
  public static SigningKey avb() throws SigningException {
    return generate("CN=Demo AVB, OU=untrack demo - not a real key", "untrack demo avb key");
  }

  private static SigningKey generate(String dn, String seed) throws SigningException {
    SecureRandom random;
    try {
      // SHA1PRNG seeded before its first use is a fixed stream: the same seed gives the same key.
      random = SecureRandom.getInstance("SHA1PRNG");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA1PRNG", e);
    }
    random.setSeed(seed.getBytes(StandardCharsets.UTF_8));
    KeyGenOptions options = KeyGenOptions.defaults(NOT_BEFORE).withDistinguishedName(dn).withBits(2048)
        .withDeterministicSerial(true);
    return KeyGenerator.generate(options, random);
  }
}
