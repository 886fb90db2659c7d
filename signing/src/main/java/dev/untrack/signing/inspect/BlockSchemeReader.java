package dev.untrack.signing.inspect;

import dev.untrack.signing.SigningException;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the signers of a v2, v3 or v3.1 scheme block and checks what Android checks when it skips digest
 * verification (system apps): each signature over the signer's signed data, that the signatures and digests name
 * the same algorithms, and that the embedded public key is the first certificate's. Content digests are not
 * checked here; apksig does that.
 */
final class BlockSchemeReader {
  private static final int MAX_SIGNERS = 16;
  private static final int MAX_ITEMS = 64;

  private BlockSchemeReader() {}

  /** An APK signature algorithm id: the JCA signature it stands for. */
  private enum Algorithm {
    RSA_PSS_SHA256(0x0101, "RSASSA-PSS", "RSA", new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1)),
    RSA_PSS_SHA512(0x0102, "RSASSA-PSS", "RSA", new PSSParameterSpec("SHA-512", "MGF1", MGF1ParameterSpec.SHA512, 64, 1)),
    RSA_PKCS1_SHA256(0x0103, "SHA256withRSA", "RSA", null),
    RSA_PKCS1_SHA512(0x0104, "SHA512withRSA", "RSA", null),
    ECDSA_SHA256(0x0201, "SHA256withECDSA", "EC", null),
    ECDSA_SHA512(0x0202, "SHA512withECDSA", "EC", null),
    DSA_SHA256(0x0301, "SHA256withDSA", "DSA", null),
    VERITY_RSA_PKCS1_SHA256(0x0421, "SHA256withRSA", "RSA", null),
    VERITY_ECDSA_SHA256(0x0423, "SHA256withECDSA", "EC", null),
    VERITY_DSA_SHA256(0x0425, "SHA256withDSA", "DSA", null);

    final int id;
    final String jca;
    final String keyAlgorithm;
    final PSSParameterSpec pss;

    Algorithm(int id, String jca, String keyAlgorithm, PSSParameterSpec pss) {
      this.id = id;
      this.jca = jca;
      this.keyAlgorithm = keyAlgorithm;
      this.pss = pss;
    }

