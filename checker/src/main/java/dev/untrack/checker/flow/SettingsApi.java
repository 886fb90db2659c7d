package dev.untrack.checker.flow;

import dev.untrack.checker.dex.MethodRef;
import java.util.List;

/** Recognises reads of {@code Settings.Secure/System/Global} and where their key and default arguments are. */
final class SettingsApi {
  /**
   * A settings getter.
   *
   * @param namespace secure, system or global
   * @param keyParam parameter index of the key
   * @param defaultParam parameter index of the default, or -1 when the call has none (it throws, or returns
   *     null for strings, when the key is unset)
   * @param type I, J, F or S (string)
   */
  record Getter(String namespace, int keyParam, int defaultParam, char type) {}

  private SettingsApi() {}

  static Getter getter(MethodRef ref) {
    String ns;
    switch (ref.definingClass()) {
      case "Landroid/provider/Settings$Secure;":
        ns = "secure";
        break;
      case "Landroid/provider/Settings$System;":
        ns = "system";
        break;
      case "Landroid/provider/Settings$Global;":
        ns = "global";
        break;
      default:
        return null;
    }
    List<String> p = ref.parameterTypes();
    if (p.size() < 2 || !p.get(0).equals("Landroid/content/ContentResolver;")
        || !p.get(1).equals("Ljava/lang/String;")) {
      return null;
    }
    String name = ref.name();
    boolean forUser = name.endsWith("ForUser");
    String base = forUser ? name.substring(0, name.length() - "ForUser".length()) : name;
    char type;
    switch (base) {
      case "getInt":
        type = 'I';
        break;
      case "getLong":
        type = 'J';
        break;
      case "getFloat":
        type = 'F';
        break;
      case "getString":
        type = 'S';
        break;
      default:
        return null;
    }
    // getX(cr, key), getX(cr, key, def), getXForUser(cr, key, user), getXForUser(cr, key, def, user)
    int extra = p.size() - 2 - (forUser ? 1 : 0);
    int def = type != 'S' && extra >= 1 ? 2 : -1;
    return new Getter(ns, 1, def, type);
  }
}
