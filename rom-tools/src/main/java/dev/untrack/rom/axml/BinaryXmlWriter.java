package dev.untrack.rom.axml;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes Android binary XML the way aapt2 lays it out (string pool with resource-mapped attribute names
 * first, resource map, namespace, elements). Used to build manifests in code (the demo app, test fixtures);
 * {@link BinaryXml} reads what this writes.
 */
public final class BinaryXmlWriter {
  public static final String ANDROID_NS = "http://schemas.android.com/apk/res/android";

  /** An element to encode. */
  public static final class Element {
    final String name;
    final List<Attr> attrs = new ArrayList<>();
    final List<Element> children = new ArrayList<>();

    public Element(String name) {
      this.name = name;
    }

    /** An attribute without namespace (like {@code package}). */
    public Element plain(String name, String value) {
      attrs.add(new Attr(null, name, 0, 0x03, 0, value));
      return this;
    }

    public Element androidString(String name, int resId, String value) {
      attrs.add(new Attr(ANDROID_NS, name, resId, 0x03, 0, value));
      return this;
    }

    public Element androidInt(String name, int resId, int value) {
      attrs.add(new Attr(ANDROID_NS, name, resId, 0x10, value, null));
      return this;
    }

    public Element androidBool(String name, int resId, boolean value) {
      attrs.add(new Attr(ANDROID_NS, name, resId, 0x12, value ? -1 : 0, null));
      return this;
    }

    public Element androidRef(String name, int resId, int ref) {
      attrs.add(new Attr(ANDROID_NS, name, resId, 0x01, ref, null));
      return this;
    }

    public Element child(Element e) {
      children.add(e);
      return this;
    }
  }

  record Attr(String ns, String name, int resId, int type, int data, String string) {}

  private final boolean utf8;
  private final Map<String, Integer> pool = new LinkedHashMap<>();
  private final List<Integer> resMap = new ArrayList<>();

  private BinaryXmlWriter(boolean utf8) {
    this.utf8 = utf8;
  }

  public static byte[] encode(Element root) {
    return encode(root, false);
  }

  /** @param utf8 encode the string pool as UTF-8 (aapt2 uses UTF-16 for manifests; both are valid) */
  public static byte[] encode(Element root, boolean utf8) {
    return new BinaryXmlWriter(utf8).write(root);
  }

  private byte[] write(Element root) {
    // Attribute names with resource ids come first, in id order, so their pool index matches the map.
    List<Attr> all = new ArrayList<>();
    collect(root, all);
    all.stream().filter(a -> a.resId != 0).sorted(Comparator.comparingInt(Attr::resId))
        .forEach(a -> {
          if (!pool.containsKey(a.name)) {
            pool.put(a.name, pool.size());
            resMap.add(a.resId);
          }
        });
    intern("android");
    intern(ANDROID_NS);
    internAll(root);

    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(stringPool());
    body.writeBytes(resourceMap());
    body.writeBytes(namespace(0x0100));
    writeElement(root, body, new int[] {1});
    body.writeBytes(namespace(0x0101));
    ByteBuffer head = le(8);
    head.putShort((short) 0x0003).putShort((short) 8).putInt(8 + body.size());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.array());
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  private void collect(Element e, List<Attr> out) {
    out.addAll(e.attrs);
    e.children.forEach(c -> collect(c, out));
  }

  private void internAll(Element e) {
    intern(e.name);
    for (Attr a : e.attrs) {
      intern(a.name);
      if (a.string != null) {
        intern(a.string);
      }
    }
    e.children.forEach(this::internAll);
  }

  private int intern(String s) {
    return pool.computeIfAbsent(s, k -> pool.size());
  }

  private int idx(String s) {
    return s == null ? -1 : pool.get(s);
  }

  private byte[] stringPool() {
    List<String> strings = new ArrayList<>(pool.keySet());
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    int[] offsets = new int[strings.size()];
    for (int i = 0; i < strings.size(); i++) {
      offsets[i] = data.size();
      String s = strings.get(i);
      if (utf8) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        writeLen8(data, s.length());
        writeLen8(data, b.length);
        data.writeBytes(b);
        data.write(0);
      } else {
        if (s.length() > 0x7fff) {
          data.write(((s.length() >> 16) | 0x8000) & 0xff);
          data.write((((s.length() >> 16) | 0x8000) >> 8) & 0xff);
        }
        data.write(s.length() & 0xff);
        data.write((s.length() >> 8) & 0xff);
        for (char c : s.toCharArray()) {
          data.write(c & 0xff);
          data.write(c >> 8);
        }
        data.write(0);
        data.write(0);
      }
    }
    while (data.size() % 4 != 0) {
      data.write(0);
    }
    int header = 28;
    int stringsStart = header + 4 * strings.size();
    ByteBuffer b = le(stringsStart + data.size());
    b.putShort((short) 0x0001).putShort((short) header).putInt(b.capacity())
        .putInt(strings.size()).putInt(0).putInt(utf8 ? 0x100 : 0).putInt(stringsStart).putInt(0);
    for (int o : offsets) {
      b.putInt(o);
    }
    b.put(data.toByteArray());
    return b.array();
  }

  private static void writeLen8(ByteArrayOutputStream out, int len) {
    if (len > 0x7f) {
      out.write(((len >> 8) & 0x7f) | 0x80);
    }
    out.write(len & 0xff);
  }

  private byte[] resourceMap() {
    ByteBuffer b = le(8 + 4 * resMap.size());
    b.putShort((short) 0x0180).putShort((short) 8).putInt(b.capacity());
    resMap.forEach(b::putInt);
    return b.array();
  }

  private byte[] namespace(int type) {
    ByteBuffer b = le(24);
    b.putShort((short) type).putShort((short) 16).putInt(24).putInt(1).putInt(-1)
        .putInt(idx("android")).putInt(idx(ANDROID_NS));
    return b.array();
  }

  private void writeElement(Element e, ByteArrayOutputStream out, int[] line) {
    List<Attr> attrs = new ArrayList<>(e.attrs);
    attrs.sort(Comparator.comparingLong(a -> a.resId == 0 ? Long.MAX_VALUE : a.resId & 0xffffffffL));
    ByteBuffer b = le(16 + 20 + 20 * attrs.size());
    b.putShort((short) 0x0102).putShort((short) 16).putInt(b.capacity()).putInt(line[0]++).putInt(-1)
        .putInt(-1).putInt(idx(e.name)).putShort((short) 20).putShort((short) 20)
        .putShort((short) attrs.size()).putShort((short) 0).putShort((short) 0).putShort((short) 0);
    for (Attr a : attrs) {
      int data = a.type == 0x03 ? idx(a.string) : a.data;
      b.putInt(a.ns == null ? -1 : idx(a.ns)).putInt(idx(a.name)).putInt(a.string == null ? -1 : idx(a.string))
          .putShort((short) 8).put((byte) 0).put((byte) a.type).putInt(data);
    }
    out.writeBytes(b.array());
    for (Element c : e.children) {
      writeElement(c, out, line);
    }
    ByteBuffer end = le(24);
    end.putShort((short) 0x0103).putShort((short) 16).putInt(24).putInt(line[0]++).putInt(-1)
        .putInt(-1).putInt(idx(e.name));
    out.writeBytes(end.array());
  }

  private static ByteBuffer le(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }
}
