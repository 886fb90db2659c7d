package dev.untrack.patcher.write;

import dev.untrack.patcher.app.Dex;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.jf.dexlib2.iface.reference.FieldReference;
import org.jf.dexlib2.iface.reference.MethodProtoReference;
import org.jf.dexlib2.iface.reference.MethodReference;

/**
 * Looks references up in an existing dex's id tables, which the format keeps sorted: strings by content, types
 * by string index, fields and methods by (class, name, type/prototype). Each lookup is a binary search reading
 * raw table entries, decoding only the strings it compares. Returns -1 when the dex has no such item.
 */
final class DexIndex {
  private final Dex dex;
  private final ByteBuffer b;
  private final int stringCount;
  private final int typeCount;
  private final int typeOff;
  private final int protoCount;
  private final int protoOff;
  private final int fieldCount;
  private final int fieldOff;
  private final int methodCount;
  private final int methodOff;

  DexIndex(Dex dex) {
    this.dex = dex;
    this.b = ByteBuffer.wrap(dex.bytes()).order(ByteOrder.LITTLE_ENDIAN);
    this.stringCount = b.getInt(0x38);
    this.typeCount = b.getInt(0x40);
    this.typeOff = b.getInt(0x44);
    this.protoCount = b.getInt(0x48);
    this.protoOff = b.getInt(0x4c);
    this.fieldCount = b.getInt(0x50);
    this.fieldOff = b.getInt(0x54);
    this.methodCount = b.getInt(0x58);
    this.methodOff = b.getInt(0x5c);
  }

  int string(String s) {
    List<String> pool = dex.file().getStringSection();
    int lo = 0;
    int hi = stringCount - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = pool.get(mid).compareTo(s);
      if (c == 0) {
        return mid;
      }
      if (c < 0) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0xd800) {
        return pool.indexOf(s); // code-unit and code-point orders differ: search exactly
      }
    }
    return -1;
  }

  int type(String descriptor) {
    int s = string(descriptor);
    if (s < 0) {
      return -1;
    }
    int lo = 0;
    int hi = typeCount - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int v = b.getInt(typeOff + mid * 4);
      if (v == s) {
        return mid;
      }
      if (Integer.compareUnsigned(v, s) < 0) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return -1;
  }

  int field(FieldReference f) {
    int cls = type(f.getDefiningClass());
    int name = string(f.getName());
    int type = type(f.getType());
    if (cls < 0 || name < 0 || type < 0) {
      return -1;
    }
    return member(fieldOff, fieldCount, key(cls, name, type));
  }

  int method(MethodReference m) {
    int cls = type(m.getDefiningClass());
    int name = string(m.getName());
    int proto = proto(m.getReturnType(), m.getParameterTypes());
    if (cls < 0 || name < 0 || proto < 0) {
      return -1;
    }
    return member(methodOff, methodCount, key(cls, name, proto));
  }

  /**
   * Index of {@code want} in the field_id or method_id table at {@code off} ({@code count} 8-byte items, which
   * the dex format keeps sorted by class, name, then type or proto), or -1.
   */
  private int member(int off, int count, long want) {
    int lo = 0;
    int hi = count - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int at = off + mid * 8;
      long have = key(b.getShort(at) & 0xffff, b.getInt(at + 4), b.getShort(at + 2) & 0xffff);
      if (have == want) {
        return mid;
      }
      if (Long.compareUnsigned(have, want) < 0) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return -1;
  }

  int proto(MethodProtoReference p) {
    return proto(p.getReturnType(), p.getParameterTypes());
  }

  private int proto(String returnType, List<? extends CharSequence> params) {
    int ret = type(returnType);
    if (ret < 0) {
      return -1;
    }
    int[] ps = new int[params.size()];
    for (int i = 0; i < ps.length; i++) {
      ps[i] = type(params.get(i).toString());
      if (ps[i] < 0) {
        return -1;
      }
    }
    for (int i = 0; i < protoCount; i++) {
      int at = protoOff + i * 12;
      if (b.getInt(at + 4) != ret) {
        continue;
      }
      int listOff = b.getInt(at + 8);
      int n = listOff == 0 ? 0 : b.getInt(listOff);
      if (n != ps.length) {
        continue;
      }
      boolean same = true;
      for (int k = 0; k < n && same; k++) {
        same = (b.getShort(listOff + 4 + k * 2) & 0xffff) == ps[k];
      }
      if (same) {
        return i;
      }
    }
    return -1;
  }

  /** (class, name, type) ordered as the dex sorts ids: class index, then name index, then type/proto index. */
  private static long key(int cls, int name, int third) {
    return ((long) cls << 48) | ((name & 0xffffffffL) << 16) | third;
  }
}
