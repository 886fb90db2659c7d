package dev.untrack.signing.keys;

import dev.untrack.signing.SigningException;
import dev.untrack.signing.SigningException.Kind;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * PKCS#8 private keys, plain and encrypted, decoded with the JDK's providers. BouncyCastle parses the ASN.1
 * only. PBES2 (PBKDF2 + AES-CBC or 3DES-CBC: what {@code openssl pkcs8 -topk8} writes) is decrypted here;
 * PBES1 and PKCS#12 PBE schemes go to the JDK.
 */
final class Pkcs8 {
  /** Keeps a hostile file from asking for days of key stretching. */
  private static final int MAX_PBKDF2_ITERATIONS = 2_000_000;

  private Pkcs8() {}

  /** The shape of a DER blob that starts with a SEQUENCE. */
  enum Shape { PLAIN_PKCS8, ENCRYPTED_PKCS8, PKCS1_RSA, PKCS12, UNKNOWN }

  static Shape shape(byte[] der) {
    try {
      ASN1Primitive p = ASN1Primitive.fromByteArray(der);
      if (!(p instanceof ASN1Sequence seq) || seq.size() < 2) {
        return Shape.UNKNOWN;
      }
      ASN1Encodable first = seq.getObjectAt(0);
      if (first instanceof ASN1Sequence && seq.size() == 2) {
        return Shape.ENCRYPTED_PKCS8;
      }
      if (first instanceof ASN1Integer i) {
        BigInteger v = i.getValue();
        if (v.equals(BigInteger.valueOf(3))) {
          return Shape.PKCS12;
        }
        if (seq.size() >= 9 && v.signum() == 0) {
          return Shape.PKCS1_RSA;
        }
        if (v.signum() == 0 || v.equals(BigInteger.ONE)) {
          return Shape.PLAIN_PKCS8;
        }
      }
      return Shape.UNKNOWN;
    } catch (Exception e) {
      // any parse failure just means "not one of ours"; the caller reports the file as unreadable
      return Shape.UNKNOWN;
    }
  }

