package dev.untrack.rom.payload;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A protobuf message kept as its ordered list of encoded fields, so that every field untrack does not
 * understand (and every field it does not change) is written back byte for byte. Typed views
 * ({@link Manifest}, {@link PartitionUpdate}, {@link InstallOperation}) read the fields they need from here,
 * and edits replace whole fields by number, leaving the rest untouched.
 *
 * <p>No generated code: the AOSP schema ({@code update_metadata.proto}) is small and we need only part of it.
 */
public final class ProtoMessage {
  /** One encoded field: tag and value exactly as found (or as we encoded it). */
  public static final class Field {
    private final int number;
    private final int wireType;
    private final byte[] encoded;
    private final int valueOffset;

    private Field(int number, int wireType, byte[] encoded, int valueOffset) {
      this.number = number;
      this.wireType = wireType;
      this.encoded = encoded;
      this.valueOffset = valueOffset;
    }

    public int number() {
      return number;
    }

    public int wireType() {
      return wireType;
    }

    /** Tag and value bytes as they appear on the wire. */
    public byte[] encoded() {
      return encoded.clone();
    }

    int encodedLength() {
      return encoded.length;
    }

    long varint() throws InvalidProtocolBufferException {
      check(WireFormat.WIRETYPE_VARINT);
      try {
        return value().readRawVarint64();
      } catch (InvalidProtocolBufferException e) {
        throw e;
      } catch (IOException e) {
        throw new InvalidProtocolBufferException(e);
      }
    }

    int fixed32() throws InvalidProtocolBufferException {
      check(WireFormat.WIRETYPE_FIXED32);
      try {
        return value().readRawLittleEndian32();
      } catch (InvalidProtocolBufferException e) {
        throw e;
      } catch (IOException e) {
        throw new InvalidProtocolBufferException(e);
      }
    }

    byte[] bytes() throws InvalidProtocolBufferException {
      check(WireFormat.WIRETYPE_LENGTH_DELIMITED);
      try {
        CodedInputStream in = value();
        int len = in.readRawVarint32();
        int start = valueOffset + in.getTotalBytesRead();
        return Arrays.copyOfRange(encoded, start, start + len);
      } catch (InvalidProtocolBufferException e) {
        throw e;
      } catch (IOException e) {
        throw new InvalidProtocolBufferException(e);
      }
    }

    private CodedInputStream value() {
      return CodedInputStream.newInstance(encoded, valueOffset, encoded.length - valueOffset);
    }

    private void check(int expected) throws InvalidProtocolBufferException {
      if (wireType != expected) {
        throw new InvalidProtocolBufferException(
            "field " + number + " has wire type " + wireType + ", expected " + expected);
      }
    }

    public static Field varint(int number, long value) {
      return encode(number, WireFormat.WIRETYPE_VARINT, out -> out.writeUInt64NoTag(value));
    }

    public static Field bool(int number, boolean value) {
      return varint(number, value ? 1 : 0);
    }

    public static Field fixed32(int number, int value) {
      return encode(number, WireFormat.WIRETYPE_FIXED32, out -> out.writeFixed32NoTag(value));
    }

    public static Field bytes(int number, byte[] value) {
      return encode(number, WireFormat.WIRETYPE_LENGTH_DELIMITED, out -> out.writeByteArrayNoTag(value));
    }

