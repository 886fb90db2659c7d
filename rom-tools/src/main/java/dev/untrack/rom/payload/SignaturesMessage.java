package dev.untrack.rom.payload;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code Signatures} protobuf used for both payload signatures: a list of {@code Signature{data,
 * unpadded_signature_size}}. Its serialized size must be known before signing (it is part of the signed
 * manifest), which is why {@link #dummy(int)} exists.
 */
public final class SignaturesMessage {
  private static final int SIGNATURES = 1;
  private static final int DATA = 2;
  private static final int UNPADDED_SIZE = 3;

  private SignaturesMessage() {}

  public static byte[] encode(List<byte[]> signatures) {
    List<ProtoMessage.Field> outer = new ArrayList<>();
    for (byte[] sig : signatures) {
      ProtoMessage inner = ProtoMessage.of(List.of(
          ProtoMessage.Field.bytes(DATA, sig), ProtoMessage.Field.fixed32(UNPADDED_SIZE, sig.length)));
      outer.add(ProtoMessage.Field.message(SIGNATURES, inner));
    }
    return ProtoMessage.of(outer).toByteArray();
  }

  /** A message of exactly the size a real one with a {@code signatureSize}-byte signature will have. */
  public static byte[] dummy(int signatureSize) {
    return encode(List.of(new byte[signatureSize]));
  }

  /** The signatures, each truncated to its unpadded size as update_engine does. */
  public static List<byte[]> decode(byte[] message) throws InvalidProtocolBufferException {
    List<byte[]> out = new ArrayList<>();
    for (ProtoMessage sig : ProtoMessage.parse(message).messages(SIGNATURES)) {
      byte[] data = sig.bytes(DATA);
      if (data == null) {
        data = new byte[0];
      }
      Integer unpadded = sig.fixed32(UNPADDED_SIZE);
      if (unpadded != null) {
        if (Integer.compareUnsigned(unpadded, data.length) > 0) {
          throw new InvalidProtocolBufferException("unpadded signature size " + Integer.toUnsignedString(unpadded)
              + " exceeds signature data (" + data.length + " bytes)");
        }
        data = java.util.Arrays.copyOf(data, unpadded);
      }
      out.add(data);
    }
    return out;
  }
}