  static PrivateKey plain(byte[] der, Path file) throws SigningException {
    String algorithm;
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(der);
      algorithm = algorithmName(info.getPrivateKeyAlgorithm().getAlgorithm(), file);
    } catch (SigningException e) {
      throw e;
    } catch (Exception e) {
      throw SigningException.of(Kind.KEY_UNREADABLE, file, "not a PKCS#8 private key: " + e.getMessage(), e);
    }
    try {
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw SigningException.of(Kind.KEY_UNREADABLE, file, "invalid " + algorithm + " private key: " + e.getMessage(), e);
    }
  }

  /** An OpenSSL "traditional" {@code RSA PRIVATE KEY} (PKCS#1). */
  static PrivateKey pkcs1Rsa(byte[] der, Path file) throws SigningException {
    try {
      RSAPrivateKey k = RSAPrivateKey.getInstance(der);
      return KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(
          k.getModulus(), k.getPublicExponent(), k.getPrivateExponent(), k.getPrime1(), k.getPrime2(),
          k.getExponent1(), k.getExponent2(), k.getCoefficient()));
    } catch (Exception e) {
      throw SigningException.of(Kind.KEY_UNREADABLE, file, "invalid RSA private key: " + e.getMessage(), e);
    }
  }

  static PrivateKey encrypted(byte[] der, Path file, PasswordSource passwords) throws SigningException {
    if (passwords == null) {
      throw SigningException.of(Kind.PASSWORD, file, "the key is encrypted: a password is needed");
    }
    EncryptedPrivateKeyInfo info;
    try {
      info = EncryptedPrivateKeyInfo.getInstance(der);
    } catch (Exception e) {
      throw SigningException.of(Kind.KEY_UNREADABLE, file, "not an encrypted PKCS#8 key: " + e.getMessage(), e);
    }
    char[] password = passwords.password();
    try {
      byte[] plain = PKCSObjectIdentifiers.id_PBES2.equals(info.getEncryptionAlgorithm().getAlgorithm())
          ? decryptPbes2(info, password, file)
          : decryptWithJdk(der, password, file);
      try {
        return plain(plain, file);
      } catch (SigningException e) {
        // garbage out of a wrong password that happened to have valid padding
        throw SigningException.of(Kind.PASSWORD, file, "wrong password for the encrypted key", e);
      } finally {
        Arrays.fill(plain, (byte) 0);
      }
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  private static byte[] decryptPbes2(EncryptedPrivateKeyInfo info, char[] password, Path file)
      throws SigningException {
    String cipherName;
    String keyAlgorithm;
    int keyLength;
    byte[] iv;
    byte[] salt;
    int iterations;
    String prf;
    try {
      PBES2Parameters params = PBES2Parameters.getInstance(info.getEncryptionAlgorithm().getParameters());
      KeyDerivationFunc kdf = params.getKeyDerivationFunc();
      if (!PKCSObjectIdentifiers.id_PBKDF2.equals(kdf.getAlgorithm())) {
        throw SigningException.of(Kind.UNSUPPORTED, file, "PBES2 key derivation " + kdf.getAlgorithm() + " is not supported");
      }
      PBKDF2Params kdfParams = PBKDF2Params.getInstance(kdf.getParameters());
      EncryptionScheme scheme = params.getEncryptionScheme();
      ASN1ObjectIdentifier enc = scheme.getAlgorithm();
      if (NISTObjectIdentifiers.id_aes128_CBC.equals(enc)) {
        cipherName = "AES/CBC/PKCS5Padding";
        keyAlgorithm = "AES";
        keyLength = 16;
      } else if (NISTObjectIdentifiers.id_aes192_CBC.equals(enc)) {
        cipherName = "AES/CBC/PKCS5Padding";
        keyAlgorithm = "AES";
        keyLength = 24;
      } else if (NISTObjectIdentifiers.id_aes256_CBC.equals(enc)) {
        cipherName = "AES/CBC/PKCS5Padding";
        keyAlgorithm = "AES";
        keyLength = 32;
      } else if (PKCSObjectIdentifiers.des_EDE3_CBC.equals(enc)) {
        cipherName = "DESede/CBC/PKCS5Padding";
        keyAlgorithm = "DESede";
        keyLength = 24;
      } else {
        throw SigningException.of(Kind.UNSUPPORTED, file, "PBES2 cipher " + enc + " is not supported");
      }
      iv = ASN1OctetString.getInstance(scheme.getParameters()).getOctets();
      salt = kdfParams.getSalt();
      BigInteger iter = kdfParams.getIterationCount();
      if (iter.signum() <= 0 || iter.compareTo(BigInteger.valueOf(MAX_PBKDF2_ITERATIONS)) > 0) {
        throw SigningException.of(Kind.UNSUPPORTED, file, "PBKDF2 iteration count " + iter + " is out of range");
      }
      iterations = iter.intValueExact();
      if (kdfParams.getKeyLength() != null && kdfParams.getKeyLength().intValueExact() != keyLength) {
        throw SigningException.of(Kind.KEY_UNREADABLE, file, "PBKDF2 key length does not match the cipher");
      }
      prf = prfName(kdfParams.getPrf(), file);
    } catch (SigningException e) {
      throw e;
    } catch (Exception e) {
      throw SigningException.of(Kind.KEY_UNREADABLE, file, "malformed PBES2 parameters: " + e.getMessage(), e);
    }
    try {
      byte[] keyBytes = SecretKeyFactory.getInstance(prf)
          .generateSecret(new PBEKeySpec(password, salt, iterations, keyLength * 8)).getEncoded();
      Cipher cipher = Cipher.getInstance(cipherName);
      cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(keyBytes, keyAlgorithm), new IvParameterSpec(iv));
      Arrays.fill(keyBytes, (byte) 0);
      return cipher.doFinal(info.getEncryptedData());
    } catch (javax.crypto.BadPaddingException e) {
      throw SigningException.of(Kind.PASSWORD, file, "wrong password for the encrypted key", e);
    } catch (GeneralSecurityException e) {
      throw SigningException.of(Kind.KEY_UNREADABLE, file, "cannot decrypt the key: " + e.getMessage(), e);
    }
  }

  private static String prfName(AlgorithmIdentifier prf, Path file) throws SigningException {
    ASN1ObjectIdentifier oid = prf.getAlgorithm();
    if (PKCSObjectIdentifiers.id_hmacWithSHA1.equals(oid)) {
      return "PBKDF2WithHmacSHA1";
    }
    if (PKCSObjectIdentifiers.id_hmacWithSHA224.equals(oid)) {
      return "PBKDF2WithHmacSHA224";
    }
    if (PKCSObjectIdentifiers.id_hmacWithSHA256.equals(oid)) {
      return "PBKDF2WithHmacSHA256";
    }
    if (PKCSObjectIdentifiers.id_hmacWithSHA384.equals(oid)) {
      return "PBKDF2WithHmacSHA384";
    }
    if (PKCSObjectIdentifiers.id_hmacWithSHA512.equals(oid)) {
      return "PBKDF2WithHmacSHA512";
    }
    throw SigningException.of(Kind.UNSUPPORTED, file, "PBKDF2 PRF " + oid + " is not supported");
  }

  private static byte[] decryptWithJdk(byte[] der, char[] password, Path file) throws SigningException {
    try {
      javax.crypto.EncryptedPrivateKeyInfo info = new javax.crypto.EncryptedPrivateKeyInfo(der);
      String name = info.getAlgName();
      javax.crypto.SecretKey key = SecretKeyFactory.getInstance(name).generateSecret(new PBEKeySpec(password));
      Cipher cipher = Cipher.getInstance(name);
      cipher.init(Cipher.DECRYPT_MODE, key, info.getAlgParameters());
      return info.getKeySpec(cipher).getEncoded();
    } catch (java.security.spec.InvalidKeySpecException e) {
      throw SigningException.of(Kind.PASSWORD, file, "wrong password for the encrypted key", e);
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw SigningException.of(Kind.UNSUPPORTED, file, "cannot decrypt the key: " + e.getMessage(), e);
    }
  }

  static String algorithmName(ASN1ObjectIdentifier oid, Path file) throws SigningException {
    if (PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
      return "RSA";
    }
    if (X9ObjectIdentifiers.id_ecPublicKey.equals(oid)) {
      return "EC";
    }
    if (X9ObjectIdentifiers.id_dsa.equals(oid)) {
      return "DSA";
    }
    throw SigningException.of(Kind.UNSUPPORTED, file, "private key algorithm " + oid + " is not supported (RSA, EC, DSA are)");
  }

  /** The RSA public key of an RSA CRT private key (which carries the public exponent). */
  static java.security.PublicKey rsaPublic(PrivateKey key) throws GeneralSecurityException {
    if (key instanceof RSAPrivateCrtKey crt) {
      return KeyFactory.getInstance("RSA").generatePublic(
          new java.security.spec.RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
    }
    return null;
  }
}