    public static Field string(int number, String value) {
      return bytes(number, value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public static Field message(int number, ProtoMessage value) {
      return bytes(number, value.toByteArray());
    }

    private interface ValueWriter {
      void write(CodedOutputStream out) throws IOException;
    }

    private static Field encode(int number, int wireType, ValueWriter writer) {
      try {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bo);
        out.writeTag(number, wireType);
        out.flush();
        int valueOffset = bo.size();
        writer.write(out);
        out.flush();
        return new Field(number, wireType, bo.toByteArray(), valueOffset);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static final ProtoMessage EMPTY = new ProtoMessage(List.of());

  private final List<Field> fields;

  private ProtoMessage(List<Field> fields) {
    this.fields = Collections.unmodifiableList(fields);
  }

  public static ProtoMessage empty() {
    return EMPTY;
  }

  public static ProtoMessage of(List<Field> fields) {
    return new ProtoMessage(new ArrayList<>(fields));
  }

  /**
   * Splits {@code data} into fields. Nested messages are not parsed here (their views parse them on demand),
   * so the recursion depth is bounded by the schema, not by the input.
   */
  public static ProtoMessage parse(byte[] data) throws InvalidProtocolBufferException {
    CodedInputStream in = CodedInputStream.newInstance(data);
    List<Field> fields = new ArrayList<>();
    try {
      while (true) {
        int start = in.getTotalBytesRead();
        int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        int valueStart = in.getTotalBytesRead();
        int wireType = WireFormat.getTagWireType(tag);
        if (wireType == WireFormat.WIRETYPE_END_GROUP || wireType > WireFormat.WIRETYPE_FIXED32) {
          throw new InvalidProtocolBufferException("bad wire type " + wireType + " at byte " + start);
        }
        if (!in.skipField(tag)) {
          throw new InvalidProtocolBufferException("unexpected end-group tag at byte " + start);
        }
        int end = in.getTotalBytesRead();
        fields.add(new Field(WireFormat.getTagFieldNumber(tag), wireType,
            Arrays.copyOfRange(data, start, end), valueStart - start));
      }
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
    return new ProtoMessage(fields);
  }

  public List<Field> fields() {
    return fields;
  }

  public boolean has(int number) {
    for (Field f : fields) {
      if (f.number == number) {
        return true;
      }
    }
    return false;
  }

  private Field last(int number) {
    Field found = null;
    for (Field f : fields) {
      if (f.number == number) {
        found = f;
      }
    }
    return found;
  }

  /** A scalar's value; protobuf semantics: the last occurrence wins. */
  public long varint(int number, long defaultValue) throws InvalidProtocolBufferException {
    Field f = last(number);
    return f == null ? defaultValue : f.varint();
  }

  public Integer fixed32(int number) throws InvalidProtocolBufferException {
    Field f = last(number);
    return f == null ? null : f.fixed32();
  }

  public byte[] bytes(int number) throws InvalidProtocolBufferException {
    Field f = last(number);
    return f == null ? null : f.bytes();
  }

  public String string(int number) throws InvalidProtocolBufferException {
    byte[] b = bytes(number);
    return b == null ? null : new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** An optional sub-message (absent → null). Repeated occurrences are merged, as protobuf does. */
  public ProtoMessage message(int number) throws InvalidProtocolBufferException {
    List<ProtoMessage> all = messages(number);
    if (all.isEmpty()) {
      return null;
    }
    if (all.size() == 1) {
      return all.get(0);
    }
    List<Field> merged = new ArrayList<>();
    for (ProtoMessage m : all) {
      merged.addAll(m.fields);
    }
    return new ProtoMessage(merged);
  }

  public List<ProtoMessage> messages(int number) throws InvalidProtocolBufferException {
    List<ProtoMessage> out = new ArrayList<>();
    for (Field f : fields) {
      if (f.number == number) {
        out.add(parse(f.bytes()));
      }
    }
    return out;
  }

  public List<byte[]> bytesList(int number) throws InvalidProtocolBufferException {
    List<byte[]> out = new ArrayList<>();
    for (Field f : fields) {
      if (f.number == number) {
        out.add(f.bytes());
      }
    }
    return out;
  }

  /**
   * A copy in which every occurrence of field {@code number} is replaced by {@code replacement} (which may be
   * empty, to remove it). The replacement goes where the first old occurrence was; a field that was absent is
   * inserted before the first field with a higher number, keeping the canonical order protobuf writers use.
   */
  public ProtoMessage with(int number, List<Field> replacement) {
    List<Field> out = new ArrayList<>(fields.size() + replacement.size());
    boolean placed = false;
    for (Field f : fields) {
      if (f.number == number) {
        if (!placed) {
          out.addAll(replacement);
          placed = true;
        }
        continue;
      }
      if (!placed && f.number > number) {
        out.addAll(replacement);
        placed = true;
      }
      out.add(f);
    }
    if (!placed) {
      out.addAll(replacement);
    }
    return new ProtoMessage(out);
  }

  public ProtoMessage with(Field replacement) {
    return with(replacement.number, List.of(replacement));
  }

  public ProtoMessage without(int number) {
    return with(number, List.of());
  }

  public int serializedSize() {
    int n = 0;
    for (Field f : fields) {
      n += f.encodedLength();
    }
    return n;
  }

  public byte[] toByteArray() {
    byte[] out = new byte[serializedSize()];
    int pos = 0;
    for (Field f : fields) {
      System.arraycopy(f.encoded, 0, out, pos, f.encoded.length);
      pos += f.encoded.length;
    }
    return out;
  }
}
