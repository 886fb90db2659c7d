package dev.untrack.checker;

/** Smali sources shared by the patched-form and fuzz tests. */
final class PatchedFormsTestSources {
  private PatchedFormsTestSources() {}

  static final String CALLER = String.join("\n",
      ".class public Lcom/example/Main;",
      ".super Ljava/lang/Object;",
      ".field static ot:Lcom/xiaomi/onetrack/OneTrack;",
      ".method public static onCreate()V",
      "    .registers 3",
      "    sget-object v0, Lcom/example/Main;->ot:Lcom/xiaomi/onetrack/OneTrack;",
      "    const-string v1, \"app_start\"",
      "    const/4 v2, 0",
      "    invoke-virtual {v0, v1, v2}, Lcom/xiaomi/onetrack/OneTrack;->track(Ljava/lang/String;Ljava/util/Map;)V",
      "    const-string v1, \"https://tracking.intl.miui.com/track/v4\"",
      "    return-void",
      ".end method");

  static String gatedOneTrack() {
    return String.join("\n",
        ".class public Lcom/xiaomi/onetrack/OneTrack;",
        ".super Ljava/lang/Object;",
        ".method public track(Ljava/lang/String;Ljava/util/Map;)V",
        "    .registers 4",
        "    const/4 v0, 0",
        "    invoke-static {v0}, Ldev/untrack/inject/Consent;->allowed(Landroid/content/Context;)Z",
        "    move-result v0",
        "    if-nez v0, :go",
        "    return-void",
        "    :go",
        "    invoke-static {p1}, Lcom/xiaomi/onetrack/Net;->post(Ljava/lang/String;)V",
        "    return-void",
        ".end method");
  }

  static String consent() {
    return String.join("\n",
        ".class public Ldev/untrack/inject/Consent;",
        ".super Ljava/lang/Object;",
        ".method public static allowed(Landroid/content/Context;)Z",
        "    .registers 5",
        "    if-nez p0, :have",
        "    :try_start",
        "    const-string v0, \"android.app.ActivityThread\"",
        "    invoke-static {v0}, Ljava/lang/Class;->forName(Ljava/lang/String;)Ljava/lang/Class;",
        "    move-result-object v0",
        "    :try_end",
        "    .catch Ljava/lang/Exception; {:try_start .. :try_end} :none",
        "    :none",
        "    const/4 v0, 0",
        "    return v0",
        "    :have",
        "    invoke-virtual {p0}, Landroid/content/Context;->getContentResolver()Landroid/content/ContentResolver;",
        "    move-result-object v0",
        "    const-string v1, \"upload_log_pref\"",
        "    const/4 v2, 0",
        "    invoke-static {v0, v1, v2}, Landroid/provider/Settings$Secure;->getInt(Landroid/content/ContentResolver;Ljava/lang/String;I)I",
        "    move-result v0",
        "    const/4 v1, 1",
        "    if-ne v0, v1, :out",
        "    const/4 v0, 1",
        "    return v0",
        "    :out",
        "    const/4 v0, 0",
        "    return v0",
        ".end method");
  }
}
