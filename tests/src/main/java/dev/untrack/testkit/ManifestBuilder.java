package dev.untrack.testkit;

import dev.untrack.rom.axml.BinaryXmlWriter;
import dev.untrack.rom.axml.BinaryXmlWriter.Element;
import java.util.ArrayList;
import java.util.List;

/** A readable way to make a binary {@code AndroidManifest.xml} for fixture apps. */
public final class ManifestBuilder {
  private static final int NAME = 0x01010003;
  private static final int PERMISSION = 0x01010006;
  private static final int SHARED_USER_ID = 0x0101000b;
  private static final int EXPORTED = 0x01010010;
  private static final int MIN_SDK = 0x0101020c;
  private static final int VERSION_CODE = 0x0101021b;
  private static final int VERSION_NAME = 0x0101021c;
  private static final int TARGET_SDK = 0x01010270;
  private static final int LABEL = 0x01010001;

  private final String packageName;
  private int versionCode = 1;
  private String versionName = "1.0";
  private String sharedUserId;
  private int minSdk = 26;
  private int targetSdk = 30;
  private boolean utf8;
  private final List<String> permissions = new ArrayList<>();
  private final List<Element> components = new ArrayList<>();

  private ManifestBuilder(String packageName) {
    this.packageName = packageName;
  }

  public static ManifestBuilder of(String packageName) {
    return new ManifestBuilder(packageName);
  }

  public ManifestBuilder version(int code, String name) {
    this.versionCode = code;
    this.versionName = name;
    return this;
  }

  public ManifestBuilder sharedUserId(String id) {
    this.sharedUserId = id;
    return this;
  }

  public ManifestBuilder sdk(int min, int target) {
    this.minSdk = min;
    this.targetSdk = target;
    return this;
  }

  public ManifestBuilder utf8Strings() {
    this.utf8 = true;
    return this;
  }

  public ManifestBuilder permission(String name) {
    permissions.add(name);
    return this;
  }

  /** A component ({@code activity}, {@code service}, {@code receiver}, {@code provider}) with intent actions. */
  public ManifestBuilder component(String kind, String name, Boolean exported, String... actions) {
    Element c = new Element(kind).androidString("name", NAME, name);
    if (exported != null) {
      c.androidBool("exported", EXPORTED, exported);
    }
    if (actions.length > 0) {
      Element filter = new Element("intent-filter");
      for (String a : actions) {
        filter.child(new Element("action").androidString("name", NAME, a));
      }
      c.child(filter);
    }
    components.add(c);
    return this;
  }

  public ManifestBuilder protectedService(String name, String permission, String... actions) {
    component("service", name, true, actions);
    components.get(components.size() - 1).androidString("permission", PERMISSION, permission);
    return this;
  }

  public byte[] build() {
    Element m = new Element("manifest")
        .androidInt("versionCode", VERSION_CODE, versionCode)
        .androidString("versionName", VERSION_NAME, versionName)
        .plain("package", packageName);
    if (sharedUserId != null) {
      m.androidString("sharedUserId", SHARED_USER_ID, sharedUserId);
    }
    m.child(new Element("uses-sdk").androidInt("minSdkVersion", MIN_SDK, minSdk)
        .androidInt("targetSdkVersion", TARGET_SDK, targetSdk));
    for (String p : permissions) {
      m.child(new Element("uses-permission").androidString("name", NAME, p));
    }
    Element app = new Element("application").androidString("label", LABEL, packageName);
    components.forEach(app::child);
    m.child(app);
    return BinaryXmlWriter.encode(m, utf8);
  }
}
