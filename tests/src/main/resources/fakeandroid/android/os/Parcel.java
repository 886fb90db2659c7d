package android.os;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fake: a parcel as a list of JDK values, so the test harness can carry it between sandboxes (two apps,
 * two class loaders) the way the binder driver carries bytes between processes.
 */
public final class Parcel {
  private final List<Object> values = new ArrayList<>();
  private int pos;

  private Parcel() {}

  public static Parcel obtain() {
    return new Parcel();
  }

  public void recycle() {}

  /** Fake-only: the marshalled values (JDK types only). */
  public List<Object> values() {
    return new ArrayList<>(values);
  }

  /** Fake-only: replace the content with marshalled values from another sandbox. */
  public void setValues(List<Object> v) {
    values.clear();
    values.addAll(v);
    pos = 0;
  }

  public void setDataPosition(int p) {
    pos = p;
  }

  public int dataSize() {
    return values.size();
  }

  private Object next() {
    if (pos >= values.size()) {
      throw new IllegalStateException("parcel underflow at " + pos + " of " + values);
    }
    return values.get(pos++);
  }

  public void writeInterfaceToken(String descriptor) { values.add("token:" + descriptor); }

  public void enforceInterface(String descriptor) {
    Object t = next();
    if (!("token:" + descriptor).equals(t)) {
      throw new SecurityException("Binder invocation to an incorrect interface: " + t);
    }
  }

  public void writeNoException() { values.add("noexception"); }

  public void readException() {
    Object t = next();
    if (!"noexception".equals(t)) {
      throw new IllegalStateException("remote exception: " + t);
    }
  }

  public void writeString(String s) { values.add(s == null ? NullMarker.NULL : s); }

  public String readString() {
    Object v = next();
    return v == NullMarker.NULL ? null : (String) v;
  }

  public void writeInt(int i) { values.add(i); }
  public int readInt() { return (Integer) next(); }
  public void writeLong(long l) { values.add(l); }
  public long readLong() { return (Long) next(); }

  public void writeStringArray(String[] a) { values.add(a == null ? NullMarker.NULL : Arrays.asList(a.clone())); }

  @SuppressWarnings("unchecked")
  public String[] createStringArray() {
    Object v = next();
    return v == NullMarker.NULL ? null : ((List<String>) v).toArray(new String[0]);
  }

  public void writeStringList(List<String> l) { values.add(l == null ? NullMarker.NULL : new ArrayList<>(l)); }

  @SuppressWarnings("unchecked")
  public ArrayList<String> createStringArrayList() {
    Object v = next();
    return v == NullMarker.NULL ? null : new ArrayList<>((List<String>) v);
  }

  static final class NullMarker {
    static final String NULL = "\u0000null";

    private NullMarker() {}
  }
}
