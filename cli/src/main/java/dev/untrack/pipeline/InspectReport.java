package dev.untrack.pipeline;

import java.util.List;

/** What {@code untrack inspect} found: container, partitions, apps. Plain data, serialized as is for --json. */
public record InspectReport(String input, String kind, List<PartitionInfo> partitions, List<AppInfo> apps) {

  /**
   * @param type what the bytes hold (EXT4, EROFS, SUPER, VBMETA, BOOT, ...)
   * @param volume the filesystem's volume name or mount point, when it has one
   * @param parent the partition it lives in ("super"), or ""
   */
  public record PartitionInfo(String name, long size, String type, String volume, String origin, String parent) {}

  /**
   * @param location {@code partition:/path} (or the file name for a single APK/JAR)
   * @param dexFiles how many {@code classes*.dex} the app carries
   * @param odexed true when the app has no dex of its own and compiled code sits in {@code oat/} beside it
   * @param sdks ids of telemetry SDKs whose package prefix the app's dex defines classes under
   * @param error why the app could not be read, or null
   */
  public record AppInfo(
      String location,
      long size,
      String packageName,
      Long versionCode,
      String versionName,
      String sharedUserId,
      int dexFiles,
      boolean odexed,
      List<String> sdks,
      String error) {}
}
