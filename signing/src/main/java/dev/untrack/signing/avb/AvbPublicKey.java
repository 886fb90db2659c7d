package dev.untrack.signing.avb;

import dev.untrack.signing.SigningException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;

/**
 * AVB's RSA public key encoding ({@code AvbRSAPublicKeyHeader}): big-endian {@code u32 key_num_bits},
 * {@code u32 n0inv} (= -1/n mod 2^32), then n and rr (= (2^key_num_bits)^2 mod n), each key_num_bits/8 bytes.
 * The exponent is always 65537.
 */
public final class AvbPublicKey {
  private static final BigInteger TWO_32 = BigInteger.ONE.shiftLeft(32);
  private static final BigInteger F4 = BigInteger.valueOf(65537);

  private AvbPublicKey() {}

  public static byte[] encode(RSAPublicKey key) {
    BigInteger n = key.getModulus();
    if (!F4.equals(key.getPublicExponent())) {
      throw new IllegalArgumentException("AVB supports only RSA keys with exponent 65537");
    }
    int bits = n.bitLength();
    if (bits % 8 != 0) {
      throw new IllegalArgumentException("RSA modulus of " + bits + " bits is not a whole number of bytes");
    }
    int bytes = bits / 8;
    BigInteger n0inv = TWO_32.subtract(n.mod(TWO_32).modInverse(TWO_32));
    BigInteger rr = BigInteger.ONE.shiftLeft(bits).pow(2).mod(n);
    ByteBuffer b = ByteBuffer.allocate(8 + 2 * bytes);
    b.putInt(bits);
    b.putInt(n0inv.intValue());
    b.put(unsigned(n, bytes));
    b.put(unsigned(rr, bytes));
    return b.array();
  }

  /** The RSA public key in an AVB key blob; n0inv and rr must agree with n (libavb relies on them). */
  public static RSAPublicKey decode(byte[] blob, String source) throws SigningException {
    if (blob.length < 8) {
      throw SigningException.corrupt(source, 0, "AVB public key too short");
    }
    ByteBuffer b = ByteBuffer.wrap(blob);
    int bits = b.getInt();
    if (bits <= 0 || bits % 8 != 0 || bits > 16384 || blob.length != 8 + 2 * (bits / 8)) {
      throw SigningException.corrupt(source, 0, "AVB public key of " + (bits & 0xffffffffL) + " bits does not fit its "
          + blob.length + " bytes");
    }
    BigInteger n = new BigInteger(1, Arrays.copyOfRange(blob, 8, 8 + bits / 8));
    if (n.bitLength() != bits || !n.testBit(0)) {
      throw SigningException.corrupt(source, 8, "AVB public key modulus is not an odd " + bits + "-bit number");
    }
    try {
      RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, F4));
      if (!Arrays.equals(encode(key), blob)) {
        throw SigningException.corrupt(source, 4, "AVB public key's n0inv or rr does not match its modulus");
      }
      return key;
    } catch (GeneralSecurityException e) {
      throw SigningException.corrupt(source, 0, "invalid RSA public key: " + e.getMessage(), e);
    }
  }

  static byte[] unsigned(BigInteger v, int len) {
    byte[] raw = v.toByteArray();
    if (raw.length == len) {
      return raw;
    }
    byte[] out = new byte[len];
    if (raw.length > len) {
      System.arraycopy(raw, raw.length - len, out, 0, len);
    } else {
      System.arraycopy(raw, 0, out, len - raw.length, raw.length);
    }
    return out;
  }
}
