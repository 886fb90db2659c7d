package dev.untrack.rom.apk;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.axml.BinaryXml;
import dev.untrack.rom.axml.XmlAttribute;
import dev.untrack.rom.axml.XmlElement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The facts untrack needs from an app's binary {@code AndroidManifest.xml}: identity, the shared user (which
 * decides how the app may be signed), SDK levels and components with their intent actions.
 */
public record AndroidManifest(
    String packageName,
    long versionCode,
    String versionName,
    String sharedUserId,
    int minSdk,
    int targetSdk,
    boolean hasCode,
    List<String> usesPermissions,
    List<Component> components) {

  /** Framework attribute ids (android.R.attr), which identify attributes even when names are obfuscated. */
  static final int ATTR_NAME = 0x01010003;
  static final int ATTR_PERMISSION = 0x01010006;
  static final int ATTR_SHARED_USER_ID = 0x0101000b;
  static final int ATTR_HAS_CODE = 0x0101000c;
  static final int ATTR_ENABLED = 0x0101000e;
  static final int ATTR_EXPORTED = 0x01010010;
  static final int ATTR_PROCESS = 0x01010011;
  static final int ATTR_MIN_SDK = 0x0101020c;
  static final int ATTR_VERSION_CODE = 0x0101021b;
  static final int ATTR_VERSION_NAME = 0x0101021c;
  static final int ATTR_TARGET_SDK = 0x01010270;
  static final int ATTR_VERSION_CODE_MAJOR = 0x01010576;

  /** An activity, activity-alias, service, receiver or provider. */
  public record Component(
      String kind, String name, Boolean exported, boolean enabled, String permission, List<String> actions) {}

  public Optional<String> sharedUser() {
    return Optional.ofNullable(sharedUserId);
  }

  public static AndroidManifest parse(byte[] binaryXml, String source) throws RomFormatException {
    XmlElement root = BinaryXml.parse(binaryXml, source);
    if (!root.name().equals("manifest")) {
      throw RomFormatException.corrupt(source, "AndroidManifest", RomFormatException.NO_OFFSET,
          "root element is <" + root.name() + ">, not <manifest>");
    }
    String pkg = root.plainAttribute("package").map(XmlAttribute::asText).orElse(null);
    if (pkg == null || pkg.isEmpty()) {
      throw RomFormatException.corrupt(source, "AndroidManifest", RomFormatException.NO_OFFSET,
          "<manifest> has no package attribute");
    }
    long minor = root.attribute(ATTR_VERSION_CODE, "versionCode").map(a -> (long) a.data() & 0xffffffffL).orElse(0L);
    long major = root.attribute(ATTR_VERSION_CODE_MAJOR, "versionCodeMajor").map(a -> (long) a.data()).orElse(0L);
    String versionName = root.attribute(ATTR_VERSION_NAME, "versionName").map(XmlAttribute::asText).orElse(null);
    String sharedUser = root.attribute(ATTR_SHARED_USER_ID, "sharedUserId").map(XmlAttribute::asText).orElse(null);
    int minSdk = 1;
    int targetSdk = 0;
    Optional<XmlElement> usesSdk = root.children("uses-sdk").findFirst();
    if (usesSdk.isPresent()) {
      minSdk = usesSdk.get().attribute(ATTR_MIN_SDK, "minSdkVersion").map(AndroidManifest::sdk).orElse(1);
      targetSdk = usesSdk.get().attribute(ATTR_TARGET_SDK, "targetSdkVersion").map(AndroidManifest::sdk).orElse(minSdk);
    } else {
      targetSdk = minSdk;
    }
    List<String> perms = new ArrayList<>();
    root.children("uses-permission").forEach(
        p -> p.attribute(ATTR_NAME, "name").ifPresent(a -> perms.add(a.asText())));
    boolean hasCode = true;
    List<Component> components = new ArrayList<>();
    Optional<XmlElement> app = root.children("application").findFirst();
    if (app.isPresent()) {
      hasCode = app.get().attribute(ATTR_HAS_CODE, "hasCode").map(a -> a.data() != 0).orElse(true);
      for (XmlElement c : app.get().children()) {
        switch (c.name()) {
          case "activity", "activity-alias", "service", "receiver", "provider" -> components.add(component(c, pkg));
          default -> { }
        }
      }
    }
    return new AndroidManifest(pkg, (major << 32) | minor, versionName, sharedUser, minSdk, targetSdk, hasCode,
        List.copyOf(perms), List.copyOf(components));
  }

  private static int sdk(XmlAttribute a) {
    if (a.isInteger()) {
      return a.data();
    }
    try {
      return Integer.parseInt(a.asText());
    } catch (NumberFormatException e) {
      return 10_000; // a codename: a preview SDK, newer than any released one
    }
  }

  private static Component component(XmlElement c, String pkg) {
    String name = c.attribute(ATTR_NAME, "name").map(XmlAttribute::asText).orElse("");
    if (name.startsWith(".")) {
      name = pkg + name;
    } else if (!name.isEmpty() && name.indexOf('.') < 0) {
      name = pkg + "." + name;
    }
    Boolean exported = c.attribute(ATTR_EXPORTED, "exported").map(a -> a.data() != 0).orElse(null);
    boolean enabled = c.attribute(ATTR_ENABLED, "enabled").map(a -> a.data() != 0).orElse(true);
    String permission = c.attribute(ATTR_PERMISSION, "permission").map(XmlAttribute::asText).orElse(null);
    List<String> actions = new ArrayList<>();
    c.children("intent-filter").forEach(f -> f.children("action").forEach(
        a -> a.attribute(ATTR_NAME, "name").ifPresent(n -> actions.add(n.asText()))));
    return new Component(c.name(), name, exported, enabled, permission, List.copyOf(actions));
  }
}
