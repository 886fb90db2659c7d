package android.content;

import java.util.Map;
import java.util.TreeMap;

/** Fake: holds the three settings tables of the device the sandbox simulates. */
public class ContentResolver {
  public final Map<String, String> secure = new TreeMap<>();
  public final Map<String, String> global = new TreeMap<>();
  public final Map<String, String> system = new TreeMap<>();
}
