package dev.untrack.signing.ota;

import dev.untrack.signing.SigningException;
import dev.untrack.signing.SigningException.Kind;
import dev.untrack.signing.internal.ApkZip;
import dev.untrack.signing.internal.AtomicFiles;
import dev.untrack.signing.internal.JdkContentSigner;
import dev.untrack.signing.keys.SigningKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.SignerIdentifier;
import org.bouncycastle.asn1.cms.SignerInfo;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Signs an OTA zip as a whole, the way AOSP's {@code signapk -w} does and recovery verifies: the archive comment
 * becomes {@code "signed by SignApk\0"}, a detached CMS SignedData (PKCS#7) whose single signer signs directly
 * (no signed attributes) the SHA-256 of the file up to, not including, the comment length field, and a 6-byte
 * footer: u16 offset of the signature block from the end of the file, {@code 0xff 0xff}, u16 comment size.
 *
 * <p>The file is streamed: read once, hashed and copied; memory does not grow with its size. BouncyCastle only
 * builds the ASN.1; the JDK signs. The output is deterministic for RSA keys.
 */
public final class OtaZipSigner {
  static final byte[] MARKER = "signed by SignApk".getBytes(StandardCharsets.US_ASCII);
  static final int FOOTER = 6;
  private static final byte[] EOCD_MAGIC = {0x50, 0x4b, 0x05, 0x06};

  private OtaZipSigner() {}

  public static void sign(Path in, Path out, SigningKey key) throws SigningException {
    X509Certificate cert = key.certificate();
    long signedLength;
    try (ApkZip zip = ApkZip.open(in)) {
      signedLength = zip.eocdOffset() + 20;
    } catch (SigningException e) {
      throw e;
    } catch (IOException e) {
      throw SigningException.of(Kind.IO, in, "cannot read: " + e.getMessage(), e);
    }
    AtomicFiles.write(out, true, false, temp -> {
      try (FileChannel src = FileChannel.open(in, StandardOpenOption.READ);
          FileChannel dst = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        Signature s = Signature.getInstance(JdkContentSigner.sha256NameFor(key.privateKey()));
        s.initSign(key.privateKey());
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        long pos = 0;
        while (pos < signedLength) {
          buf.clear().limit((int) Math.min(buf.capacity(), signedLength - pos));
          int r = src.read(buf, pos);
          if (r < 0) {
            throw SigningException.corrupt(in.toString(), pos, "file shrank while being signed");
          }
          buf.flip();
          s.update(buf.duplicate());
          while (buf.hasRemaining()) {
            dst.write(buf);
          }
          pos += r;
        }
        byte[] comment = comment(cmsSignedData(cert, key, s.sign()), out);
        ByteBuffer tail = ByteBuffer.allocate(2 + comment.length).order(ByteOrder.LITTLE_ENDIAN);
        tail.putShort((short) comment.length).put(comment).flip();
        while (tail.hasRemaining()) {
          dst.write(tail);
        }
      } catch (GeneralSecurityException e) {
        throw SigningException.of(Kind.SIGN_FAILED, in, "cannot sign: " + e.getMessage(), e);
      }
    });
  }

  /** Marker, NUL, signature block and footer; checked for a stray end-of-central-directory signature. */
  static byte[] comment(byte[] pkcs7, Path reportAs) throws SigningException {
    int total = MARKER.length + 1 + pkcs7.length + FOOTER;
    if (total > 0xffff) {
      throw SigningException.of(Kind.SIGN_FAILED, reportAs, "signature block too large for a zip comment");
    }
    ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MARKER).put((byte) 0).put(pkcs7);
    int signatureStart = pkcs7.length + FOOTER;
    b.putShort((short) signatureStart).put((byte) 0xff).put((byte) 0xff).putShort((short) total);
    byte[] c = b.array();
    for (int i = 0; i + 4 <= c.length; i++) {
      if (Arrays.equals(c, i, i + 4, EOCD_MAGIC, 0, 4)) {
        // recovery refuses a comment that could be mistaken for an end-of-central-directory record
        throw SigningException.of(Kind.SIGN_FAILED, reportAs,
            "the signature happens to contain a zip end marker; sign with another key");
      }
    }
    return c;
  }

  /** Detached SignedData, one signer, direct signature (no signed attributes), as signapk writes it. */
  static byte[] cmsSignedData(X509Certificate cert, SigningKey key, byte[] signature) throws SigningException {
    try {
      Certificate c = Certificate.getInstance(cert.getEncoded());
      AlgorithmIdentifier sha256 = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE);
      AlgorithmIdentifier sigAlg = "RSA".equals(key.algorithm())
          ? new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE)
          : new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
      SignerInfo si = new SignerInfo(
          new SignerIdentifier(new IssuerAndSerialNumber(X500Name.getInstance(c.getIssuer()), cert.getSerialNumber())),
          sha256, (org.bouncycastle.asn1.ASN1Set) null, sigAlg, new DEROctetString(signature), null);
      ASN1EncodableVector certs = new ASN1EncodableVector();
      certs.add(c);
      SignedData sd = new SignedData(new DERSet(sha256), new ContentInfo(CMSObjectIdentifiers.data, null),
          new DERSet(certs), null, new DERSet(si));
      return new ContentInfo(CMSObjectIdentifiers.signedData, sd).getEncoded(ASN1Encoding.DER);
    } catch (CertificateEncodingException | IOException | RuntimeException e) {
      throw SigningException.of(Kind.SIGN_FAILED, null, "cannot build the signature block: " + e.getMessage(), e);
    }
  }
}
