package dev.untrack.signing.ota;

import dev.untrack.signing.SigningException;
import dev.untrack.signing.SigningException.Kind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.SignerInfo;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;

/**
 * Checks an OTA zip's whole-file signature with recovery's rules: footer {@code 0xff 0xff} marker, signature
 * start inside the comment, an end-of-central-directory record exactly {@code comment size + 22} bytes from the
 * end and no other one inside the comment, then the signer's signature (SHA-256 or SHA-1, RSA or ECDSA, no signed
 * attributes) over the file up to the comment length field.
 */
public final class OtaZipVerifier {
  private static final int EOCD = 22;

  private OtaZipVerifier() {}

  /**
   * Verifies {@code zip}. Malformed framing is a {@link SigningException}; a well-framed signature that does not
   * hold is reported in the result. {@code trusted} may be empty.
   */
  public static OtaSignature verify(Path zip, Collection<X509Certificate> trusted) throws SigningException {
    String src = zip.toString();
    try (FileChannel ch = FileChannel.open(zip, StandardOpenOption.READ)) {
      long len = ch.size();
      if (len < EOCD + OtaZipSigner.FOOTER) {
        throw SigningException.corrupt(src, 0, "too small to be a signed OTA zip");
      }
      ByteBuffer footer = read(ch, len - OtaZipSigner.FOOTER, OtaZipSigner.FOOTER, src);
      if ((footer.get(2) & 0xff) != 0xff || (footer.get(3) & 0xff) != 0xff) {
        throw SigningException.corrupt(src, len - 4, "no whole-file signature footer (0xff 0xff)");
      }
      int commentSize = footer.getShort(4) & 0xffff;
      int signatureStart = footer.getShort(0) & 0xffff;
      if (signatureStart > commentSize || signatureStart <= OtaZipSigner.FOOTER) {
        throw SigningException.corrupt(src, len - 6, "signature start " + signatureStart + " lies outside the "
            + commentSize + "-byte comment");
      }
      long eocdSize = commentSize + (long) EOCD;
      if (eocdSize > len) {
        throw SigningException.corrupt(src, len - 2, "comment size " + commentSize + " exceeds the file");
      }
      ByteBuffer eocd = read(ch, len - eocdSize, (int) eocdSize, src);
      if (eocd.getInt(0) != 0x06054b50 || (eocd.getShort(20) & 0xffff) != commentSize) {
        throw SigningException.corrupt(src, len - eocdSize, "no end-of-central-directory record where the footer says");
      }
      for (int i = 4; i + 4 <= eocdSize - 3; i++) {
        if (eocd.getInt(i) == 0x06054b50) {
          throw SigningException.corrupt(src, len - eocdSize + i, "a second end-of-central-directory marker inside the comment");
        }
      }
      long signedLength = len - eocdSize + EOCD - 2;
      byte[] pkcs7 = new byte[signatureStart - OtaZipSigner.FOOTER];
      eocd.get((int) (eocdSize - signatureStart), pkcs7);
      return check(ch, signedLength, pkcs7, trusted, src);
    } catch (SigningException e) {
      throw e;
    } catch (IOException e) {
      throw SigningException.of(Kind.IO, zip, "cannot read: " + e.getMessage(), e);
    }
  }

  private static OtaSignature check(FileChannel ch, long signedLength, byte[] pkcs7,
      Collection<X509Certificate> trusted, String src) throws IOException {
    X509Certificate cert;
    SignerInfo si;
    try {
      ContentInfo ci = ContentInfo.getInstance(ASN1Primitive.fromByteArray(pkcs7));
      SignedData sd = SignedData.getInstance(ci.getContent());
      ASN1Set certs = sd.getCertificates();
      if (certs == null || certs.size() == 0 || sd.getSignerInfos().size() == 0) {
        throw SigningException.corrupt(src, SigningException.NO_OFFSET, "signature block has no certificate or signer");
      }
      ASN1Encodable first = certs.getObjectAt(0);
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
          new ByteArrayInputStream(first.toASN1Primitive().getEncoded(ASN1Encoding.DER)));
      si = SignerInfo.getInstance(sd.getSignerInfos().getObjectAt(0));
    } catch (SigningException e) {
      throw e;
    } catch (Exception e) {
      throw SigningException.corrupt(src, SigningException.NO_OFFSET, "malformed PKCS#7 signature block: " + e.getMessage(), e);
    }
    boolean isTrusted = trusted.contains(cert);
    if (si.getAuthenticatedAttributes() != null) {
      return new OtaSignature(cert, false, isTrusted, "signer has signed attributes; recovery accepts only direct signatures");
    }
    String digest;
    if (NISTObjectIdentifiers.id_sha256.equals(si.getDigestAlgorithm().getAlgorithm())) {
      digest = "SHA256";
    } else if (OIWObjectIdentifiers.idSHA1.equals(si.getDigestAlgorithm().getAlgorithm())) {
      digest = "SHA1";
    } else {
      return new OtaSignature(cert, false, isTrusted, "unsupported digest " + si.getDigestAlgorithm().getAlgorithm());
    }
    String keyAlg = cert.getPublicKey().getAlgorithm();
    try {
      Signature s = Signature.getInstance(digest + "with" + ("EC".equals(keyAlg) ? "ECDSA" : keyAlg));
      s.initVerify(cert.getPublicKey());
      ByteBuffer buf = ByteBuffer.allocate(1 << 20);
      long pos = 0;
      while (pos < signedLength) {
        buf.clear().limit((int) Math.min(buf.capacity(), signedLength - pos));
        int r = ch.read(buf, pos);
        if (r < 0) {
          throw SigningException.corrupt(src, pos, "unexpected end of file");
        }
        buf.flip();
        s.update(buf);
        pos += r;
      }
      boolean ok = s.verify(si.getEncryptedDigest().getOctets());
      return new OtaSignature(cert, ok, isTrusted, ok ? "verifies" : "signature does not verify over the file");
    } catch (GeneralSecurityException e) {
      return new OtaSignature(cert, false, isTrusted, "signature cannot be checked: " + e.getMessage());
    }
  }

  private static ByteBuffer read(FileChannel ch, long at, int n, String src) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      if (ch.read(b, at + b.position()) < 0) {
        throw SigningException.corrupt(src, at + b.position(), "unexpected end of file");
      }
    }
    return b.flip();
  }
}
