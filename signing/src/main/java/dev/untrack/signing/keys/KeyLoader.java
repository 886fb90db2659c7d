package dev.untrack.signing.keys;

import dev.untrack.signing.SigningException;
import dev.untrack.signing.SigningException.Kind;
import dev.untrack.signing.internal.Pem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Loads a {@link SigningKey} from a PKCS12 or JKS keystore, or from an AOSP-style {@code .pk8} (DER PKCS#8,
 * plain or encrypted) with its {@code .x509.pem} certificate. The file type is recognised by content, not by
 * name. Everything that fails is a {@link SigningException} naming the file.
 */
public final class KeyLoader {
  /** Key and certificate files are small; a bigger one is not what the user meant. */
  private static final long MAX_KEY_FILE = 8L << 20;

  private KeyLoader() {}

  public static SigningKey load(KeyLocation where) throws SigningException {
    Path file = where.keyFile();
    byte[] bytes = read(file, "key");
    if (bytes.length >= 4 && (bytes[0] & 0xff) == 0xfe && (bytes[1] & 0xff) == 0xed && (bytes[2] & 0xff) == 0xfe
        && (bytes[3] & 0xff) == 0xed) {
      return fromKeystore(where, bytes, "JKS");
    }
    if (Pem.looksLikePem(bytes)) {
      Pem.Block block = Pem.first(bytes).orElseThrow(() -> SigningException.of(Kind.KEY_UNREADABLE, file,
          "malformed or legacy-encrypted PEM (convert with: openssl pkcs8 -topk8)"));
      PrivateKey key;
      switch (block.label()) {
        case "PRIVATE KEY":
          key = Pkcs8.plain(block.der(), file);
          break;
        case "ENCRYPTED PRIVATE KEY":
          key = Pkcs8.encrypted(block.der(), file, where.storePassword());
          break;
        case "RSA PRIVATE KEY":
          key = Pkcs8.pkcs1Rsa(block.der(), file);
          break;
        default:
          throw SigningException.of(Kind.KEY_UNREADABLE, file, "PEM holds a " + block.label() + ", not a private key");
      }
      return withCertificate(key, where);
    }
    switch (Pkcs8.shape(bytes)) {
      case PKCS12:
        return fromKeystore(where, bytes, "PKCS12");
      case PLAIN_PKCS8:
        return withCertificate(Pkcs8.plain(bytes, file), where);
      case ENCRYPTED_PKCS8:
        return withCertificate(Pkcs8.encrypted(bytes, file, where.storePassword()), where);
      case PKCS1_RSA:
        return withCertificate(Pkcs8.pkcs1Rsa(bytes, file), where);
      default:
        throw SigningException.of(Kind.KEY_UNREADABLE, file,
            "not a keystore (PKCS12, JKS) or private key (PKCS#8 .pk8, PEM)");
    }
  }

  private static SigningKey fromKeystore(KeyLocation where, byte[] bytes, String type) throws SigningException {
    Path file = where.keyFile();
    if (where.storePassword() == null) {
      throw SigningException.of(Kind.PASSWORD, file, "a keystore password is needed");
    }
    KeyStore ks;
    char[] storePw = where.storePassword().password();
    try {
      ks = KeyStore.getInstance(type);
      ks.load(new ByteArrayInputStream(bytes), storePw);
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
        throw SigningException.of(Kind.PASSWORD, file, "wrong keystore password", e);
      }
      throw SigningException.of(Kind.KEY_UNREADABLE, file, "unreadable " + type + " keystore: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw SigningException.of(Kind.KEY_UNREADABLE, file, "unreadable " + type + " keystore: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // the JDK's keystore parsers are not hardened against every malformed input
      throw SigningException.of(Kind.KEY_UNREADABLE, file, "malformed " + type + " keystore", e);
    }
    try {
      String alias = pickAlias(ks, where.alias(), file);
      char[] keyPw = where.keyPassword() == null ? storePw.clone() : where.keyPassword().password();
      Key key;
      try {
        key = ks.getKey(alias, keyPw);
      } catch (UnrecoverableKeyException e) {
        throw SigningException.of(Kind.PASSWORD, file, "wrong password for key '" + alias + "'", e);
      } finally {
        Arrays.fill(keyPw, '\0');
      }
      if (!(key instanceof PrivateKey pk)) {
        throw SigningException.of(Kind.KEY_UNREADABLE, file, "'" + alias + "' is not a private key entry");
      }
      Certificate[] chain = ks.getCertificateChain(alias);
      if (chain == null || chain.length == 0) {
        throw SigningException.of(Kind.KEY_UNREADABLE, file, "key '" + alias + "' has no certificate");
      }
      List<X509Certificate> certs = new ArrayList<>();
      for (Certificate c : chain) {
        if (!(c instanceof X509Certificate x)) {
          throw SigningException.of(Kind.KEY_UNREADABLE, file, "key '" + alias + "' has a non-X.509 certificate");
        }
        certs.add(x);
      }
      checkPair(pk, certs.get(0).getPublicKey(), file);
      return new SigningKey(pk, certs.get(0).getPublicKey(), certs, file + (where.alias() == null ? "" : "#" + alias));
    } catch (GeneralSecurityException e) {
      throw SigningException.of(Kind.KEY_UNREADABLE, file, "unreadable keystore entry: " + e.getMessage(), e);
    } finally {
      Arrays.fill(storePw, '\0');
    }
  }

