package dev.untrack.signing.testing;

import dev.untrack.signing.SigningException;
import dev.untrack.signing.keys.KeyGenOptions;
import dev.untrack.signing.keys.KeyGenerator;
import dev.untrack.signing.keys.SigningKey;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Keys generated once per test JVM (RSA generation is slow), by size and name. */
public final class TestKeys {
  public static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
  private static final Map<String, SigningKey> CACHE = new HashMap<>();

  private TestKeys() {}

  public static synchronized SigningKey rsa(int bits, String name) {
    return CACHE.computeIfAbsent(bits + "/" + name, k -> {
      try {
        return KeyGenerator.generate(KeyGenOptions.defaults(EPOCH).withBits(bits)
            .withDistinguishedName("CN=" + name).withDeterministicSerial(true));
      } catch (SigningException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  public static SigningKey rsa2048() {
    return rsa(2048, "test");
  }
}
