package dev.untrack.rom.axml;

/**
 * One attribute of a binary XML element.
 *
 * @param resourceId the framework attribute id from the resource map ({@code 0x0101xxxx}), 0 if none; Android
 *     identifies {@code android:} attributes by this id, not by name, so lookups prefer it
 * @param type the {@code Res_value} data type
 * @param data the {@code Res_value} data
 * @param string the string value when the attribute has one (raw value or string-typed data), else null
 */
public record XmlAttribute(String namespace, String name, int resourceId, int type, int data, String string) {
  public static final int TYPE_REFERENCE = 0x01;
  public static final int TYPE_STRING = 0x03;
  public static final int TYPE_INT_DEC = 0x10;
  public static final int TYPE_INT_HEX = 0x11;
  public static final int TYPE_INT_BOOLEAN = 0x12;

  /** The value as text the way aapt would print it (strings as is, numbers in decimal, references as @0x...). */
  public String asText() {
    if (string != null) {
      return string;
    }
    switch (type) {
      case TYPE_INT_BOOLEAN:
        return data != 0 ? "true" : "false";
      case TYPE_REFERENCE:
        return String.format("@0x%08x", data);
      case TYPE_INT_HEX:
        return String.format("0x%x", data);
      default:
        return Integer.toString(data);
    }
  }

  public boolean isInteger() {
    return type >= TYPE_INT_DEC && type <= 0x1f;
  }
}