    static Algorithm of(int id) {
      for (Algorithm a : values()) {
        if (a.id == id) {
          return a;
        }
      }
      return null;
    }
  }

  static SchemeSigners read(Scheme scheme, byte[] value, long valueOffset, String source) throws SigningException {
    Reader top = new Reader(value, valueOffset, source);
    Reader signersSeq = top.lengthPrefixed("signers");
    List<SignerCertificates> out = new ArrayList<>();
    while (signersSeq.hasRemaining()) {
      if (out.size() == MAX_SIGNERS) {
        throw SigningException.corrupt(source, signersSeq.position(), "more than " + MAX_SIGNERS + " signers");
      }
      out.add(readSigner(scheme, signersSeq.lengthPrefixed("signer"), source));
    }
    if (out.isEmpty()) {
      throw SigningException.corrupt(source, valueOffset, scheme + " block has no signers");
    }
    return new SchemeSigners(scheme, out);
  }

  private static SignerCertificates readSigner(Scheme scheme, Reader signer, String source) throws SigningException {
    List<String> issues = new ArrayList<>();
    Reader signedDataReader = signer.lengthPrefixed("signed data");
    byte[] signedData = signedDataReader.copyAll();
    if (scheme != Scheme.V2) {
      signer.u32("min SDK");
      signer.u32("max SDK");
    }
    Reader signatures = signer.lengthPrefixed("signatures");
    byte[] publicKeyBytes = signer.lengthPrefixed("public key").copyAll();

    Reader digests = signedDataReader.lengthPrefixed("digests");
    Reader certs = signedDataReader.lengthPrefixed("certificates");
    List<Integer> digestAlgorithms = new ArrayList<>();
    while (digests.hasRemaining()) {
      Reader d = digests.lengthPrefixed("digest");
      digestAlgorithms.add(d.u32("digest algorithm"));
      if (digestAlgorithms.size() > MAX_ITEMS) {
        throw SigningException.corrupt(source, digests.position(), "too many digests");
      }
    }
    List<X509Certificate> certificates = new ArrayList<>();
    CertificateFactory cf = certificateFactory();
    while (certs.hasRemaining()) {
      Reader c = certs.lengthPrefixed("certificate");
      long at = c.position();
      try {
        certificates.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(c.copyAll())));
      } catch (CertificateException | RuntimeException e) {
        throw SigningException.corrupt(source, at, "malformed X.509 certificate", e);
      }
      if (certificates.size() > MAX_ITEMS) {
        throw SigningException.corrupt(source, certs.position(), "too many certificates");
      }
    }
    if (certificates.isEmpty()) {
      throw SigningException.corrupt(source, certs.position(), scheme + " signer has no certificate");
    }

    List<Integer> signatureAlgorithms = new ArrayList<>();
    int verified = 0;
    int known = 0;
    while (signatures.hasRemaining()) {
      Reader s = signatures.lengthPrefixed("signature");
      int id = s.u32("signature algorithm");
      byte[] sig = s.lengthPrefixed("signature bytes").copyAll();
      signatureAlgorithms.add(id);
      if (signatureAlgorithms.size() > MAX_ITEMS) {
        throw SigningException.corrupt(source, signatures.position(), "too many signatures");
      }
      Algorithm a = Algorithm.of(id);
      if (a == null) {
        issues.add(String.format("unknown signature algorithm 0x%04x", id));
        continue;
      }
      known++;
      if (verify(a, publicKeyBytes, signedData, sig, issues)) {
        verified++;
      }
    }
    if (known == 0) {
      issues.add("no signature with a supported algorithm");
    }
    if (!digestAlgorithms.equals(signatureAlgorithms)) {
      issues.add("signature algorithms " + hex(signatureAlgorithms) + " differ from digest algorithms "
          + hex(digestAlgorithms));
    }
    if (!Arrays.equals(certificates.get(0).getPublicKey().getEncoded(), publicKeyBytes)) {
      issues.add("the public key is not the first certificate's");
    }
    boolean ok = known > 0 && verified == known && issues.stream().noneMatch(i -> !i.startsWith("unknown"));
    return new SignerCertificates(certificates, ok, issues);
  }

  private static boolean verify(Algorithm a, byte[] publicKey, byte[] data, byte[] sig, List<String> issues) {
    try {
      PublicKey key = KeyFactory.getInstance(a.keyAlgorithm).generatePublic(new X509EncodedKeySpec(publicKey));
      Signature s = Signature.getInstance(a.jca);
      if (a.pss != null) {
        s.setParameter(a.pss);
      }
      s.initVerify(key);
      s.update(data);
      if (s.verify(sig)) {
        return true;
      }
      issues.add(a + " signature over the signed data does not verify");
      return false;
    } catch (GeneralSecurityException | RuntimeException e) {
      issues.add(a + " signature cannot be checked: " + e.getMessage());
      return false;
    }
  }

  private static String hex(List<Integer> ids) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < ids.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(String.format("0x%04x", ids.get(i)));
    }
    return sb.append(']').toString();
  }

  static CertificateFactory certificateFactory() {
    try {
      return CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Little-endian, u32-length-prefixed slices with absolute offsets for error messages. */
  static final class Reader {
    private final ByteBuffer buf;
    private final long base;
    private final String source;

    Reader(byte[] data, long base, String source) {
      this(ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN), base, source);
    }

    private Reader(ByteBuffer buf, long base, String source) {
      this.buf = buf;
      this.base = base;
      this.source = source;
    }

    boolean hasRemaining() {
      return buf.hasRemaining();
    }

    long position() {
      return base + buf.position();
    }

    int u32(String what) throws SigningException {
      if (buf.remaining() < 4) {
        throw SigningException.corrupt(source, position(), "truncated " + what);
      }
      return buf.getInt();
    }

    Reader lengthPrefixed(String what) throws SigningException {
      long at = position();
      int len = u32(what + " length");
      if (len < 0 || len > buf.remaining()) {
        throw SigningException.corrupt(source, at, what + " length " + (len & 0xffffffffL) + " exceeds the "
            + buf.remaining() + " bytes left");
      }
      ByteBuffer slice = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
      slice.limit(len);
      Reader r = new Reader(slice, base + buf.position(), source);
      buf.position(buf.position() + len);
      return r;
    }

    byte[] copyAll() {
      byte[] out = new byte[buf.remaining()];
      buf.duplicate().get(out);
      return out;
    }
  }
}
