package dev.untrack.rom.axml;

import dev.untrack.rom.RomFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Reads Android binary XML ({@code AndroidManifest.xml} as stored in an APK) in process, without aapt. Every
 * chunk, string and attribute offset is bounds-checked; anything inconsistent is a {@link RomFormatException}
 * naming the offset.
 */
public final class BinaryXml {
  private static final int RES_STRING_POOL = 0x0001;
  private static final int RES_XML = 0x0003;
  private static final int XML_START_NAMESPACE = 0x0100;
  private static final int XML_END_NAMESPACE = 0x0101;
  private static final int XML_START_ELEMENT = 0x0102;
  private static final int XML_END_ELEMENT = 0x0103;
  private static final int XML_CDATA = 0x0104;
  private static final int XML_RESOURCE_MAP = 0x0180;
  private static final int UTF8_FLAG = 1 << 8;
  private static final int MAX_DEPTH = 512;
  private static final int MAX_ELEMENTS = 200_000;

  private final ByteBuffer buf;
  private final String source;
  private String[] strings = new String[0];
  private int[] resourceIds = new int[0];

  private BinaryXml(byte[] data, String source) {
    this.buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    this.source = source;
  }

  /** Parses a document and returns its root element. */
  public static XmlElement parse(byte[] data, String source) throws RomFormatException {
    try {
      return new BinaryXml(data, source).parse();
    } catch (IndexOutOfBoundsException | java.nio.BufferUnderflowException e) {
      throw RomFormatException.corrupt(source, "binary XML", RomFormatException.NO_OFFSET,
          "structure points outside the document (" + e.getMessage() + ")");
    }
  }

  private RomFormatException corrupt(long at, String detail) {
    return RomFormatException.corrupt(source, "binary XML", at, detail);
  }

  private XmlElement parse() throws RomFormatException {
    if (buf.limit() < 8) {
      throw corrupt(0, "document of " + buf.limit() + " bytes is too short");
    }
    int type = buf.getShort(0) & 0xffff;
    int headerSize = buf.getShort(2) & 0xffff;
    long size = buf.getInt(4) & 0xffffffffL;
    if (type != RES_XML) {
      throw corrupt(0, String.format("not binary XML (chunk type 0x%04x; a text XML file?)", type));
    }
    if (headerSize < 8 || size > buf.limit() || size < headerSize) {
      throw corrupt(0, "document header claims " + size + " bytes, file has " + buf.limit());
    }
    int end = (int) size;
    int pos = headerSize;
    Deque<Builder> stack = new ArrayDeque<>();
    XmlElement root = null;
    int elements = 0;
    while (pos + 8 <= end) {
      int ctype = buf.getShort(pos) & 0xffff;
      int chead = buf.getShort(pos + 2) & 0xffff;
      long csize = buf.getInt(pos + 4) & 0xffffffffL;
      if (csize < 8 || chead < 8 || chead > csize || csize > end - pos) {
        throw corrupt(pos, String.format("chunk 0x%04x has bad sizes (header %d, size %d)", ctype, chead, csize));
      }
      switch (ctype) {
        case RES_STRING_POOL:
          strings = readStringPool(pos, chead, (int) csize);
          break;
        case XML_RESOURCE_MAP:
          resourceIds = readResourceMap(pos, chead, (int) csize);
          break;
        case XML_START_ELEMENT: {
          if (stack.size() >= MAX_DEPTH || ++elements > MAX_ELEMENTS) {
            throw corrupt(pos, "element nesting or count exceeds the limit");
          }
          stack.push(readStartElement(pos, chead, (int) csize));
          break;
        }
        case XML_END_ELEMENT: {
          if (stack.isEmpty()) {
            throw corrupt(pos, "end tag without a start tag");
          }
          XmlElement done = stack.pop().build();
          if (stack.isEmpty()) {
            if (root != null) {
              throw corrupt(pos, "more than one root element");
            }
            root = done;
          } else {
            stack.peek().children.add(done);
          }
          break;
        }
        case XML_START_NAMESPACE:
        case XML_END_NAMESPACE:
        case XML_CDATA:
          break;
        default:
          // Unknown chunks are skipped, as the platform parser does.
          break;
      }
      pos += (int) csize;
    }
    if (!stack.isEmpty()) {
      throw corrupt(pos, "document ends inside element <" + stack.peek().name + ">");
    }
    if (root == null) {
      throw corrupt(pos, "document has no root element");
    }
    return root;
  }

