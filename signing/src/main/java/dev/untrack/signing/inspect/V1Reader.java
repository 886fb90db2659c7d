package dev.untrack.signing.inspect;

import dev.untrack.signing.SigningException;
import dev.untrack.signing.internal.ApkZip;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.SignerIdentifier;
import org.bouncycastle.asn1.cms.SignerInfo;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;

/**
 * Reads v1 (JAR) signers the way Android does for system apps: certificates from each PKCS#7 signature block,
 * then only what identity depends on, not every entry's digest: the PKCS#7 signature over the {@code .SF}, the
 * {@code .SF}'s digest of the manifest (whole, or the {@code AndroidManifest.xml} section), and the manifest's
 * digest of {@code AndroidManifest.xml}. BouncyCastle parses the ASN.1; the JDK verifies.
 */
final class V1Reader {
  private static final int MAX_META_FILE = 16 << 20;
  private static final int MAX_ANDROID_MANIFEST = 32 << 20;
  private static final int MAX_SIGNATURE_FILES = 16;

  private V1Reader() {}

  static Optional<SchemeSigners> read(ApkZip zip) throws IOException {
    List<ApkZip.Entry> blocks = new ArrayList<>();
    for (ApkZip.Entry e : zip.entries()) {
      String n = e.name();
      String upper = n.toUpperCase(Locale.ROOT);
      if (upper.startsWith("META-INF/") && n.indexOf('/', 9) < 0
          && (upper.endsWith(".RSA") || upper.endsWith(".DSA") || upper.endsWith(".EC"))) {
        blocks.add(e);
      }
    }
    if (blocks.isEmpty()) {
      return Optional.empty();
    }
    if (blocks.size() > MAX_SIGNATURE_FILES) {
      throw SigningException.corrupt(zip.source(), SigningException.NO_OFFSET, "more than " + MAX_SIGNATURE_FILES
          + " v1 signature block files");
    }
    byte[] manifest = zip.entry("META-INF/MANIFEST.MF").isPresent()
        ? zip.read(zip.entry("META-INF/MANIFEST.MF").get(), MAX_META_FILE) : null;
    List<SignerCertificates> signers = new ArrayList<>();
    for (ApkZip.Entry block : blocks) {
      signers.add(readSigner(zip, block, manifest));
    }
    return Optional.of(new SchemeSigners(Scheme.V1, signers));
  }

  private static SignerCertificates readSigner(ApkZip zip, ApkZip.Entry blockEntry, byte[] manifest)
      throws IOException {
    String source = zip.source() + " > " + blockEntry.name();
    byte[] block = zip.read(blockEntry, MAX_META_FILE);
    SignedData sd;
    List<X509Certificate> certs = new ArrayList<>();
    try {
      ContentInfo ci = ContentInfo.getInstance(ASN1Primitive.fromByteArray(block));
      sd = SignedData.getInstance(ci.getContent());
      ASN1Set certSet = sd.getCertificates();
      if (certSet != null) {
        for (ASN1Encodable c : certSet) {
          certs.add((X509Certificate) BlockSchemeReader.certificateFactory().generateCertificate(
              new ByteArrayInputStream(c.toASN1Primitive().getEncoded(ASN1Encoding.DER))));
        }
      }
    } catch (IOException | CertificateException | RuntimeException e) {
      throw SigningException.corrupt(source, 0, "malformed PKCS#7 signature block: " + e.getMessage(), e);
    }
    List<String> issues = new ArrayList<>();
    if (sd.getSignerInfos() == null || sd.getSignerInfos().size() == 0) {
      throw SigningException.corrupt(source, 0, "PKCS#7 signature block has no signer");
    }
    SignerInfo si;
    try {
      si = SignerInfo.getInstance(sd.getSignerInfos().getObjectAt(0));
    } catch (RuntimeException e) {
      throw SigningException.corrupt(source, 0, "malformed PKCS#7 signer info", e);
    }
    X509Certificate signerCert = findSignerCert(si.getSID(), certs);
    if (signerCert == null) {
      throw SigningException.corrupt(source, 0, "the PKCS#7 signer's certificate is not in the block");
    }
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(signerCert);
    for (X509Certificate c : certs) {
      if (c != signerCert) {
        chain.add(c);
      }
    }

    String base = blockEntry.name().substring(0, blockEntry.name().lastIndexOf('.'));
    Optional<ApkZip.Entry> sfEntry = zip.entry(base + ".SF");
    if (sfEntry.isEmpty()) {
      issues.add(base + ".SF is missing");
      return new SignerCertificates(chain, false, issues);
    }
    byte[] sf = zip.read(sfEntry.get(), MAX_META_FILE);
    boolean ok = verifyPkcs7(si, signerCert, sf, issues);
    if (manifest == null) {
      issues.add("META-INF/MANIFEST.MF is missing");
      return new SignerCertificates(chain, false, issues);
    }
    ok &= sfCoversAndroidManifest(JarManifest.parse(sf), manifest, issues);
    ok &= manifestCoversAndroidManifest(zip, manifest, issues);
    return new SignerCertificates(chain, ok, issues);
  }

  private static X509Certificate findSignerCert(SignerIdentifier sid, List<X509Certificate> certs) {
    ASN1Encodable id = sid.getId();
    if (id instanceof IssuerAndSerialNumber || id.toASN1Primitive() instanceof org.bouncycastle.asn1.ASN1Sequence) {
      try {
        IssuerAndSerialNumber ias = IssuerAndSerialNumber.getInstance(id);
        BigInteger serial = ias.getSerialNumber().getValue();
        X500Principal issuer = new X500Principal(ias.getName().getEncoded(ASN1Encoding.DER));
        for (X509Certificate c : certs) {
          if (c.getSerialNumber().equals(serial) && c.getIssuerX500Principal().equals(issuer)) {
            return c;
          }
        }
      } catch (IOException | RuntimeException e) {
        return null;
      }
      return null;
    }
    // subjectKeyIdentifier signers are rare in APKs; Android's verifier takes the first certificate then
    return certs.isEmpty() ? null : certs.get(0);
  }

