package dev.untrack.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.untrack.pipeline.demo.DemoKeys;
import dev.untrack.signing.keys.SigningKey;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The demo's seeded keys: the same key every time (so demo output is reproducible), and distinct per role. */
class DemoKeysTest {
  @Test
  void sameSeedSameKeyAndCertificate() throws Exception {
    SigningKey a = DemoKeys.vendor();
    SigningKey b = DemoKeys.vendor();
    assertArrayEquals(a.certificate().getEncoded(), b.certificate().getEncoded());
    assertArrayEquals(a.privateKey().getEncoded(), b.privateKey().getEncoded());
    assertEquals(2048, a.keySizeBits());
    assertFalse(Arrays.equals(a.certificate().getEncoded(), DemoKeys.user().certificate().getEncoded()));
    assertFalse(Arrays.equals(a.publicKey().getEncoded(), DemoKeys.avb().publicKey().getEncoded()));
  }
}