  private static String pickAlias(KeyStore ks, String wanted, Path file) throws GeneralSecurityException,
      SigningException {
    List<String> keys = new ArrayList<>();
    for (String a : Collections.list(ks.aliases())) {
      if (ks.isKeyEntry(a)) {
        keys.add(a);
      }
    }
    Collections.sort(keys);
    if (wanted != null) {
      if (!ks.containsAlias(wanted)) {
        // PKCS12 aliases are case-insensitive in the JDK; report what exists
        throw SigningException.of(Kind.KEY_UNREADABLE, file, "no alias '" + wanted + "' (keys: " + String.join(", ", keys) + ")");
      }
      return wanted;
    }
    if (keys.isEmpty()) {
      throw SigningException.of(Kind.KEY_UNREADABLE, file, "the keystore holds no private key");
    }
    if (keys.size() > 1) {
      throw SigningException.of(Kind.KEY_UNREADABLE, file,
          "the keystore holds several keys (" + String.join(", ", keys) + "): choose one with --alias");
    }
    return keys.get(0);
  }

  private static SigningKey withCertificate(PrivateKey key, KeyLocation where) throws SigningException {
    Path file = where.keyFile();
    if (where.certFile() == null) {
      PublicKey pub;
      try {
        pub = Pkcs8.rsaPublic(key);
      } catch (GeneralSecurityException e) {
        pub = null;
      }
      if (pub == null) {
        throw SigningException.of(Kind.KEY_UNREADABLE, file,
            "a " + key.getAlgorithm() + " key without its certificate is not usable: give --cert");
      }
      return new SigningKey(key, pub, List.of(), file.toString());
    }
    List<X509Certificate> certs = readCertificates(where.certFile());
    checkPair(key, certs.get(0).getPublicKey(), where.certFile());
    return new SigningKey(key, certs.get(0).getPublicKey(), certs, file.toString());
  }

  /** The certificates in a PEM or DER file, the first one being the key's own. */
  public static List<X509Certificate> readCertificates(Path certFile) throws SigningException {
    byte[] bytes = read(certFile, "certificate");
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : cf.generateCertificates(new ByteArrayInputStream(bytes))) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw SigningException.of(Kind.KEY_UNREADABLE, certFile, "no certificate in the file");
      }
      return out;
    } catch (CertificateException | RuntimeException e) {
      throw SigningException.of(Kind.KEY_UNREADABLE, certFile, "not an X.509 certificate: " + e.getMessage(), e);
    }
  }

  /** Proves the private key and the certificate belong together by signing and verifying a fixed message. */
  static void checkPair(PrivateKey key, PublicKey pub, Path file) throws SigningException {
    if (!key.getAlgorithm().equals(pub.getAlgorithm())) {
      throw SigningException.of(Kind.KEY_MISMATCH, file,
          "the certificate holds a " + pub.getAlgorithm() + " key but the private key is " + key.getAlgorithm());
    }
    try {
      String alg = dev.untrack.signing.internal.JdkContentSigner.sha256NameFor(key);
      byte[] probe = "untrack key pair check".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(pub);
      v.update(probe);
      if (!v.verify(sig)) {
        throw SigningException.of(Kind.KEY_MISMATCH, file, "the certificate does not belong to the private key");
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw SigningException.of(Kind.KEY_MISMATCH, file, "cannot check the key against its certificate: " + e.getMessage(), e);
    }
  }

  static byte[] read(Path file, String what) throws SigningException {
    try {
      if (Files.size(file) > MAX_KEY_FILE) {
        throw SigningException.of(Kind.KEY_UNREADABLE, file, "too large for a " + what + " file");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw SigningException.of(Kind.KEY_UNREADABLE, file, what + " file does not exist", e);
    } catch (IOException e) {
      throw SigningException.of(Kind.KEY_UNREADABLE, file, "cannot read " + what + " file: " + e.getMessage(), e);
    }
  }
}
