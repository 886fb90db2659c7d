package android.os;

public class Build {
  public static final String BRAND = "Xiaomi";
  public static final String MANUFACTURER = "Xiaomi";
  public static final String MODEL = "fixture";
  public static final String DEVICE = "fixture";
  public static final String PRODUCT = "fixture_global";
  public static final String FINGERPRINT = "Xiaomi/fixture/fixture:14/UKQ1/V816.0.1.0.TEST:user/release-keys";
  public static final String TYPE = "user";
  public static final String ID = "UKQ1";
  public static final String SERIAL = "unknown";
  /** MIUI adds these to android.os.Build; SDKs read them by reflection. */
  public static final boolean IS_INTERNATIONAL_BUILD = true;
  public static final boolean IS_STABLE_VERSION = true;
  public static final boolean IS_DEVELOPMENT_VERSION = false;
  public static final boolean IS_ALPHA_BUILD = false;
  public static final boolean IS_CTA_BUILD = false;
  public static final boolean IS_MIUI = true;

  public static class VERSION {
    public static final int SDK_INT = 34;
    public static final String RELEASE = "14";
    public static final String INCREMENTAL = "V816.0.1.0.TEST";
  }

  public static class VERSION_CODES {
    public static final int P = 28;
    public static final int Q = 29;
  }
}
