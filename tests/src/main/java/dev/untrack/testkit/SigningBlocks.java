package dev.untrack.testkit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the signer certificates out of an APK's v2 signature (APK Signing Block, block id 0x7109871a) without
 * verifying anything, the way Android reads system apps' certificates at boot. Test code only.
 */
public final class SigningBlocks {
  private static final int V2_ID = 0x7109871a;

  private SigningBlocks() {}

  public static List<X509Certificate> v2Certificates(Path apk) throws IOException {
    ByteBuffer f = ByteBuffer.wrap(Files.readAllBytes(apk)).order(ByteOrder.LITTLE_ENDIAN);
    int eocd = -1;
    for (int i = f.capacity() - 22; i >= 0; i--) {
      if (f.getInt(i) == 0x06054b50) {
        eocd = i;
        break;
      }
    }
    long cd = f.getInt(eocd + 16) & 0xffffffffL;
    long size = f.getLong((int) cd - 24);
    int start = (int) (cd - size - 8);
    ByteBuffer pairs = slice(f, start + 8, (int) (size - 24));
    while (pairs.remaining() >= 12) {
      long len = pairs.getLong();
      int id = pairs.getInt();
      ByteBuffer value = slice(pairs, pairs.position(), (int) len - 4);
      pairs.position(pairs.position() + (int) len - 4);
      if (id != V2_ID) {
        continue;
      }
      List<X509Certificate> out = new ArrayList<>();
      ByteBuffer signers = lengthPrefixed(value);
      while (signers.hasRemaining()) {
        ByteBuffer signer = lengthPrefixed(signers);
        ByteBuffer signedData = lengthPrefixed(signer);
        lengthPrefixed(signedData); // digests
        ByteBuffer certs = lengthPrefixed(signedData);
        while (certs.hasRemaining()) {
          ByteBuffer c = lengthPrefixed(certs);
          byte[] der = new byte[c.remaining()];
          c.get(der);
          try {
            out.add((X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der)));
          } catch (CertificateException e) {
            throw new IOException(e);
          }
        }
      }
      return out;
    }
    return List.of();
  }

  private static ByteBuffer lengthPrefixed(ByteBuffer b) {
    int len = b.getInt();
    ByteBuffer s = slice(b, b.position(), len);
    b.position(b.position() + len);
    return s;
  }

  private static ByteBuffer slice(ByteBuffer b, int at, int len) {
    ByteBuffer d = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    d.position(at);
    d.limit(at + len);
    return d.slice().order(ByteOrder.LITTLE_ENDIAN);
  }
}
