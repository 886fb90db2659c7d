package dev.untrack.checker.pack;

/**
 * A method through which an app hands data to a telemetry SDK. A call into it is a call site the checker
 * classifies (live, gated, neutralized).
 *
 * @param sdkId the SDK it belongs to
 * @param classPattern the defining class as written in a method reference: a type descriptor, where {@code *}
 *     matches any run of characters ({@code Lcom/xiaomi/onetrack/OneTrack;}, {@code Lcom/miui/zeus/*})
 * @param namePattern method name, {@code *} allowed ({@code track*})
 * @param protoPattern {@code (PARAMS)RET} as in smali, {@code *} allowed; null matches every prototype
 * @param why the reasoning: what the method sends, and the public source
 */
public record EntryPoint(String sdkId, String classPattern, String namePattern, String protoPattern, String why) {
  public EntryPoint {
    if (classPattern == null || !classPattern.startsWith("L")) {
      throw new IllegalArgumentException("entry point class must be a type descriptor: " + classPattern);
    }
    int star = classPattern.indexOf('*');
    if (star >= 0 && classPattern.lastIndexOf('/', star) < 0) {
      // the literal part up to a package separator is what lets the checker find candidate types quickly
      throw new IllegalArgumentException("entry point class pattern must name at least a package before '*': "
          + classPattern);
    }
    if (namePattern == null || namePattern.isEmpty()) {
      throw new IllegalArgumentException("entry point without a method name pattern");
    }
  }

  /** Compiled form, so matching millions of references does not re-split patterns. */
  public Matcher matcher() {
    return new Matcher(this);
  }

  /** Matches method references against one entry point. */
  public static final class Matcher {
    private final EntryPoint entryPoint;
    private final Glob cls;
    private final Glob name;
    private final Glob proto;

    Matcher(EntryPoint e) {
      this.entryPoint = e;
      this.cls = new Glob(e.classPattern);
      this.name = new Glob(e.namePattern);
      this.proto = e.protoPattern == null ? null : new Glob(e.protoPattern);
    }

    public EntryPoint entryPoint() {
      return entryPoint;
    }

    public boolean matchesClass(String descriptor) {
      return cls.matches(descriptor);
    }

    /** True for a reference {@code descriptor->name proto}; constructors and class initializers never match. */
    public boolean matches(String descriptor, String methodName, String methodProto) {
      if (methodName.startsWith("<")) {
        return false;
      }
      return cls.matches(descriptor) && name.matches(methodName) && (proto == null || proto.matches(methodProto));
    }

    /** The literal part of the class pattern before any {@code *}: a cheap pre-filter on type descriptors. */
    public String classLiteralPrefix() {
      return cls.literalPrefix();
    }
  }
}
