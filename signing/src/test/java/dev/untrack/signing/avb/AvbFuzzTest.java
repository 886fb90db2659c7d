package dev.untrack.signing.avb;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.untrack.signing.SigningException;
import dev.untrack.signing.internal.ByteArrayChannel;
import dev.untrack.signing.testing.TestKeys;
import java.io.IOException;

/** Hostile vbmeta images and footers: only {@link SigningException} may escape. */
class AvbFuzzTest {
  private static byte[] valid;

  private static synchronized byte[] valid() throws SigningException {
    if (valid == null) {
      valid = VbMetaTest.sample(TestKeys.rsa2048(), AvbAlgorithm.SHA256_RSA2048).encode();
    }
    return valid;
  }

  @FuzzTest(maxDuration = "30s")
  void vbmetaParseAndVerifyOnlyThrowSigningException(FuzzedDataProvider data) throws SigningException {
    byte[] b = valid().clone();
    int edits = data.consumeInt(0, 24);
    for (int i = 0; i < edits; i++) {
      b[data.consumeInt(0, b.length - 1)] = data.consumeByte();
    }
    if (data.consumeBoolean()) {
      b = java.util.Arrays.copyOf(b, data.consumeInt(0, b.length + 64));
    }
    try {
      VbMeta v = VbMeta.parse(b, "fuzz");
      v.verify();
      v.encode();
      v.withFlags(3).encode();
    } catch (SigningException expected) {
      // fine
    }
  }

  @FuzzTest(maxDuration = "30s")
  void footerAndRawBytesOnlyThrowSigningException(FuzzedDataProvider data) throws IOException {
    byte[] raw = data.consumeRemainingAsBytes();
    try {
      VbMeta.fromFooter(new ByteArrayChannel(raw), "fuzz");
    } catch (SigningException expected) {
      // fine
    }
    try {
      VbMeta.parse(raw, "fuzz");
    } catch (SigningException expected) {
      // fine
    }
    try {
      AvbPublicKey.decode(raw, "fuzz");
    } catch (SigningException expected) {
      // fine
    }
  }
}