  private String[] readStringPool(int pos, int head, int size) throws RomFormatException {
    if (head < 28) {
      throw corrupt(pos, "string pool header too short");
    }
    long count = buf.getInt(pos + 8) & 0xffffffffL;
    int flags = buf.getInt(pos + 16);
    long stringsStart = buf.getInt(pos + 20) & 0xffffffffL;
    if (count > (size - head) / 4 || stringsStart > size) {
      throw corrupt(pos, "string pool claims " + count + " strings at " + stringsStart + " in " + size + " bytes");
    }
    boolean utf8 = (flags & UTF8_FLAG) != 0;
    String[] out = new String[(int) count];
    int base = pos + (int) stringsStart;
    int limit = pos + size;
    for (int i = 0; i < count; i++) {
      long off = buf.getInt(pos + head + i * 4) & 0xffffffffL;
      if (off >= limit - base) {
        throw corrupt(pos + head + i * 4, "string " + i + " offset " + off + " is outside the pool");
      }
      int at = base + (int) off;
      out[i] = utf8 ? readUtf8(at, limit) : readUtf16(at, limit);
    }
    return out;
  }

  private String readUtf8(int at, int limit) throws RomFormatException {
    int p = at;
    int b = buf.get(p++) & 0xff; // UTF-16 length, skipped
    if ((b & 0x80) != 0) {
      p++;
    }
    int len = buf.get(p++) & 0xff;
    if ((len & 0x80) != 0) {
      len = ((len & 0x7f) << 8) | (buf.get(p++) & 0xff);
    }
    if (p + len > limit) {
      throw corrupt(at, "UTF-8 string of " + len + " bytes runs past the string pool");
    }
    byte[] bytes = new byte[len];
    buf.get(p, bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private String readUtf16(int at, int limit) throws RomFormatException {
    int p = at;
    int len = buf.getShort(p) & 0xffff;
    p += 2;
    if ((len & 0x8000) != 0) {
      len = ((len & 0x7fff) << 16) | (buf.getShort(p) & 0xffff);
      p += 2;
    }
    if (len > (limit - p) / 2) {
      throw corrupt(at, "UTF-16 string of " + len + " chars runs past the string pool");
    }
    char[] cs = new char[len];
    for (int i = 0; i < len; i++) {
      cs[i] = buf.getChar(p + 2 * i);
    }
    return new String(cs);
  }

  private int[] readResourceMap(int pos, int head, int size) {
    int n = (size - head) / 4;
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = buf.getInt(pos + head + 4 * i);
    }
    return ids;
  }

  private String string(int index, int at) throws RomFormatException {
    if (index == -1) {
      return null;
    }
    if (index < 0 || index >= strings.length) {
      throw corrupt(at, "string index " + index + " outside the pool of " + strings.length);
    }
    return strings[index];
  }

  private Builder readStartElement(int pos, int head, int size) throws RomFormatException {
    int line = buf.getInt(pos + 8);
    int ext = pos + head;
    if (ext + 20 > pos + size) {
      throw corrupt(pos, "start element too short");
    }
    String ns = string(buf.getInt(ext), ext);
    String name = string(buf.getInt(ext + 4), ext + 4);
    int attrStart = buf.getShort(ext + 8) & 0xffff;
    int attrSize = buf.getShort(ext + 10) & 0xffff;
    int attrCount = buf.getShort(ext + 12) & 0xffff;
    if (attrSize < 20 || ext + attrStart + (long) attrSize * attrCount > pos + size) {
      throw corrupt(pos, "attributes of <" + name + "> run past their chunk");
    }
    Builder b = new Builder(ns, name == null ? "" : name, line);
    for (int i = 0; i < attrCount; i++) {
      int a = ext + attrStart + i * attrSize;
      String ans = string(buf.getInt(a), a);
      int nameIndex = buf.getInt(a + 4);
      String aname = string(nameIndex, a + 4);
      int rid = nameIndex >= 0 && nameIndex < resourceIds.length ? resourceIds[nameIndex] : 0;
      String raw = string(buf.getInt(a + 8), a + 8);
      int type = buf.get(a + 15) & 0xff;
      int data = buf.getInt(a + 16);
      String str = raw;
      if (str == null && type == XmlAttribute.TYPE_STRING) {
        str = string(data, a + 16);
      }
      b.attributes.add(new XmlAttribute(ans, aname == null ? "" : aname, rid, type, data, str));
    }
    return b;
  }

  private static final class Builder {
    final String ns;
    final String name;
    final int line;
    final List<XmlAttribute> attributes = new ArrayList<>();
    final List<XmlElement> children = new ArrayList<>();

    Builder(String ns, String name, int line) {
      this.ns = ns;
      this.name = name;
      this.line = line;
    }

    XmlElement build() {
      return new XmlElement(ns, name, List.copyOf(attributes), List.copyOf(children), line);
    }
  }
}