  private static boolean verifyPkcs7(SignerInfo si, X509Certificate cert, byte[] sf, List<String> issues) {
    try {
      String digest = digestName(si.getDigestAlgorithm().getAlgorithm());
      if (digest == null) {
        issues.add("unsupported PKCS#7 digest algorithm " + si.getDigestAlgorithm().getAlgorithm());
        return false;
      }
      String keyAlg = cert.getPublicKey().getAlgorithm();
      String jca = digest.replace("-", "") + "with" + ("EC".equals(keyAlg) ? "ECDSA" : keyAlg);
      byte[] signed = sf;
      ASN1Set attrs = si.getAuthenticatedAttributes();
      if (attrs != null) {
        byte[] expected = null;
        for (ASN1Encodable a : attrs) {
          Attribute attr = Attribute.getInstance(a);
          if (CMSAttributes.messageDigest.equals(attr.getAttrType()) && attr.getAttrValues().size() == 1) {
            expected = ASN1OctetString.getInstance(attr.getAttrValues().getObjectAt(0)).getOctets();
          }
        }
        if (expected == null || !MessageDigest.isEqual(expected, MessageDigest.getInstance(digest).digest(sf))) {
          issues.add("PKCS#7 message digest does not match the .SF file");
          return false;
        }
        signed = attrs.getEncoded(ASN1Encoding.DER);
      }
      Signature s = Signature.getInstance(jca);
      s.initVerify(cert.getPublicKey());
      s.update(signed);
      if (!s.verify(si.getEncryptedDigest().getOctets())) {
        issues.add("PKCS#7 signature over the .SF file does not verify");
        return false;
      }
      return true;
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      issues.add("PKCS#7 signature cannot be checked: " + e.getMessage());
      return false;
    }
  }

  private static boolean sfCoversAndroidManifest(JarManifest sf, byte[] manifest, List<String> issues) {
    for (Map.Entry<String, String> a : sf.main().entrySet()) {
      if (a.getKey().endsWith("-Digest-Manifest")) {
        String alg = jarDigestName(a.getKey().substring(0, a.getKey().length() - "-Digest-Manifest".length()));
        if (alg != null && digestMatches(alg, manifest, 0, manifest.length, a.getValue())) {
          return true;
        }
      }
    }
    Optional<JarManifest.Section> mfSection = JarManifest.parse(manifest).section("AndroidManifest.xml");
    Optional<JarManifest.Section> sfSection = sf.section("AndroidManifest.xml");
    if (mfSection.isPresent() && sfSection.isPresent()) {
      JarManifest.Section m = mfSection.get();
      for (Map.Entry<String, String> a : sfSection.get().attributes().entrySet()) {
        if (a.getKey().endsWith("-Digest")) {
          String alg = jarDigestName(a.getKey().substring(0, a.getKey().length() - "-Digest".length()));
          if (alg != null && digestMatches(alg, manifest, m.start(), m.end(), a.getValue())) {
            return true;
          }
        }
      }
    }
    issues.add("the .SF file covers neither the manifest nor its AndroidManifest.xml section");
    return false;
  }

  private static boolean manifestCoversAndroidManifest(ApkZip zip, byte[] manifest, List<String> issues)
      throws IOException {
    Optional<JarManifest.Section> section = JarManifest.parse(manifest).section("AndroidManifest.xml");
    Optional<ApkZip.Entry> entry = zip.entry("AndroidManifest.xml");
    if (section.isEmpty() || entry.isEmpty()) {
      issues.add("AndroidManifest.xml is not listed in META-INF/MANIFEST.MF");
      return false;
    }
    byte[] content = zip.read(entry.get(), MAX_ANDROID_MANIFEST);
    for (Map.Entry<String, String> a : section.get().attributes().entrySet()) {
      if (a.getKey().endsWith("-Digest")) {
        String alg = jarDigestName(a.getKey().substring(0, a.getKey().length() - "-Digest".length()));
        if (alg != null && digestMatches(alg, content, 0, content.length, a.getValue())) {
          return true;
        }
      }
    }
    issues.add("AndroidManifest.xml does not match its digest in META-INF/MANIFEST.MF");
    return false;
  }

  private static boolean digestMatches(String alg, byte[] data, int from, int to, String base64) {
    try {
      MessageDigest md = MessageDigest.getInstance(alg);
      md.update(data, from, to - from);
      return MessageDigest.isEqual(md.digest(), Base64.getDecoder().decode(base64.trim()));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  private static String jarDigestName(String name) {
    switch (name.toUpperCase(Locale.ROOT)) {
      case "SHA1":
      case "SHA-1":
        return "SHA-1";
      case "SHA-256":
        return "SHA-256";
      case "SHA-384":
        return "SHA-384";
      case "SHA-512":
        return "SHA-512";
      default:
        return null;
    }
  }

  private static String digestName(ASN1ObjectIdentifier oid) {
    if (OIWObjectIdentifiers.idSHA1.equals(oid)) {
      return "SHA-1";
    }
    if (NISTObjectIdentifiers.id_sha224.equals(oid)) {
      return "SHA-224";
    }
    if (NISTObjectIdentifiers.id_sha256.equals(oid)) {
      return "SHA-256";
    }
    if (NISTObjectIdentifiers.id_sha384.equals(oid)) {
      return "SHA-384";
    }
    if (NISTObjectIdentifiers.id_sha512.equals(oid)) {
      return "SHA-512";
    }
    return null;
  }
}
