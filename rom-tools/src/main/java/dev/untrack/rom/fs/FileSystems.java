package dev.untrack.rom.fs;

import dev.untrack.rom.RomFormatException;
import dev.untrack.rom.erofs.ErofsImage;
import dev.untrack.rom.ext4.Ext4Image;
import dev.untrack.rom.io.ByteSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Opens a filesystem image, whichever of the supported formats it is. */
public final class FileSystems {
  private FileSystems() {}

  /** The format recognized by magic number: "ext4", "erofs", or null. */
  public static String detect(ByteSource source) throws IOException {
    if (source.size() < 1024 + 128) {
      return null;
    }
    byte[] b = source.readFully(1024, 128);
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    if (bb.getInt(0) == ErofsImage.MAGIC) {
      return "erofs";
    }
    if ((bb.getShort(0x38) & 0xffff) == 0xEF53) {
      return "ext4";
    }
    return null;
  }

  /** Opens {@code source} as ext4 or EROFS; closing the image closes the source. */
  public static FileSystemImage open(ByteSource source) throws IOException {
    String format = detect(source);
    if ("erofs".equals(format)) {
      return ErofsImage.open(source);
    }
    if ("ext4".equals(format)) {
      return Ext4Image.open(source);
    }
    throw RomFormatException.unsupported(source.name(), "filesystem", 1024,
        "neither an ext4 nor an EROFS image (no superblock magic at offset 1024)");
  }
}
