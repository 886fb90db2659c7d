package dev.untrack.patcher.write;

import dev.untrack.patcher.PatchResult;
import dev.untrack.patcher.app.App;
import dev.untrack.rom.io.ByteSource;
import dev.untrack.rom.zip.ZipArchive;
import dev.untrack.rom.zip.ZipEntry;
import dev.untrack.rom.zip.ZipWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * Writes the patched app. Only the rewritten dex entries are new (keeping their entry's name, time, attributes
 * and compression); every other entry is copied as raw bytes in the original order, with alignment kept:
 * stored entries on 4 bytes, stored native libraries on their page (16 KiB if the original was, else 4 KiB).
 * The original META-INF entries and APK Signing Block are carried over verbatim, so the app keeps the
 * certificate it was signed with (the keep-cert form). With nothing to change, the output is the input, byte for
 * byte.
 */
public final class AppWriter {
  private AppWriter() {}

  public static void write(App app, PatchResult result, OutputStream out) throws IOException {
    ZipArchive zip = app.zip();
    if (!result.hasChanges()) {
      copy(zip.source(), out);
      return;
    }
    Map<String, byte[]> replaced = result.replacedDex();
    String lastDex = app.dexEntries().isEmpty() ? null
        : app.dexEntries().get(app.dexEntries().size() - 1).name();
    ZipEntry lastDexEntry = null;
    ZipWriter w = new ZipWriter(out);
    for (ZipEntry e : zip.entries()) {
      byte[] content = replaced.get(e.name());
      if (content != null) {
        w.replace(e, content, e.isStored() ? 4 : 1);
      } else {
        w.copy(zip, e, alignment(e));
      }
      if (e.name().equals(lastDex)) {
        lastDexEntry = e;
        for (PatchResult.NewDex d : result.addedDex()) {
          w.add(specLike(e, d.name()), d.bytes());
        }
      }
    }
    if (lastDexEntry == null && !result.addedDex().isEmpty()) {
      throw new IllegalStateException("dex entries to add but the app has no dex entry to place them after");
    }
    w.finish(zip.apkSigningBlock().orElse(null), zip.comment());
  }

  /** The boundary an entry's data must start on when copied. */
  static int alignment(ZipEntry e) {
    if (!e.isStored() || e.isDirectory()) {
      return 1;
    }
    if (e.name().endsWith(".so")) {
      return e.dataOffset() % 16384 == 0 ? 16384 : 4096;
    }
    return 4;
  }

  /** A new dex entry described like an existing one (compression, time, attributes). */
  private static ZipWriter.EntrySpec specLike(ZipEntry e, String name) {
    ByteBuffer rec = ByteBuffer.wrap(e.centralRecord()).order(ByteOrder.LITTLE_ENDIAN);
    return new ZipWriter.EntrySpec(name, e.method(), rec.getShort(4) & 0xffff, e.flags() & ~0x08 & ~0x800,
        e.dosTime(), e.dosDate(), rec.getShort(36) & 0xffff, rec.getInt(38) & 0xffffffffL, e.isStored() ? 4 : 1);
  }

  private static void copy(ByteSource src, OutputStream out) throws IOException {
    byte[] buf = new byte[1 << 16];
    try (InputStream in = src.openStream()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
      }
    }
    out.flush();
  }
}
