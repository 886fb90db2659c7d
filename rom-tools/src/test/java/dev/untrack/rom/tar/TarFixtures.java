package dev.untrack.rom.tar;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Small tar/tgz archives built in memory, hostile ones included. */
final class TarFixtures {
  private TarFixtures() {}

  /** Rewrites the name field of the ustar header at {@code at} (bypassing the writer's own normalization). */
  static byte[] renamed(byte[] tar, int at, String name) {
    byte[] t = tar.clone();
    java.util.Arrays.fill(t, at, at + 100, (byte) 0);
    byte[] n = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    System.arraycopy(n, 0, t, at, n.length);
    java.util.Arrays.fill(t, at + 148, at + 156, (byte) ' ');
    long sum = 0;
    for (int i = at; i < at + 512; i++) {
      sum += t[i] & 0xff;
    }
    byte[] c = String.format("%06o\0 ", sum).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    System.arraycopy(c, 0, t, at + 148, 8);
    return t;
  }

  /** name, content (byte[]) pairs; a name ending in "/" is a directory; "name->target" a symlink. */
  static byte[] tar(boolean gzip, Object... nameThenContent) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    OutputStream out = gzip ? new GZIPOutputStream(bo) : bo;
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (int i = 0; i < nameThenContent.length; i += 2) {
        String name = (String) nameThenContent[i];
        byte[] data = (byte[]) nameThenContent[i + 1];
        TarArchiveEntry e;
        if (name.contains("->")) {
          String[] p = name.split("->");
          e = new TarArchiveEntry(p[0], TarConstants.LF_SYMLINK);
          e.setLinkName(p[1]);
        } else if (name.contains("=>")) {
          String[] p = name.split("=>");
          e = new TarArchiveEntry(p[0], TarConstants.LF_LINK);
          e.setLinkName(p[1]);
        } else {
          e = new TarArchiveEntry(name);
          if (!name.endsWith("/")) {
            e.setSize(data.length);
          }
        }
        e.setModTime(1_600_000_000_000L);
        t.putArchiveEntry(e);
        if (e.isFile() && !e.isLink() && !e.isSymbolicLink()) {
          t.write(data);
        }
        t.closeArchiveEntry();
      }
    }
    return bo.toByteArray();
  }
}
