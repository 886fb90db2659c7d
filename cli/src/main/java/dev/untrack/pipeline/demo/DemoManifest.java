package dev.untrack.pipeline.demo;

import dev.untrack.rom.axml.BinaryXmlWriter;
import dev.untrack.rom.axml.BinaryXmlWriter.Element;

/** The binary AndroidManifest.xml of a demo app: package, version, SDK levels, one component. */
final class DemoManifest {
  private static final int NAME = 0x01010003;
  private static final int EXPORTED = 0x01010010;
  private static final int MIN_SDK = 0x0101020c;
  private static final int VERSION_CODE = 0x0101021b;
  private static final int VERSION_NAME = 0x0101021c;
  private static final int TARGET_SDK = 0x01010270;
  private static final int LABEL = 0x01010001;
  private static final int SHARED_USER_ID = 0x0101000b;

  private DemoManifest() {}

  /**
   * @param sharedUserId null for none
   * @param kind activity or service
   * @param action an intent action for the component
   */
  static byte[] of(String pkg, String label, String sharedUserId, String kind, String component, String action) {
    Element m = new Element("manifest")
        .androidInt("versionCode", VERSION_CODE, 2024010100)
        .androidString("versionName", VERSION_NAME, "2024.1.1-demo")
        .plain("package", pkg);
    if (sharedUserId != null) {
      m.androidString("sharedUserId", SHARED_USER_ID, sharedUserId);
    }
    m.child(new Element("uses-sdk").androidInt("minSdkVersion", MIN_SDK, 28)
        .androidInt("targetSdkVersion", TARGET_SDK, 34));
    m.child(new Element("uses-permission").androidString("name", NAME, "android.permission.INTERNET"));
    Element c = new Element(kind).androidString("name", NAME, component).androidBool("exported", EXPORTED, true);
    c.child(new Element("intent-filter").child(new Element("action").androidString("name", NAME, action)));
    m.child(new Element("application").androidString("label", LABEL, label).child(c));
    return BinaryXmlWriter.encode(m, false);
  }
}
