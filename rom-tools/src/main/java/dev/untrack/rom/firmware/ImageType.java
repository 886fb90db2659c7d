package dev.untrack.rom.firmware;

import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.lp.SuperImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** What a partition's (expanded) bytes hold, from magic numbers. */
public enum ImageType {
  /** LP metadata geometry at 4096. */
  SUPER,
  /** Superblock magic 0xEF53 at 1080. */
  EXT4,
  /** Superblock magic 0xE0F5E1E2 at 1024. */
  EROFS,
  /** "AVB0" at 0. */
  VBMETA,
  /** "ANDROID!" at 0. */
  BOOT,
  /** "VNDRBOOT" at 0. */
  VENDOR_BOOT,
  EMPTY,
  OTHER;

  public static ImageType of(ByteSource s) throws IOException {
    long size = s.size();
    if (size == 0) {
      return EMPTY;
    }
    byte[] head = s.readFully(0, (int) Math.min(2048, size));
    ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
    if (head.length >= 8) {
      String magic8 = new String(head, 0, 8, StandardCharsets.ISO_8859_1);
      if (magic8.equals("ANDROID!")) {
        return BOOT;
      }
      if (magic8.equals("VNDRBOOT")) {
        return VENDOR_BOOT;
      }
      if (magic8.startsWith("AVB0")) {
        return VBMETA;
      }
    }
    if (head.length >= 1028 && b.getInt(1024) == 0xE0F5E1E2) {
      return EROFS;
    }
    if (head.length >= 1082 && (b.getShort(1080) & 0xffff) == 0xEF53) {
      return EXT4;
    }
    if (SuperImage.isSuper(s)) {
      return SUPER;
    }
    return OTHER;
  }
}
