package dev.untrack.rom.firmware;

/** What a firmware input is, decided from its content (magic bytes and archive entries), never its name. */
public enum FirmwareKind {
  /** Fastboot images: a tgz, tar, zip or directory with {@code images/}. */
  FASTBOOT_PACKAGE,
  /** An A/B OTA zip with {@code payload.bin}. */
  OTA_PAYLOAD,
  /** A non-A/B OTA zip with {@code *.new.dat[.br]} and {@code *.transfer.list}. */
  OTA_SDAT,
  /** An LP super image, raw or sparse. */
  SUPER_IMAGE,
  /** A sparse image of anything but a super. */
  SPARSE_IMAGE,
  /** A raw partition image (ext4, EROFS, boot, vbmeta). */
  PARTITION_IMAGE,
  /** One app: a zip with {@code AndroidManifest.xml}. */
  APK,
  /** Code without a manifest: a zip with {@code classes.dex}. */
  JAR
}
