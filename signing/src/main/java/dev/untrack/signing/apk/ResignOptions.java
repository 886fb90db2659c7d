package dev.untrack.signing.apk;

/**
 * How {@link ApkResigner} signs.
 *
 * @param minSdkVersion the app's minimum SDK (from its manifest; the caller reads it): decides the digest
 *     algorithms apksig picks for v1
 * @param libraryPageAlignment alignment of stored {@code .so} data: 4096 or 16384, or {@link #AUTO} to keep 16384
 *     when every stored {@code .so} of the input already had it and use 4096 otherwise
 * @param v1 write a JAR signature (needed below API 24, harmless above)
 * @param v2 write an APK Signature Scheme v2 block (needed for targetSdk 30+)
 * @param v3 write a v3 block
 */
public record ResignOptions(int minSdkVersion, int libraryPageAlignment, boolean v1, boolean v2, boolean v3) {
  public static final int AUTO = 0;

  public ResignOptions {
    if (minSdkVersion < 1) {
      throw new IllegalArgumentException("minSdkVersion must be at least 1");
    }
    if (libraryPageAlignment != AUTO && libraryPageAlignment != 4096 && libraryPageAlignment != 16384) {
      throw new IllegalArgumentException("library page alignment must be 4096 or 16384");
    }
    if (!v1 && !v2 && !v3) {
      throw new IllegalArgumentException("at least one signature scheme is needed");
    }
  }

  /** v1+v2+v3, alignment chosen from the input. */
  public static ResignOptions forMinSdk(int minSdkVersion) {
    return new ResignOptions(minSdkVersion, AUTO, true, true, true);
  }

  public ResignOptions withLibraryPageAlignment(int alignment) {
    return new ResignOptions(minSdkVersion, alignment, v1, v2, v3);
  }
}
